"""Render, update and check projects with Copier: the one module that runs it."""

from __future__ import annotations

import functools
import re
import shutil
import tempfile
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml

from scaffold import git, own_template
from scaffold.compile_cache import cache_compiles
from scaffold.errors import (
    DestinationNotEmpty,
    RenderError,
    ScaffoldError,
    UntrustedTemplate,
    UpdateError,
    UserError,
)
from scaffold.sources import TemplateSource

__all__ = [
    "ANSWERS_FILE",
    "CheckReport",
    "Rendered",
    "UpdateReport",
    "check",
    "destination_problem",
    "generate",
    "read_answers",
    "update",
]

ANSWERS_FILE = ".copier-answers.yml"
_CONFLICT_MARKER = re.compile(r"^<{7} ", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class Rendered:
    """A project rendered into place."""

    path: Path
    answers: Mapping[str, Any]
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class UpdateReport:
    """What an update changed."""

    path: Path
    old_commit: str
    new_commit: str
    changes: tuple[git.Change, ...]
    conflicts: tuple[str, ...]
    rejects: tuple[str, ...]
    answers: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class CheckReport:
    """A project's template version against the newest release of its template."""

    source: str
    current: str
    latest: str | None

    @property
    def outdated(self) -> bool:
        """Tell whether a newer release than the project's exists."""
        if self.latest is None:
            return False
        current = git.parse_commit_version(self.current)
        latest = git.parse_commit_version(self.latest)
        return current is None or (latest is not None and latest > current)


# Rendering ----------------------------------------------------------------------------------------


def destination_problem(dest: Path, *, force: bool) -> UserError | None:
    """Say why a project cannot be rendered into `dest` (`force`: into a folder with files)."""
    if dest.exists() and not dest.is_dir():
        return UserError(f"{dest} exists and is not a folder")
    if dest.is_dir() and any(dest.iterdir()) and not force:
        return DestinationNotEmpty(dest=dest)
    return None


def generate(
    answers: Mapping[str, Any],
    dest: Path,
    *,
    source: TemplateSource,
    force: bool = False,
    trust: bool = False,
    prepare: Callable[[Path], None] | None = None,
) -> Rendered:
    """Render a project into `dest` through a temporary folder beside it.

    The project appears in `dest` only once Copier and `prepare` (e.g. git init and a first
    commit, run inside the temporary folder) are done; a failure or Ctrl-C leaves nothing.

    Raises:
        UserError: When `dest` cannot take the project, or the template needs `trust`.
        RenderError: When Copier or `prepare` fails.
    """
    dest = dest.expanduser().absolute()
    problem = destination_problem(dest, force=force)
    if problem:
        raise problem
    created = [parent for parent in (dest.parent, *dest.parent.parents) if not parent.exists()]
    dest.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", suffix=".partial", dir=dest.parent))
    # Rendered under the final name, so that Copier's `_folder_name` is the project's own.
    staged = scratch / dest.name
    from copier.errors import UnsafeTemplateError

    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            recorded = _copy(source, staged, answers=answers, trust=trust)
        if prepare is not None:
            prepare(staged)
        _move_into_place(staged, dest)
    except BaseException as error:
        for leftover in (scratch, *created):
            shutil.rmtree(leftover, ignore_errors=True)
        if isinstance(error, UnsafeTemplateError):
            raise UntrustedTemplate(reason=_unsafe_message(error)) from error
        if isinstance(error, Exception) and not isinstance(error, ScaffoldError):
            # Copier lets template errors (Jinja syntax, a failing task...) through as they are.
            raise RenderError(reason=_one_line(error)) from error
        raise
    shutil.rmtree(scratch, ignore_errors=True)
    notes = tuple(dict.fromkeys(_one_line(warning.message) for warning in caught))
    return Rendered(path=dest, answers=recorded, notes=notes)


def _copy(
    source: TemplateSource, dest: Path, *, answers: Mapping[str, Any], trust: bool
) -> dict[str, Any]:
    """Run `copier copy` and return every answer it recorded.

    This is `copier.run_copy` (Copier's Worker, internal to Copier) with two additions: a
    template already on disk at the ref (a URL's clone made for its copier.yml, a clean
    checkout) is used as it is instead of cloned again, and Copier's Jinja environment keeps its
    compiled code across runs (`scaffold.compile_cache`).
    """
    from copier._template import Template

    template = source.checkout
    if template is None and source.files is not None:
        template = Template(url=source.location, ref=source.vcs_ref)
        template.__dict__["local_abspath"] = source.files  # already at the ref: no clone
    with _caching_worker()(
        src_path=source.location,
        dst_path=dest,
        data=dict(answers),
        defaults=True,
        quiet=True,
        unsafe=trust,
        vcs_ref=source.vcs_ref,
    ) as worker:
        if template is not None:
            worker.__dict__["template"] = template
        # For each file it writes, Copier asks git whether the destination's index must learn
        # the file's executable bit (core.fileMode false): one git process per file. A project
        # rendered into a new folder has no index, so each of them is a no-op.
        worker.__dict__["_sync_git_index_executable_bit"] = lambda *_: None
        worker.run_copy()
    return dict(worker.answers.combined)


@functools.cache
def _caching_worker() -> Any:
    """Copier's Worker (internal to Copier), its Jinja environment caching compiled code.

    The cache (`scaffold.compile_cache`) keeps it across runs. `copier update` renders the old
    and the new version through workers it copies from this one with `dataclasses.replace`,
    which keeps the class: they cache too. Built once, on first use, so that importing this
    module does not import Copier.
    """
    from copier._main import Worker

    class CachingWorker(Worker):
        @functools.cached_property
        def jinja_env(self) -> Any:
            environment = super().jinja_env
            cache_compiles(environment)
            return environment

    return CachingWorker


def _move_into_place(staged: Path, dest: Path) -> None:
    """Move a finished project to `dest`: a rename, or a copy over an existing folder (--force)."""
    if not dest.exists():
        staged.rename(dest)
        return
    if not any(dest.iterdir()):
        dest.rmdir()
        staged.rename(dest)
        return
    shutil.copytree(staged, dest, symlinks=True, dirs_exist_ok=True)


def _unsafe_message(error: Exception) -> str:
    return f"{_one_line(error)} Review what the template runs in its copier.yml first"


def _one_line(error: object) -> str:
    return " ".join(str(error).split())


# Keeping projects up to date ----------------------------------------------------------------------


def read_answers(path: Path) -> dict[str, Any]:
    """Read a project's `.copier-answers.yml`.

    Raises:
        UpdateError: When the project has none, or it is not a Copier answers file.
    """
    answers_file = path / ANSWERS_FILE
    try:
        raw = yaml.safe_load(answers_file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UpdateError(
            reason=f"{path} has no {ANSWERS_FILE}: it was not generated by scaffold or Copier"
        ) from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise UpdateError(reason=f"cannot read {answers_file}: {_one_line(error)}") from error
    if not isinstance(raw, dict) or not raw.get("_src_path") or not raw.get("_commit"):
        raise UpdateError(
            reason=f"{answers_file} does not say which template and version the project "
            "comes from (_src_path, _commit): it cannot be updated"
        )
    return raw


def check(path: Path) -> CheckReport:
    """Compare a project's template version with the newest release of its template.

    Raises:
        UpdateError: When the project or its template cannot be read.
    """
    answers = read_answers(path)
    source = str(answers["_src_path"])
    latest = git.latest_release(source)
    return CheckReport(
        source=source, current=str(answers["_commit"]), latest=latest[0] if latest else None
    )


def update(
    path: Path,
    *,
    data: Mapping[str, Any] | None = None,
    vcs_ref: str | None = None,
    conflict: Literal["inline", "rej"] = "inline",
    trust: bool = False,
) -> UpdateReport:
    """Bring a project up to its template's newest release (or `vcs_ref`) with `copier update`.

    `data` changes answers. The project's work tree must be clean; on any failure or Ctrl-C it
    is restored to that clean state. scaffold's own template is trusted to run its migrations;
    another needs `trust`.

    Raises:
        UpdateError: When the project cannot be updated, or the template refuses an answer.
    """
    path = path.expanduser().resolve()
    old = read_answers(path)
    if git.toplevel(path) is None:
        raise UpdateError(reason=f"{path} is not in a git repository: copier update needs one")
    if dirty := git.status(path):
        listed = ", ".join(change.path for change in dirty[:3])
        more = f" and {len(dirty) - 3} more" if len(dirty) > 3 else ""
        raise UpdateError(
            reason=f"{path} has uncommitted changes ({listed}{more}): commit or stash them "
            "first, so the update can be reviewed and undone"
        )
    from copier.errors import UnsafeTemplateError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with _caching_worker()(
                dst_path=path,
                data=dict(data or {}),
                defaults=True,
                overwrite=True,
                quiet=True,
                conflict=conflict,
                vcs_ref=vcs_ref,
                unsafe=trust or own_template.is_own_source(str(old["_src_path"])),
            ) as worker:
                worker.run_update()  # what copier.run_update does
    except BaseException as error:
        git.restore_clean_tree(path)
        if isinstance(error, UnsafeTemplateError):
            raise UntrustedTemplate(reason=_unsafe_message(error)) from error
        if isinstance(error, Exception) and not isinstance(error, ScaffoldError):
            raise UpdateError(reason=_one_line(error)) from error
        raise
    new = read_answers(path)
    changes = tuple(git.status(path))
    conflicts = [change.path for change in changes if change.conflicted]
    for change in changes:
        if change.path not in conflicts and _has_conflict_marker(path / change.path):
            conflicts.append(change.path)
    return UpdateReport(
        path=path,
        old_commit=str(old["_commit"]),
        new_commit=str(new["_commit"]),
        changes=changes,
        conflicts=tuple(conflicts),
        rejects=tuple(change.path for change in changes if change.path.endswith(".rej")),
        answers={key: value for key, value in new.items() if not key.startswith("_")},
    )


def _has_conflict_marker(path: Path) -> bool:
    try:
        return bool(_CONFLICT_MARKER.search(path.read_text(encoding="utf-8")))
    except (OSError, UnicodeDecodeError):
        return False
