"""`scaffold new --install` for real: a .venv is created and the project installed into it.

A minimal project keeps it short; it still needs PyPI (pip and the build backend), as users do.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from scaffold.errors import InstallError
from scaffold.install import install_dependencies, venv_python
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
# The install commands come from the project's README, as in every generated project.
README = """\
# tiny

## Install

```bash
python -m venv .venv && . .venv/bin/activate
python -m pip install --upgrade pip && pip install -e . --group dev
```
"""


def test_install_creates_a_venv_with_the_project(tmp_path: Path) -> None:
    write(tmp_path, {"pyproject.toml": PYPROJECT, "README.md": README,
                     "tiny_app/__init__.py": "VALUE = 42\n"})  # fmt: skip
    steps: list[str] = []

    install_dependencies(tmp_path, progress=steps.append)

    python = venv_python(tmp_path)
    done = subprocess.run([str(python), "-c", "import tiny_app; print(tiny_app.VALUE)"],
                          capture_output=True, text=True, check=False)  # fmt: skip
    assert done.stdout == "42\n", done.stderr
    assert steps[0] == "python -m venv .venv"
    assert "python -m pip install --upgrade pip" in steps
    assert "pip install -e . --group dev" in steps


def test_a_failed_install_removes_the_half_made_venv(tmp_path: Path) -> None:
    missing = (tmp_path / "missing").as_uri()  # fails locally, without asking PyPI for a name
    pyproject = PYPROJECT.replace("dev = []", f'dev = ["gone @ {missing}"]')
    write(tmp_path, {"pyproject.toml": pyproject, "README.md": README})

    with pytest.raises(InstallError, match="failed"):
        install_dependencies(tmp_path, progress=lambda _: None)

    assert not (tmp_path / ".venv").exists()
