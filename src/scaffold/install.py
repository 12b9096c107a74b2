"""Install a generated project into its own .venv, with the commands its README gives.

The README's install block is written for a shell (``python -m venv .venv && . .venv/bin/activate``
then pip); it is run here command by command without a shell, so that the Python creating the
.venv is the one running scaffold, the activation switches `python` and `pip` to the .venv's,
and pip's progress can be shown.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from scaffold.errors import InstallError
from scaffold.project import read_commands

__all__ = ["LOCK_COMMAND", "install_dependencies", "lock_dependencies", "venv_python"]

_PROGRESS = ("Collecting ", "Installing ", "Building ", "Successfully ")


def venv_python(project: Path) -> Path:
    """Return the Python of the project's ``.venv``."""
    scripts = "Scripts" if os.name == "nt" else "bin"
    return project / ".venv" / scripts / ("python.exe" if os.name == "nt" else "python")


def install_dependencies(
    project: Path, *, progress: Callable[[str], None], python: str | None = None
) -> None:
    """Create ``.venv`` in `project` and install the project into it, as its README says.

    `progress` receives each command and each package pip collects. A failure or Ctrl-C removes
    the half-made ``.venv``.

    Raises:
        InstallError: When the README gives no install commands, or one fails (with pip's last
            error line).
    """
    lines = read_commands(project).install
    if not lines:
        raise InstallError(reason=f"{project / 'README.md'} gives no install commands")
    outside = python or sys.executable
    try:
        for command in _commands(lines):
            if command[:1] == ["."] or command[:1] == ["source"]:
                outside = str(venv_python(project))  # activation: from now on the .venv's
                continue
            argv = _resolve(command, outside)
            shown = " ".join(command)
            progress(shown)
            _stream(argv, cwd=project, progress=progress, shown=shown)
    except BaseException:
        shutil.rmtree(project / ".venv", ignore_errors=True)
        raise


def _commands(lines: Sequence[str]) -> list[list[str]]:
    """Split shell lines into commands at ``&&`` and ``;``."""
    commands: list[list[str]] = [[]]
    for line in lines:
        for word in shlex.split(line, comments=True):
            if word in {"&&", ";"}:
                commands.append([])
            else:
                commands[-1].append(word)
        commands.append([])
    return [command for command in commands if command]


def _resolve(command: list[str], python: str) -> list[str]:
    """Run `python` and `pip` with the current interpreter (scaffold's, then the .venv's)."""
    program, *rest = command
    if program in {"python", "python3"}:
        return [python, *rest]
    if program in {"pip", "pip3"}:
        return [python, "-m", "pip", *rest]
    return command


def _stream(command: list[str], *, cwd: Path, progress: Callable[[str], None], shown: str) -> None:
    """Run a command, passing each "Collecting x" / "Installing" line of its output on."""
    try:
        process = subprocess.Popen(
            command,
            cwd=cwd,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env={**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1", "PIP_NO_INPUT": "1"},
        )
    except OSError as error:
        raise InstallError(reason=f"`{shown}` cannot run: {error}") from error
    tail: list[str] = []
    try:
        for raw in process.stdout or ():
            line = raw.strip()
            if not line:
                continue
            tail = [*tail[-19:], line]
            if line.startswith(_PROGRESS):
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
        lines = (done.stderr or done.stdout).strip().splitlines()
        reason = lines[-1].strip() if lines else "no output"
    return (
        f"uv.lock was not written ({reason}); when the package index is reachable, "
        f"run `{LOCK_COMMAND}` in the project and commit uv.lock"
    )
