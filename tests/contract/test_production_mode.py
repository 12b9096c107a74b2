"""Production mode (`APP_ENV=production`): the security headers, and the settings it refuses.

Proved once per framework and database kind, not for every combination, and on purpose: the
headers and the refusals are the settings module and app factory of the framework's template,
the same code whatever auth, docs, async or Lambda options add (those add routes and files, not
middleware or settings checks), while the database kind changes what production requires. Each
generated project's own suite checks the same in every combination, through its test client.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.combinations import fullest_combinations
from tests.support.frameworks import framework
from tests.support.processes import app_env, run_web_until_exit, served

pytestmark = pytest.mark.slow
ONE_YEAR = 31536000
WEAK_SECRETS = {"placeholder": "change-me", "short": "x" * 49, "missing": None}


def per_framework_and_database() -> list[Any]:
    """Each framework's fullest combination for each database kind it has."""
    return [
        param
        for kind in ("none", "sqlite", "postgresql")
        for param in fullest_combinations(lambda c, kind=kind: c["database"] == kind)
    ]


@pytest.mark.parametrize("combination", per_framework_and_database())
def test_production_mode_sends_the_security_headers(
    combination: dict[str, Any],
    render: Callable[[dict[str, Any]], Path],
    database_url: Callable[[str], str],
) -> None:
    with served(render(combination), combination, database_url, APP_ENV="production") as app:
        response = httpx.get(f"{app.base_url}/health")
    assert response.status_code == 200, response.text
    hsts = response.headers["strict-transport-security"]
    assert int(hsts.split(";")[0].strip().removeprefix("max-age=")) >= ONE_YEAR
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"]
    banner = framework(combination["framework"]).server_banner
    assert banner.lower() not in response.headers.get("server", "").lower(), response.headers


def refusal_cases() -> list[Any]:
    """(combination, variable, environment change): what production must refuse to start with."""
    cases = []
    for param in fullest_combinations():
        combination = param.values[0]
        for kind, secret in WEAK_SECRETS.items():
            change = {"SECRET_KEY": secret}
            cases.append(
                pytest.param(
                    combination,
                    "SECRET_KEY",
                    change,
                    id=f"{param.id}-{kind}-secret",
                    marks=param.marks,
                )
            )
        cases.append(
            pytest.param(
                combination, "FAST_PASSWORD_HASHING", {"FAST_PASSWORD_HASHING": "true"},
                id=f"{param.id}-fast-hashing", marks=param.marks,
            )
        )  # fmt: skip
        if combination["database"] != "none":
            cases.append(
                pytest.param(
                    combination, "DATABASE_URL", {"DATABASE_URL": None},
                    id=f"{param.id}-no-database-url", marks=param.marks,
                )
            )  # fmt: skip
    return cases


@pytest.mark.parametrize(("combination", "variable", "change"), refusal_cases())
def test_production_refuses_to_start(
    combination: dict[str, Any],
    variable: str,
    change: dict[str, str | None],
    render: Callable[[dict[str, Any]], Path],
    database_url: Callable[[str], str],
    tmp_path: Path,
) -> None:
    # A deployed copy: without the .env whose development values would stand in for a missing one.
    project = tmp_path / "deployed"
    shutil.copytree(render(combination), project, ignore=shutil.ignore_patterns(".env"))
    env = app_env(combination, database_url, APP_ENV="production")
    for name, value in change.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    result = run_web_until_exit(project, env=env)
    assert result.returncode != 0, result.stdout + result.stderr
    reason = [line for line in result.stderr.splitlines() if variable in line]
    assert len(reason) == 1, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
