"""Template sources: scaffold's own template, a local folder or a git URL, read at one ref.

A source is resolved once: the ref Copier will render is fixed here (the newest release tag, else
the last commit), and copier.yml is read from the template's files at that ref, so that the
questions asked are the ones Copier renders.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scaffold import git, own_template
from scaffold.errors import UpdateError, UserError
from scaffold.questionnaire import Questionnaire, load

__all__ = ["TemplateSource", "open_template"]


@dataclass(frozen=True, slots=True)
class TemplateSource:
    """Where a project is rendered from, and what Copier stores as its `_src_path`."""

    location: str
    """A path or URL; Copier records it, and `copier update` reads the template from it."""
    questionnaire: Questionnaire
    """copier.yml as it is at the ref that will be rendered."""
    vcs_ref: str | None = None
    """The ref Copier renders; None for a folder that is not a git repository."""
    updatable: bool = True
    """Whether the source is a git repository, which `copier update` needs."""
    own: bool = False
    """Whether it is scaffold's own template (trusted to run its migrations)."""
    files: Path | None = None
    """A git work tree that is a clean checkout of `vcs_ref`: Copier renders it without a clone."""
    checkout: Any = None
    """Copier's clone of a git URL at `vcs_ref`, for the render to reuse (one clone)."""


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
            root = own_template.template_root()
            if git.available() and (root / ".git").exists():  # a checkout of scaffold
                yield _local_source(root, vcs_ref=vcs_ref, work=work, own=True)
            elif git.available():
                repo, tag = own_template.stored_template(root, store=store)
                yield _local_source(repo, vcs_ref=vcs_ref or tag, work=work, own=True)
            else:
                yield _plain_source(root)
            return
        text = os.fspath(template)
        if git.is_url(text):
            yield _remote_source(text, vcs_ref=vcs_ref)
            return
        path = Path(text).expanduser().resolve()
        if not path.exists():
            raise UserError(f"Template not found: {path} does not exist")
        if not path.is_dir():
            raise UserError(f"{path} is not a directory: a template is a folder with a copier.yml")
        if git.available() and (path / ".git").exists():
            own = path == own_template.template_root()
            yield _local_source(path, vcs_ref=vcs_ref, work=work, own=own)
        else:
            yield _plain_source(path)


def _plain_source(path: Path) -> TemplateSource:
    """A template folder that is not a git repository: renders, but cannot update."""
    return TemplateSource(location=str(path), questionnaire=load(path), updatable=False)


def _local_source(path: Path, *, vcs_ref: str | None, work: Path, own: bool) -> TemplateSource:
    """A local git repository, read at `vcs_ref` or else at its newest release.

    HEAD means the working tree, uncommitted changes included (as Copier renders it); any other
    ref is read from git. When the work tree is a clean checkout of the ref, Copier renders from
    it as it is, instead of cloning the repository first.
    """
    # Without a release tag, the last commit by its hash: Copier renders the same, silently.
    ref = vcs_ref or _latest_ref(str(path)) or git.resolve_ref(path, "HEAD")[0]
    files = None
    if ref == "HEAD":
        root = path
    elif _is_clean_checkout_of(path, ref):
        root = files = path
    else:
        root = git.export_tree(path, ref, work / "tree")
    return TemplateSource(
        location=str(path), questionnaire=load(root), vcs_ref=ref, own=own, files=files
    )


def _is_clean_checkout_of(path: Path, ref: str) -> bool:
    """Tell whether the work tree at `path` holds exactly the files of `ref`."""
    try:
        at, head = git.resolve_ref(path, ref, "HEAD")
        return at == head and not git.status(path)
    except (UserError, UpdateError):
        return False


def _remote_source(url: str, *, vcs_ref: str | None) -> TemplateSource:
    """A git URL: Copier clones it once, at the ref, and the render reuses that clone."""
    from copier._template import Template
    from copier.errors import CopierError

    ref = vcs_ref or _latest_ref(url) or "HEAD"
    checkout = Template(url=url, ref=ref)
    try:
        root = checkout.local_abspath
    except (CopierError, OSError, ValueError) as error:
        raise UserError(f"Cannot read the template {url} at {ref}: {error}") from error
    except Exception as error:  # plumbum's ProcessExecutionError: git failed
        raise UserError(f"Cannot clone the template {url}: {_first_line(error)}") from error
    return TemplateSource(location=url, questionnaire=load(root), vcs_ref=ref, checkout=checkout)


def _latest_ref(source: str) -> str | None:
    """Return the newest PEP 440 release tag of a git source, as Copier picks it, or None."""
    try:
        latest = git.latest_release(source)
    except UpdateError as error:
        raise UserError(str(error)) from error
    return latest[0] if latest else None


def _first_line(error: Exception) -> str:
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    return lines[-1] if lines else type(error).__name__
