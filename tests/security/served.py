"""A combination's app served for the security checks, and a user's credentials for outside tools.

Framework-generic: the app is migrated and started from its Procfile, the user registers and logs
in through the HTTP contract, and the credentials come back as plain HTTP headers that any tool
(schemathesis, wrk) can send.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from tests.support import contract
from tests.support.combinations import combinations, enabled_frameworks, fullest
from tests.support.processes import RunningApp, app_env, run_release, web_process

Combination = dict[str, Any]


@contextmanager
def serve(
    project: Path,
    combination: Combination,
    database_url: Callable[[str], str],
    **extra_env: str,
) -> Iterator[RunningApp]:
    """Migrate a fresh database and start the app from its Procfile on 127.0.0.1."""
    env = app_env(combination, database_url, **extra_env)
    run_release(project, env=env)
    with web_process(project, env=env) as app:
        yield app


def auth_headers(base_url: str, combination: Combination) -> dict[str, str]:
    """Register a new user, log in, and return the headers that authenticate a request.

    A bearer token for JWT; for sessions, the session cookie and the CSRF header. Empty without
    auth. Logging in once and reusing the headers also keeps Argon2's cost out of measurements.
    """
    if combination["auth"] == "none":
        return {}
    with httpx.Client(base_url=base_url, timeout=60) as client:
        before = set(client.headers.raw)
        contract.logged_in(client, combination)
        # Raw items keep the names as the contract helpers spelled them (items() lowercases).
        headers = {
            name.decode(): value.decode()
            for name, value in client.headers.raw
            if (name, value) not in before
        }
        if client.cookies:
            headers["Cookie"] = "; ".join(
                f"{cookie.name}={cookie.value}" for cookie in client.cookies.jar
            )
    return headers


def fullest_combinations() -> list[Any]:
    """Each enabled framework's fullest combination, as pytest params (in its xdist group)."""
    return [
        param
        for framework in enabled_frameworks()
        for param in combinations(lambda c, framework=framework: c == fullest(framework))
    ]
