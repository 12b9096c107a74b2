"""A user's credentials for outside tools (schemathesis, wrk).

Framework-generic: the user registers and logs in through the HTTP contract, and the credentials
come back as plain HTTP headers that any tool (schemathesis, wrk) can send.
"""

from __future__ import annotations

from typing import Any

import httpx

from tests.support import contract

Combination = dict[str, Any]


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
