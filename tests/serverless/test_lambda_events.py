"""Every serverless combination's Lambda handler answers API Gateway REST (v1) and HTTP API (v2)
events: health 200, a valid request 201 (200 without a database), an invalid one 422."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.support.combinations import combinations
from tests.support.processes import STRONG_SECRET, project_env, run_release

pytestmark = pytest.mark.slow
DRIVER = Path(__file__).parents[1] / "support" / "lambda_driver.py"


@pytest.mark.parametrize("combination", combinations(lambda c: c["serverless"]))
def test_lambda_handler_answers_api_gateway_events(
    combination: dict[str, Any],
    render: Callable[[dict[str, Any]], Path],
    database_url: Callable[[str], str],
) -> None:
    project = render(combination)
    env = project_env(SECRET_KEY=STRONG_SECRET, APP_ENV="production")
    if combination["database"] == "postgresql":
        env["DATABASE_URL"] = database_url("postgresql")
        run_release(project, env=env)  # on AWS, the deploy pipeline migrates
    elif combination["database"] == "sqlite":
        # As on Lambda: a database in an empty directory, which the handler migrates at cold start.
        env["DATABASE_URL"] = database_url("sqlite")
    result = subprocess.run(
        [sys.executable, str(DRIVER), json.dumps(combination)],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    results = json.loads(result.stdout.strip().splitlines()[-1])
    valid = 201 if combination["database"] != "none" else 200
    for version in ("rest-api-v1", "http-api-v2"):
        steps = results[version]
        assert steps["health"] == 200, (version, steps)
        assert steps["valid"] == valid, (version, steps)
        assert steps["invalid"] == 422, (version, steps)
        if combination["auth"] != "none":
            assert (steps["register"], steps["log_in"]) == (201, 200), (version, steps)
