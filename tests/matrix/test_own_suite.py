"""Every combination's own test suite passes (PostgreSQL ones against a real server)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.support.combinations import combinations
from tests.support.processes import project_env, run_test_suite

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("combination", combinations())
def test_generated_test_suite_passes(
    combination: dict[str, Any],
    render: Callable[[dict[str, Any]], Path],
    database_url: Callable[[str], str],
) -> None:
    env = project_env()
    if combination["database"] == "postgresql":
        # TEST_DATABASE_URL is the convention; DATABASE_URL for the projects that predate it.
        env["DATABASE_URL"] = env["TEST_DATABASE_URL"] = database_url("postgresql")
    result = run_test_suite(render(combination), env=env)
    assert result.returncode == 0, result.stdout[-8000:] + result.stderr[-4000:]
