"""Django's deployment checklist passes for every Django combination, warnings included.

`manage.py check --deploy` exits 0 even with warnings unless `--fail-level WARNING` is given, so
the gate is that flag: no security warning (HSTS, secure cookies, SSL redirect, DEBUG, a weak
SECRET_KEY...) survives in the production settings. Until Django is enabled in copier.yml there
is no Django combination, and the test says so as a skip rather than passing on nothing.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.support.combinations import combinations
from tests.support.processes import STRONG_SECRET, project_env

pytestmark = pytest.mark.slow
# docs/contract.md: config/settings/{base,local,production,test}; production is what gets deployed.
PRODUCTION_SETTINGS = "config.settings.production"


def django_combinations() -> list[Any]:
    """Every Django combination; a single skipped case, with the reason, while there is none."""
    cases = combinations(lambda c: c["framework"] == "django")
    return cases or [
        pytest.param(
            None,
            id="django-not-enabled",
            marks=pytest.mark.skip(
                reason="Django is not enabled in copier.yml yet: no Django combination to check"
            ),
        )
    ]


@pytest.mark.parametrize("combination", django_combinations())
def test_manage_py_check_deploy_has_no_warning(
    combination: dict[str, Any],
    render: Callable[[dict[str, Any]], Path],
    database_url: Callable[[str], str],
) -> None:
    project = render(combination)
    # Only what a deployment sets: the documented keys, production mode and a strong key
    # (50 characters: Django's own minimum, check security.W009).
    assert len(STRONG_SECRET) >= 50
    env = project_env(APP_ENV="production", SECRET_KEY=STRONG_SECRET)
    if combination["database"] != "none":
        env["DATABASE_URL"] = database_url(combination["database"])
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING",
         f"--settings={PRODUCTION_SETTINGS}"],
        cwd=project, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    # Nor may the settings hide one: SILENCED_SYSTEM_CHECKS would show up in this count.
    assert "no issues (0 silenced)" in result.stdout, result.stdout + result.stderr
