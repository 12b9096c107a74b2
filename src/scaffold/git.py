"""git for new projects and template repositories: init, commit, tags, status, files at a ref."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import tarfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from scaffold.errors import GitFailed, RenderError, UpdateError, UserError

if TYPE_CHECKING:
    from packaging.version import Version

__all__ = [
    "Change",
    "available",
    "commit_all",
    "enclosing_repository",
    "expand_source",
    "export_tree",
    "init_repository",
    "is_url",
    "latest_release",
    "parse_commit_version",
    "resolve_ref",
    "restore_clean_tree",
    "status",
    "tag_tree",
    "toplevel",
]

_GIT_TIMEOUT = 120
# What `git describe --always` gives for a template without tags.
_BARE_HASH = re.compile(r"[0-9a-f]{7,40}")
# Copier's source shortcuts (https://copier.readthedocs.io/en/stable/generating/).
_SHORTCUTS = {"gh:": "https://github.com/", "gl:": "https://gitlab.com/"}
_URL = re.compile(r"^([a-z][a-z0-9+.-]*://|[\w.-]+@[\w.-]+:|gh:|gl:)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Change:
    """One line of ``git status --porcelain``: a two-letter status and a path."""

    code: str
    path: str

    @property
    def conflicted(self) -> bool:
        """Tell whether git marks the path as unmerged (both sides changed it)."""
        return "U" in self.code or self.code in {"AA", "DD"}


def available() -> bool:
    """Tell whether the git command is installed."""
    return shutil.which("git") is not None


def _git(
    args: Sequence[str], *, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run git quietly, with prompts for credentials switched off, and return the result."""
    return subprocess.run(
        ["git", *args],
        cwd=cwd,
        env={**os.environ, "GIT_TERMINAL_PROMPT": "0", **(env or {})},
        capture_output=True,
        text=True,
        timeout=_GIT_TIMEOUT,
        check=False,
    )


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "no output"


def toplevel(path: Path) -> Path | None:
    """Return the root of the git work tree holding `path`, or None outside any."""
    if not available() or not path.is_dir():
        return None
    done = _git(["rev-parse", "--show-toplevel"], cwd=path)
    return Path(done.stdout.strip()) if done.returncode == 0 else None


def enclosing_repository(path: Path) -> Path | None:
    """Return the work tree `path` is in, found as git finds it (a `.git` here or above), or None.

    No git process: `scaffold new` asks this once before rendering and once per template, and
    a process costs more than the look-up. (Ceiling directories and GIT_DIR are not honoured.)
    """
    for folder in (path, *path.parents):
        if (folder / ".git").exists():
            return folder
    return None


def init_repository(path: Path) -> None:
    """Turn `path` into a git repository with a ``main`` branch.

    Raises:
        GitFailed: When git is missing or fails.
    """
    if not available():
        raise GitFailed(reason="git is not installed: install it, or make the project without git")
    done = _git(["init", "--quiet", "--initial-branch=main"], cwd=path)
    if done.returncode != 0:
        raise GitFailed(reason=f"git init failed: {_last_line(done.stderr)}")


def commit_all(path: Path, *, message: str, author: tuple[str, str] | None = None) -> None:
    """Stage every file and commit; `author` (name, email) is used only when git has no identity.

    Raises:
        GitFailed: When git fails.
    """
    identity: dict[str, str] = {}
    if author and not _git(["config", "user.email"], cwd=path).stdout.strip():
        name, email = author
        identity = {
            "GIT_AUTHOR_NAME": name,
            "GIT_AUTHOR_EMAIL": email,
            "GIT_COMMITTER_NAME": name,
            "GIT_COMMITTER_EMAIL": email,
        }
    for args in (["add", "--all"], ["commit", "--quiet", "--no-verify", "-m", message]):
        done = _git(args, cwd=path, env=identity)
        if done.returncode != 0:
            reason = _last_line(done.stderr or done.stdout)
            raise GitFailed(reason=f"git {args[0]} failed: {reason}")


def is_url(source: str) -> bool:
    """Tell whether a template source is a git URL (or Copier shortcut), not a local path."""
    return bool(_URL.match(source)) and not Path(source).exists()


def resolve_ref(repo: Path, *refs: str) -> list[str]:
    """Return the commits `refs` name in `repo`, in one git call.

    Raises:
        UserError: When one of them does not exist.
    """
    done = _git(["rev-parse", *(f"{ref}^{{commit}}" for ref in refs)], cwd=repo)
    commits = done.stdout.split()
    if done.returncode != 0 or len(commits) != len(refs):
        raise UserError(f"The template at {repo} has no version {' or '.join(refs)}")
    return commits


def export_tree(repo: Path, ref: str, dest: Path) -> Path:
    """Write the files of `repo` at `ref` into `dest` (no .git) and return `dest`.

    Raises:
        UserError: When the ref does not exist.
    """
    done = subprocess.run(
        ["git", "archive", "--format=tar", ref],
        cwd=repo,
        capture_output=True,
        timeout=_GIT_TIMEOUT,
        check=False,
    )
    if done.returncode != 0:
        reason = _last_line(done.stderr.decode(errors="replace"))
        raise UserError(f"Cannot read the template {repo} at {ref}: {reason}")
    dest.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(done.stdout)) as archive:
        archive.extractall(dest, filter="data")
    return dest


