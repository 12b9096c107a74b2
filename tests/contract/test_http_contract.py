"""Every combination's app, started from its Procfile on 127.0.0.1, meets the HTTP contract."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support import contract
from tests.support.combinations import combinations, enabled_frameworks, fullest
from tests.support.processes import app_env, run_web_until_exit, served

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("combination", combinations())
def test_http_contract(
    combination: dict[str, Any],
    render: Callable[[dict[str, Any]], Path],
    database_url: Callable[[str], str],
    subtests: Any,
) -> None:
    answers = {**combination, "project_name": "My Service"}
    with served(render(combination), combination, database_url) as app:
        for name, run_check in contract.applicable_checks(answers).items():
            with subtests.test(msg=name), httpx.Client(base_url=app.base_url, timeout=30) as client:
                run_check(client, answers)


@pytest.mark.parametrize("combination", combinations())
def test_production_mode(
    combination: dict[str, Any],
    render: Callable[[dict[str, Any]], Path],
    database_url: Callable[[str], str],
) -> None:
    with served(render(combination), combination, database_url, APP_ENV="production") as app:
        response = httpx.get(f"{app.base_url}/health")
    assert response.status_code == 200
    hsts = response.headers["strict-transport-security"]
    assert int(hsts.split(";")[0].strip().removeprefix("max-age=")) >= 31536000
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"]
    assert "server" not in response.headers or "uvicorn" not in response.headers["server"]


def weak_secret_cases() -> list[Any]:
    """Every combination with a placeholder key; each framework's fullest with every weak kind."""
    cases = [
        pytest.param(param.values[0], "change-me", id=f"{param.id}-placeholder", marks=param.marks)
        for param in combinations()
    ]
    for framework in enabled_frameworks():
        combination = fullest(framework)
        (param,) = combinations(lambda c, combination=combination: c == combination)
        cases += [
            pytest.param(combination, "", id=f"{param.id}-missing", marks=param.marks),
            pytest.param(combination, "x" * 49, id=f"{param.id}-short", marks=param.marks),
        ]
    return cases


@pytest.mark.parametrize(("combination", "secret_key"), weak_secret_cases())
def test_production_refuses_a_weak_secret_key(
    combination: dict[str, Any],
    render: Callable[[dict[str, Any]], Path],
    database_url: Callable[[str], str],
    tmp_path: Path,
    secret_key: str,
) -> None:
    # A deployed copy: without the .env whose development key would stand in for a missing one.
    project = tmp_path / "deployed"
    shutil.copytree(render(combination), project, ignore=shutil.ignore_patterns(".env"))
    if "SECRET_KEY=" not in (project / ".env.example").read_text():
        pytest.skip("the project uses no SECRET_KEY: production needs none")
    env = app_env(combination, database_url, APP_ENV="production", SECRET_KEY=secret_key)
    if not secret_key:
        del env["SECRET_KEY"]
    result = run_web_until_exit(project, env=env)
    assert result.returncode != 0
    reason = [line for line in result.stderr.splitlines() if "SECRET_KEY" in line]
    assert len(reason) == 1, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
