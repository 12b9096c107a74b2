"""Render, update and check projects with Copier: the only module that imports it."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import warnings
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import copier
import platformdirs
import yaml
from copier.errors import UnsafeTemplateError

from scaffold import __version__, options, project
from scaffold.errors import RenderError, ScaffoldError, UpdateError, UserError
from scaffold.options import Questionnaire
from scaffold.paths import template_root

__all__ = [
    "ANSWERS_FILE",
    "CheckReport",
    "Rendered",
    "TemplateSource",
    "UpdateReport",
    "check",
    "destination_problem",
    "generate",
    "open_template",
    "read_answers",
    "stored_template",
    "update",
]

ANSWERS_FILE = ".copier-answers.yml"
CONFLICT_MARKER = re.compile(r"^<{7} ", re.MULTILINE)
_URL = re.compile(r"^([a-z][a-z0-9+.-]*://|[\w.-]+@[\w.-]+:|gh:|gl:)", re.IGNORECASE)
DATA_DIR_VARIABLE = "SCAFFOLD_DATA_DIR"
"""Where the wheel's bundled template becomes a git repository (default: the user data dir)."""


@dataclass(frozen=True, slots=True)
class TemplateSource:
    """Where a project is rendered from, and what Copier stores as its `_src_path`."""

    location: str
    """A path or URL; Copier records it, and `copier update` reads the template from it."""
    questionnaire: Questionnaire
    """copier.yml as it is at the ref that will be rendered."""
    vcs_ref: str | None = None
    updatable: bool = True
    """Whether the source is a git repository, which `copier update` needs."""
    own: bool = False
    """Whether it is scaffold's own template (trusted to run its migrations)."""


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
    changes: tuple[project.Change, ...]
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
        current = project.parse_commit_version(self.current)
        latest = project.parse_commit_version(self.latest)
        return current is None or (latest is not None and latest > current)


# Template sources ---------------------------------------------------------------------------------


def _is_url(source: str) -> bool:
    return bool(_URL.match(source)) and not Path(source).exists()


@contextmanager
def open_template(
    template: str | os.PathLike[str] | None = None,
    *,
    vcs_ref: str | None = None,
    store: Path | None = None,
) -> Iterator[TemplateSource]:
    """Resolve a template source and read its copier.yml at the ref Copier will render.

    Without `template`, scaffold's own: its git checkout, or else the copy bundled in the wheel,
    committed and tagged into a git repository under the user data dir (`store`), so that the
    project's `_src_path` is a git repository `copier update` can read, offline.

    Raises:
        TemplateNotFound: When there is no template there.
        UserError: When a git source cannot be read.
    """
    with tempfile.TemporaryDirectory(prefix="scaffold-template-") as scratch:
        work = Path(scratch)
        if template is None:
            root = template_root()
            if project.git_toplevel(root) == root:
                yield _local_source(root, vcs_ref=vcs_ref, work=work, own=True)
            elif project.git_available():
                repo, tag = stored_template(root, store=store or _default_store())
                yield _local_source(repo, vcs_ref=vcs_ref or tag, work=work, own=True)
            else:
                yield _plain_source(root)
            return
        text = os.fspath(template)
        if _is_url(text):
            clone = work / "clone"
            project.clone(text, clone)
            ref = vcs_ref or _latest_ref(text)
            config = _config_at(clone, ref, work)
            yield TemplateSource(location=text, questionnaire=options.load(config), vcs_ref=vcs_ref)
            return
        path = Path(text).expanduser().resolve()
        if not path.exists():
            raise UserError(f"Template not found: {path} does not exist")
        if not path.is_dir():
            raise UserError(f"{path} is not a directory: a template is a folder with a copier.yml")
        if project.git_toplevel(path) == path:
            yield _local_source(path, vcs_ref=vcs_ref, work=work, own=path == template_root())
        else:
            yield _plain_source(path)


def _plain_source(path: Path) -> TemplateSource:
    """A template folder that is not a git repository: renders, but cannot update."""
    return TemplateSource(location=str(path), questionnaire=options.load(path), updatable=False)


def _local_source(path: Path, *, vcs_ref: str | None, work: Path, own: bool) -> TemplateSource:
    """A local git repository; copier.yml is read at `vcs_ref`, or the ref Copier picks."""
    if vcs_ref == "HEAD":
        # Copier renders the working tree, uncommitted changes included, for HEAD.
        config = path
    else:
        config = _config_at(path, vcs_ref or _latest_ref(str(path)), work)
    return TemplateSource(
        location=str(path), questionnaire=options.load(config), vcs_ref=vcs_ref, own=own
    )


def _latest_ref(source: str) -> str:
    """Return what Copier renders without a ref: the newest PEP 440 tag, else the last commit."""
    try:
        latest = project.latest_release(source)
    except UpdateError as error:
        raise UserError(str(error)) from error
    return latest[0] if latest else "HEAD"


