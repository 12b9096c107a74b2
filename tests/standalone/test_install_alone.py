"""Each framework's fullest combination installs alone into a fresh venv, the two ways its README
says, and passes its tests there: a dependency missing from the project cannot hide behind the
union venv the matrix uses.

- On the Python running these tests: "Without uv", pip from pyproject.toml (the newest releases
  the ranges admit).
- On the newest Python the machine has (projects support 3.11 to 3.13), when that is another one:
  the README's first path, `uv lock` as `scaffold new` does, then `uv sync` and `uv run pytest`
  (the locked versions).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.support.combinations import fullest_combinations
from tests.support.locking import UV, lock_project
from tests.support.processes import project_env

pytestmark = pytest.mark.slow


def run(command: list[str | Path], *, cwd: Path, env: dict[str, str], timeout: int = 900) -> str:
    result = subprocess.run(
        [str(part) for part in command], cwd=cwd, env=env, capture_output=True, text=True,
        timeout=timeout, check=False,
    )  # fmt: skip
    assert result.returncode == 0, f"{command}:\n{result.stdout[-6000:]}\n{result.stderr[-4000:]}"
    return result.stdout


def newest_python() -> str | None:
    """The newest CPython 3.12+ that pyenv knows, if pyenv is there."""
    try:
        listed = subprocess.run(
            ["pyenv", "versions", "--bare"], capture_output=True, text=True, check=True
        ).stdout.split()
    except (OSError, subprocess.CalledProcessError):
        return None
    versions = sorted(
        (tuple(map(int, v.split("."))), v) for v in listed if re.fullmatch(r"3\.1[2-9]\.\d+", v)
    )
    if not versions:
        return None
    prefix = subprocess.run(
        ["pyenv", "prefix", versions[-1][1]], capture_output=True, text=True, check=True
    ).stdout.strip()
    return str(Path(prefix) / "bin" / "python3")


def interpreters() -> list[Any]:
    found = [pytest.param(sys.executable, id=f"py{sys.version_info.major}{sys.version_info.minor}")]
    newest = newest_python()
    if newest:
        found.append(pytest.param(newest, id="newest-python"))
    return found


@pytest.mark.parametrize("python", interpreters())
@pytest.mark.parametrize("combination", fullest_combinations())
def test_fullest_combination_installs_alone_and_passes_its_tests(
    python: str,
    combination: dict[str, Any],
    render: Callable[[dict[str, Any]], Path],
    database_url: Callable[[str], str],
    tmp_path: Path,
) -> None:
    project = tmp_path / "project"
    shutil.copytree(render(combination), project, ignore=shutil.ignore_patterns("__pycache__"))
    venv = project / ".venv"  # where `uv sync` puts it; pip gets the same folder
    # The suite's temporary folders go under this test's (--basetemp below), not under pytest's
    # default root, which concurrent runs clean up under each other.
    env = project_env()
    env["PATH"] = env["PATH"].split(":", 1)[1]  # not the test venv: only the fresh one
    if combination["database"] == "postgresql":
        env["TEST_DATABASE_URL"] = database_url("postgresql")
    if python == sys.executable:
        run([python, "-m", "venv", venv], cwd=tmp_path, env=env)
        venv_python = venv / "bin" / "python"
        run([venv_python, "-m", "pip", "install", "-q", "--upgrade", "pip"], cwd=project, env=env)
        run(
            [venv_python, "-m", "pip", "install", "-q", "-e", ".", "--group", "dev"],
            cwd=project,
            env=env,
        )
        env["PATH"] = f"{venv / 'bin'}:{env['PATH']}"
        test = [venv_python, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                "--basetemp", tmp_path / "pytest"]  # fmt: skip
    else:
        lock_project(project)
        run([UV, "sync", "--frozen", "--python", python], cwd=project, env=env)
        test = [UV, "run", "--frozen", "pytest", "-q", "-p", "no:cacheprovider",
                "--basetemp", tmp_path / "pytest"]  # fmt: skip
    output = run(test, cwd=project, env=env)
    assert " passed" in output
