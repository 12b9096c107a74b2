"""Lock a rendered project's dependencies as `scaffold new` does: `uv lock` in the project."""

from __future__ import annotations

import subprocess
from pathlib import Path

from uv import find_uv_bin

UV = Path(find_uv_bin())  # the dev group's uv


def lock_project(project: Path) -> None:
    """Write the project's uv.lock with the uv of the test venv; fail with uv's output."""
    result = subprocess.run(
        [UV, "lock", "--quiet", "--no-progress"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, f"uv lock failed in {project}:\n{result.stderr[-4000:]}"