def _config_at(repo: Path, ref: str, work: Path) -> Path:
    """Write the repository's copier.yml at `ref` into `work` and return its path."""
    target = work / "config" / ref.replace("/", "_")
    target.mkdir(parents=True, exist_ok=True)
    (target / "copier.yml").write_text(project.show_file(repo, ref, "copier.yml"), "utf-8")
    return target / "copier.yml"


def _default_store() -> Path:
    configured = os.environ.get(DATA_DIR_VARIABLE)
    return Path(configured) if configured else platformdirs.user_data_path("scaffold")


def stored_template(root: Path, *, store: Path) -> tuple[Path, str]:
    """Commit the template folder `root` into the git repository `store`/template and tag it.

    The tag is ``v<scaffold version>``; the same version with different content (a development
    build) gets ``v<version>+<tree>``, a PEP 440 local version. Each scaffold version installed
    adds its tag, so `copier update` finds both a project's old version and the new one.
    """
    repo = store / "template"
    if project.git_toplevel(repo) != repo.resolve():
        repo.mkdir(parents=True, exist_ok=True)
        project.init_repository(repo)
    for child in repo.iterdir():
        if child.name != ".git":
            shutil.rmtree(child) if child.is_dir() else child.unlink()
    ignore = shutil.ignore_patterns("__pycache__", "*.py[co]")
    for child in root.iterdir():
        if child.name in {".git", "__pycache__"}:
            continue
        if child.is_dir():
            shutil.copytree(child, repo / child.name, ignore=ignore)
        else:
            shutil.copy2(child, repo / child.name)
    return repo, project.tag_tree(repo, f"v{__version__}", message=f"scaffold {__version__}")


# Rendering ----------------------------------------------------------------------------------------


def destination_problem(dest: Path, *, force: bool) -> str | None:
    """Say why a project cannot be rendered into `dest`, or return None when it can."""
    if dest.exists() and not dest.is_dir():
        return f"{dest} exists and is not a folder"
    if dest.is_dir() and any(dest.iterdir()) and not force:
        return f"{dest} exists and is not empty: choose another folder, or pass --force to add the project's files to it (files of the same name are overwritten)"  # noqa: E501
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
        raise UserError(problem)
    created = [parent for parent in (dest.parent, *dest.parent.parents) if not parent.exists()]
    dest.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", suffix=".partial", dir=dest.parent))
    # Rendered under the final name, so that Copier's `_folder_name` is the project's own.
    staged = scratch / dest.name
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            worker = copier.run_copy(
                source.location,
                staged,
                data=dict(answers),
                defaults=True,
                quiet=True,
                unsafe=trust,
                vcs_ref=source.vcs_ref,
            )
        recorded = dict(worker.answers.combined)
        if prepare is not None:
            prepare(staged)
        _move_into_place(staged, dest)
    except BaseException as error:
        for leftover in (scratch, *created):
            shutil.rmtree(leftover, ignore_errors=True)
        if isinstance(error, UnsafeTemplateError):
            raise UserError(_unsafe_message(error)) from error
        if isinstance(error, Exception) and not isinstance(error, ScaffoldError):
            # Copier lets template errors (Jinja syntax, a failing task...) through as they are.
            raise RenderError(reason=_one_line(error)) from error
        raise
    shutil.rmtree(scratch, ignore_errors=True)
    notes = tuple(dict.fromkeys(_one_line(warning.message) for warning in caught))
    return Rendered(path=dest, answers=recorded, notes=notes)


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
    return (
        f"{_one_line(error)} Review what the template runs in its copier.yml, "
        "and pass --trust if you trust it"
    )


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
    latest = project.latest_release(source)
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
    if project.git_toplevel(path) is None:
        raise UpdateError(reason=f"{path} is not in a git repository: copier update needs one")
    if dirty := project.status(path):
        listed = ", ".join(change.path for change in dirty[:3])
        more = f" and {len(dirty) - 3} more" if len(dirty) > 3 else ""
        raise UpdateError(
            reason=f"{path} has uncommitted changes ({listed}{more}): commit or stash them "
            "first, so the update can be reviewed and undone"
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            copier.run_update(
                path,
                data=dict(data or {}),
                defaults=True,
                overwrite=True,
                quiet=True,
                conflict=conflict,
                vcs_ref=vcs_ref,
                unsafe=trust or _is_own_source(str(old["_src_path"])),
            )
    except BaseException as error:
        project.restore_clean_tree(path)
        if isinstance(error, UnsafeTemplateError):
            raise UpdateError(reason=_unsafe_message(error)) from error
        if isinstance(error, Exception) and not isinstance(error, ScaffoldError):
            raise UpdateError(reason=_one_line(error)) from error
        raise
    new = read_answers(path)
    changes = tuple(project.status(path))
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
        return bool(CONFLICT_MARKER.search(path.read_text(encoding="utf-8")))
    except (OSError, UnicodeDecodeError):
        return False


def _is_own_source(source: str) -> bool:
    """Tell whether `source` is scaffold's own template: its checkout or its stored copy."""
    if _is_url(source):
        return False
    path = Path(source).resolve()
    own = [template_root().resolve(), (_default_store() / "template").resolve()]
    return path in own
