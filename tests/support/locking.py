"""Lock a rendered project's dependencies exactly as `scaffold new` does (scaffold.install)."""

from __future__ import annotations

from pathlib import Path

from uv import find_uv_bin

from scaffold.install import lock_dependencies

UV = Path(find_uv_bin())  # the uv scaffold depends on, for the tests' other uv commands


def lock_project(project: Path) -> None:
    """Write the project's uv.lock; fail with scaffold's note when it could not."""
    note = lock_dependencies(project)
    assert note is None, f"{project}: {note}"