def tag_tree(repo: Path, tag: str, *, message: str) -> str:
    """Commit the work tree of `repo` if it changed, tag it `tag`, and return the tag.

    When `tag` already names different content, the tag becomes ``<tag>+<tree hash>`` (a PEP 440
    local version) so that an existing release is never moved.

    Raises:
        RenderError: When git fails.
    """
    identity = {
        "GIT_AUTHOR_NAME": "scaffold",
        "GIT_AUTHOR_EMAIL": "scaffold@localhost",
        "GIT_COMMITTER_NAME": "scaffold",
        "GIT_COMMITTER_EMAIL": "scaffold@localhost",
    }

    def git(*args: str) -> str:
        done = _git(args, cwd=repo, env=identity)
        if done.returncode != 0:
            raise RenderError(reason=f"git {args[0]} failed in {repo}: {_last_line(done.stderr)}")
        return done.stdout.strip()

    def tree_of(ref: str) -> str | None:
        done = _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{tree}}"], cwd=repo)
        return done.stdout.strip() if done.returncode == 0 else None

    git("add", "--all")
    tree = git("write-tree")
    tagged = tree_of(tag)
    if tagged is not None and tagged != tree:
        tag = f"{tag}+{tree[:10]}"
        tagged = tree_of(tag)
    if tagged == tree:
        return tag
    if tree_of("HEAD") != tree:
        git("commit", "--quiet", "--no-verify", "--no-gpg-sign", "-m", message)
    git("tag", tag)
    return tag


def status(path: Path) -> list[Change]:
    """Return the uncommitted changes of the work tree at `path`, untracked files included.

    Raises:
        UpdateError: When `path` is not in a git work tree.
    """
    done = _git(["status", "--porcelain=v1", "--untracked-files=all", "--", "."], cwd=path)
    if done.returncode != 0:
        raise UpdateError(reason=f"{path} is not a git repository: {_last_line(done.stderr)}")
    changes = []
    for line in done.stdout.splitlines():
        code, file = line[:2], line[3:]
        if " -> " in file:  # a rename: keep the new name
            file = file.split(" -> ", 1)[1]
        changes.append(Change(code=code, path=file.strip('"')))
    return changes


def restore_clean_tree(path: Path) -> None:
    """Undo every uncommitted change under `path` (callers know the tree was clean before)."""
    _git(["reset", "--quiet", "--", "."], cwd=path)
    _git(["checkout", "--quiet", "--", "."], cwd=path)
    # Untracked files only: ignored ones (.env, .venv, databases) are left alone.
    _git(["clean", "--quiet", "-d", "--force", "--", "."], cwd=path)


def expand_source(source: str) -> str:
    """Expand Copier's ``gh:``/``gl:`` shortcuts and ``git+`` prefix to a URL git understands."""
    source = source.removeprefix("git+")
    for prefix, url in _SHORTCUTS.items():
        if source.startswith(prefix):
            return url + source.removeprefix(prefix)
    return source


def latest_release(source: str, *, prereleases: bool = False) -> tuple[str, Version] | None:
    """Return the newest PEP 440 tag of a git repository (path or URL) and its version.

    Prereleases are skipped unless asked for, as Copier does. Returns None when there is no tag.

    Raises:
        UpdateError: When the repository cannot be read.
    """
    from packaging.version import InvalidVersion, Version

    # Copier's own lookup (copier._vcs.get_latest_tag) is internal and clones the repository;
    # `git ls-remote` reads the tags of a path or URL without a clone, which suits a CI check.
    if not available():
        raise UpdateError(reason="git is not installed")
    if not is_url(source) and Path(source).is_dir():
        done = _git(["tag", "--list"], cwd=Path(source))  # a local repository: no upload-pack
    else:
        done = _git(["ls-remote", "--tags", "--refs", expand_source(source)])
    if done.returncode != 0:
        raise UpdateError(reason=f"cannot read the template at {source}: {_last_line(done.stderr)}")
    found: list[tuple[Version, str]] = []
    for line in done.stdout.splitlines():
        tag = line.rpartition("refs/tags/")[2].strip()
        try:
            version = Version(tag)
        except InvalidVersion:
            continue
        if prereleases or not version.is_prerelease:
            found.append((version, tag))
    if not found:
        return None
    version, tag = max(found)
    return tag, version


def parse_commit_version(commit: str) -> Version | None:
    """Read the version in a `_commit` answer: a tag, or ``git describe``'s ``tag-N-gHASH``.

    Returns None for a bare commit hash (a template without tags).
    """
    from packaging.version import InvalidVersion, Version

    # The same reading as Copier's Template.version, which is internal to Copier.
    if _BARE_HASH.fullmatch(commit):
        return None
    base, separator, rest = commit.rpartition("-g")
    if separator and base.rpartition("-")[2].isdigit():
        tag, _, distance = base.rpartition("-")
        commit = f"{tag}.post{distance}+{rest}"
    try:
        return Version(commit)
    except InvalidVersion:
        return None
