"""Work on a generated project and on template repositories with git and venv (no Copier here)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from packaging.version import InvalidVersion, Version

from scaffold.errors import InstallError, RenderError, UpdateError, UserError

__all__ = [
    "Change",
    "clone",
    "commit_all",
    "expand_source",
    "git_available",
    "git_toplevel",
    "init_repository",
    "install_dependencies",
    "latest_release",
    "lock_dependencies",
    "parse_commit_version",
    "read_procfile",
    "restore_clean_tree",
    "show_file",
    "status",
    "tag_tree",
    "venv_python",
]

_GIT_TIMEOUT = 120
# What `git describe --always` gives for a template without tags.
_BARE_HASH = re.compile(r"[0-9a-f]{7,40}")
# Copier's source shortcuts (https://copier.readthedocs.io/en/stable/generating/).
_SHORTCUTS = {"gh:": "https://github.com/", "gl:": "https://gitlab.com/"}


@dataclass(frozen=True, slots=True)
class Change:
    """One line of ``git status --porcelain``: a two-letter status and a path."""

    code: str
    path: str

    @property
    def conflicted(self) -> bool:
        """Tell whether git marks the path as unmerged (both sides changed it)."""
        return "U" in self.code or self.code in {"AA", "DD"}


def git_available() -> bool:
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


def git_toplevel(path: Path) -> Path | None:
    """Return the root of the git work tree holding `path`, or None outside any."""
    if not git_available() or not path.is_dir():
        return None
    done = _git(["rev-parse", "--show-toplevel"], cwd=path)
    return Path(done.stdout.strip()) if done.returncode == 0 else None


def init_repository(path: Path) -> None:
    """Turn `path` into a git repository with a ``main`` branch.

    Raises:
        RenderError: When git is missing or fails.
    """
    if not git_available():
        raise RenderError(reason="git is not installed: install it, or pass --no-git")
    done = _git(["init", "--quiet", "--initial-branch=main"], cwd=path)
    if done.returncode != 0:
        raise RenderError(reason=f"git init failed: {_last_line(done.stderr)}")


def commit_all(path: Path, *, message: str, author: tuple[str, str] | None = None) -> None:
    """Stage every file and commit; `author` (name, email) is used only when git has no identity.

    Raises:
        RenderError: When git fails (the message names --no-git as the way around).
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
            raise RenderError(reason=f"git {args[0]} failed: {reason} (pass --no-git to skip git)")


def clone(source: str, dest: Path) -> None:
    """Clone a git repository without checking out files (to read files at any ref).

    Raises:
        UserError: When the repository cannot be cloned.
    """
    if not git_available():
        raise UserError("git is not installed: a template URL needs it")
    done = _git(["clone", "--quiet", "--no-checkout", expand_source(source), str(dest)])
    if done.returncode != 0:
        raise UserError(f"Cannot clone the template {source}: {_last_line(done.stderr)}")


def show_file(repo: Path, ref: str, path: str) -> str:
    """Return a file of a git repository as it is at `ref`.

    Raises:
        UserError: When the ref or the file does not exist.
    """
    done = _git(["show", f"{ref}:{path}"], cwd=repo)
    if done.returncode != 0:
        raise UserError(f"Cannot read {path} at {ref} in {repo}: {_last_line(done.stderr)}")
    return done.stdout


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
    # Copier's own lookup (copier._vcs.get_latest_tag) is internal and clones the repository;
    # `git ls-remote` reads the tags of a path or URL without a clone, which suits a CI check.
    if not git_available():
        raise UpdateError(reason="git is not installed")
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


def venv_python(project: Path) -> Path:
    """Return the Python of the project's ``.venv``."""
    scripts = "Scripts" if os.name == "nt" else "bin"
    return project / ".venv" / scripts / ("python.exe" if os.name == "nt" else "python")


def install_dependencies(
    project: Path, *, progress: Callable[[str], None], python: str | None = None
) -> None:
    """Create ``.venv`` in `project` and install the project with its dev group into it.

    `progress` receives a short description of each step and of each package pip collects.
    A failure or Ctrl-C removes the half-made ``.venv``.

    Raises:
        InstallError: When a step fails; the message holds pip's last error line.
    """
    venv = project / ".venv"
    target = str(venv_python(project))
    # pip >= 25.1 reads PEP 735 dependency groups (--group); the venv's bundled pip may be older.
    steps = [
        ("Creating .venv", [python or sys.executable, "-m", "venv", str(venv)]),
        ("Upgrading pip", [target, "-m", "pip", "install", "--upgrade", "pip>=25.1"]),
        ("Installing the project", [target, "-m", "pip", "install", "-e", ".", "--group", "dev"]),
    ]
    try:
        for title, command in steps:
            progress(title)
            shown = " ".join(["python", *command[1:]]) if command[0] == target else title
            _stream(command, cwd=project, progress=progress, shown=shown)
    except BaseException:
        shutil.rmtree(venv, ignore_errors=True)
        raise


def _stream(command: list[str], *, cwd: Path, progress: Callable[[str], None], shown: str) -> None:
    """Run a command, passing each "Collecting x" / "Installing" line of its output on."""
    process = subprocess.Popen(
        command,
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1", "PIP_NO_INPUT": "1"},
    )
    tail: list[str] = []
    try:
        for raw in process.stdout or ():
            line = raw.strip()
            if not line:
                continue
            tail = [*tail[-19:], line]
            if line.startswith(("Collecting ", "Installing ", "Building ", "Successfully ")):
                progress(line)
        code = process.wait()
    except BaseException:
        process.kill()
        process.wait()
        raise
    finally:
        if process.stdout:
            process.stdout.close()
    if code != 0:
        errors = [line for line in tail if line.startswith("ERROR")] or tail or ["no output"]
        raise InstallError(reason=f"`{shown}` failed: {errors[-1]}")


def read_procfile(project: Path) -> dict[str, str]:
    """Read a project's Procfile: process type -> command (empty when there is none)."""
    try:
        lines = (project / "Procfile").read_text(encoding="utf-8").splitlines()
    except OSError:
        return {}
    processes = {}
    for line in lines:
        name, separator, command = line.partition(":")
        if separator and name.strip() and not name.lstrip().startswith("#"):
            processes[name.strip()] = command.strip()
    return processes


# The one command that writes the lock, for a note when scaffold could not run it.
LOCK_COMMAND = "uv lock"


def lock_dependencies(project: Path) -> str | None:
    """Write the project's ``uv.lock`` with uv (a dependency of scaffold) from its pyproject.toml.

    Returns None when the lock is written, else a note saying why not and the command to run
    later (the package index is unreachable, say): the project is complete without it.
    A template without a pyproject.toml has nothing to lock.
    """
    if not (project / "pyproject.toml").is_file():
        return None
    uv: str | None
    try:
        from uv import find_uv_bin  # the uv wheel scaffold depends on: its binary

        uv = find_uv_bin()
    except (ImportError, FileNotFoundError):
        uv = shutil.which("uv")
    if uv is None:
        return f"uv is not installed: uv.lock was not written; run `{LOCK_COMMAND}` in the project"
    try:
        done = subprocess.run(
            [uv, "lock", "--quiet", "--no-progress"],
            cwd=project,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
    except subprocess.TimeoutExpired:
        reason = "uv lock took more than 5 minutes"
    else:
        if done.returncode == 0:
            return None
        reason = _last_line(done.stderr or done.stdout)
    return (
        f"uv.lock was not written ({reason}); when the package index is reachable, "
        f"run `{LOCK_COMMAND}` in the project and commit uv.lock"
    )
