"""One deployment per combination: rendered once, migrated once, started once.

The contract, the security guarantees, schemathesis, the offline docs and the load smoke all
talk to the same running app. Tests of one combination are one xdist group (they run on one
worker, one after the other; tests/conftest.py also orders them so without xdist), so only the
combination in use is kept running: asking for another stops it and drops its database.

The served app hashes passwords cheaply (`FAST_PASSWORD_HASHING`, honoured only outside
production: production refuses it) and takes many failed logins from 127.0.0.1, since every check
comes from there. What those settings relax is proved elsewhere, where it cannot be relaxed:
each project's own suite checks the production hash parameters and the throttling, and
tests/contract/test_framework_wide.py stores a production-strength hash once per framework.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from tests.support import timing
from tests.support.processes import RunningApp, app_env, run_release, web_process

Combination = dict[str, Any]
ALLOWED_ORIGIN = "https://app.example.com"
PROJECT_NAME = "My Service"  # copier.yml's default, which the home page shows
# Settings that let one app serve every check from one address, and that production refuses.
TEST_SERVING = {
    "CORS_ORIGINS": f'["{ALLOWED_ORIGIN}"]',
    "FAST_PASSWORD_HASHING": "true",
    # Every check comes from 127.0.0.1, and the contract and schemathesis fail logins on purpose.
    "AUTH_FAILURES_PER_CLIENT": "1000000",
    "AUTH_FAILURES_PER_ACCOUNT": "1000000",
}
TRACEBACK = re.compile(r"^Traceback \(most recent call last\):", re.MULTILINE)


@dataclass
class Deployment:
    """A combination's running app, the database it uses, and what was rendered."""

    combination: Combination
    project: Path
    app: RunningApp
    database_url: str | None
    _stack: contextlib.ExitStack = field(repr=False)

    @property
    def answers(self) -> Combination:
        """The answers the project was generated with, as the contract checks read them."""
        return {**self.combination, "project_name": PROJECT_NAME}

    @property
    def base_url(self) -> str:
        """Where the app listens, on 127.0.0.1."""
        return self.app.base_url

    def log_mark(self) -> int:
        """How much the app has logged so far: pass it to `tracebacks_since`."""
        return len(self.app.log())

    def tracebacks_since(self, mark: int) -> str:
        """The app's log since `mark` when it holds a traceback, else an empty string."""
        log = self.app.log()[mark:]
        return log[-8000:] if TRACEBACK.search(log) else ""

    def stop(self) -> None:
        """Stop the app and drop its database."""
        self._stack.close()


class Deployments:
    """The deployments of one test process: at most one running at a time."""

    def __init__(
        self,
        render: Callable[[Combination], Path],
        database_url: Callable[[str], tuple[str, Callable[[], None]]],
    ) -> None:
        self._render = render
        self._database_url = database_url
        self._current: Deployment | None = None

    def get(self, combination: Combination) -> Deployment:
        """Return the combination's deployment, starting it (and stopping another) if need be."""
        current = self._current
        if current is not None and current.combination == combination:
            if current.app.process.poll() is not None:
                # Not restarted: a crash must fail the checks that follow it, not hide.
                raise AssertionError(f"the app exited during the checks:\n{current.app.log()}")
            return current
        self.close()
        project = self._render(combination)  # timed as a render, not as the deployment
        with timing.step("deployment: migrate and start"):
            self._current = self._start(combination, project)
        return self._current

    def _start(self, combination: Combination, project: Path) -> Deployment:
        stack = contextlib.ExitStack()
        created: list[str] = []

        def database(kind: str) -> str:
            url, drop = self._database_url(kind)
            stack.callback(drop)
            created.append(url)
            return url

        try:
            env = app_env(combination, database, **TEST_SERVING)
            run_release(project, env=env)
            app = stack.enter_context(web_process(project, env=env))
        except BaseException:
            stack.close()
            raise
        return Deployment(
            combination=combination,
            project=project,
            app=app,
            database_url=created[0] if created else None,
            _stack=stack,
        )

    def close(self) -> None:
        """Stop the running deployment, if any."""
        current, self._current = self._current, None
        if current is not None:
            current.stop()


def sqlite_database(directory: Path) -> tuple[str, Callable[[], None]]:
    """A fresh SQLite database URL in a folder of its own, and how to delete it."""
    folder = Path(tempfile.mkdtemp(prefix="db-", dir=directory))
    return f"sqlite:///{folder / 'app.db'}", partial(shutil.rmtree, folder, ignore_errors=True)
