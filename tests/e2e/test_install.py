"""`scaffold new --install` for real: a .venv is created and the project installed into it.

A minimal project keeps it short; it still needs PyPI (pip and the build backend), as users do.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from scaffold import project
from scaffold.errors import InstallError
from tests.support.template_repo import write

pytestmark = pytest.mark.slow

PYPROJECT = """\
[build-system]
requires = ["hatchling>=1.27"]
build-backend = "hatchling.build"

[project]
name = "tiny_app"
version = "0.1.0"
requires-python = ">=3.11"

[dependency-groups]
dev = []

[tool.hatch.build.targets.wheel]
packages = ["tiny_app"]
"""


def test_install_creates_a_venv_with_the_project(tmp_path: Path) -> None:
    write(tmp_path, {"pyproject.toml": PYPROJECT, "tiny_app/__init__.py": "VALUE = 42\n"})
    steps: list[str] = []

    project.install_dependencies(tmp_path, progress=steps.append)

    python = project.venv_python(tmp_path)
    done = subprocess.run([str(python), "-c", "import tiny_app; print(tiny_app.VALUE)"],
                          capture_output=True, text=True, check=False)  # fmt: skip
    assert done.stdout == "42\n", done.stderr
    assert steps[:2] == ["Creating .venv", "Upgrading pip"]
    assert "Installing the project" in steps


def test_a_failed_install_removes_the_half_made_venv(tmp_path: Path) -> None:
    missing = (tmp_path / "missing").as_uri()  # fails locally, without asking PyPI for a name
    write(
        tmp_path, {"pyproject.toml": PYPROJECT.replace("dev = []", f'dev = ["gone @ {missing}"]')}
    )

    with pytest.raises(InstallError, match="failed"):
        project.install_dependencies(tmp_path, progress=lambda _: None)

    assert not (tmp_path / ".venv").exists()
