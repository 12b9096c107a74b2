"""Lock a generated project's dependencies, as `scaffold new` does: `uv lock` writes its uv.lock."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.support.processes import project_env

UV = Path(sys.executable).with_name("uv")  # the dev group's uv, next to this interpreter


def lock_project(project: Path) -> None:
    """Run `uv lock` in the project (a no-op when its uv.lock is already up to date)."""
    subprocess.run(
        [str(UV), "lock", "--quiet"], cwd=project, env=project_env(), check=True,
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
