"""The harness's deployments stop what they started, whatever the checks did.

A tiny "project" whose Procfile serves Python's http.server stands in for a generated one: what is
under test is tests/support/deployments.py, which the slow suites use for every combination.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.support.deployments import Deployments

PROCFILE = "web: python3 -m http.server $PORT --bind 127.0.0.1\n"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    folder = tmp_path / "project"
    folder.mkdir()
    (folder / "Procfile").write_text(PROCFILE)
    return folder


def is_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_one_running_at_a_time_and_all_stopped_after_a_failing_check(
    project: Path, tmp_path: Path
) -> None:
    dropped: list[str] = []

    def database(kind: str) -> tuple[str, Callable[[], None]]:
        url = f"sqlite:///{tmp_path / kind}.db"
        return url, lambda: dropped.append(url)

    deployments = Deployments(lambda _combination: project, database)
    first = deployments.get({"database": "sqlite", "n": 1})
    assert deployments.get({"database": "sqlite", "n": 1}) is first  # started once, shared
    second = deployments.get({"database": "sqlite", "n": 2})
    assert not is_running(first.app.process.pid), "the previous deployment still runs"
    assert dropped == [first.database_url]
    with pytest.raises(AssertionError):
        try:
            assert second.log_mark() < 0, "a check that fails"
        finally:
            deployments.close()  # what the session fixture's teardown does
    assert not is_running(second.app.process.pid)
    assert dropped == [first.database_url, second.database_url]


def test_an_app_that_dies_fails_the_checks_after_it(project: Path) -> None:
    deployments = Deployments(lambda _combination: project, lambda _kind: ("", lambda: None))
    deployment = deployments.get({"database": "none"})
    os.killpg(deployment.app.process.pid, signal.SIGKILL)
    deployment.app.process.wait(timeout=10)
    with pytest.raises(AssertionError, match="the app exited during the checks"):
        deployments.get({"database": "none"})
    deployments.close()
