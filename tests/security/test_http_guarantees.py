"""Security guarantees checked from outside, over HTTP and in the database, for every combination.

Each project's own tests cover these through its framework's test client; this proves them again
on the running app, the same way for every framework, so a framework is held to them the day it is
enabled. What the HTTP contract already checks (session rotation and logout, CSRF, production
headers and secrets) is not repeated here.

- CORS answers only allowlisted origins (CORS_ORIGINS, a variable every project reads).
- JWT: expired, `alg=none`, `exp`-less, wrong-key and tampered tokens of a real user get 401 with a
  Bearer challenge, while the same token correctly signed is accepted; tokens live ≤ 60 minutes.
- Registration refuses a password from the common-password list.
- The database stores Argon2id hashes, and never the password; at OWASP's strength or more
  once per framework (below), since the served deployment hashes cheaply.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
import sqlalchemy
from sqlalchemy.engine import make_url

from tests.support import contract
from tests.support.combinations import combinations, fullest_combinations
from tests.support.deployments import ALLOWED_ORIGIN, Deployment
from tests.support.processes import STRONG_SECRET, served

pytestmark = pytest.mark.slow
OTHER_ORIGIN = "https://evil.example"
OTHER_SECRET = "another-secret-key-of-at-least-fifty-characters-0123456789"
# Password hashes of any kind a web framework might store; only Argon2id may appear.
PASSWORD_HASH = re.compile(
    r"\$argon2(?:id|i|d)\$|\$2[aby]\$\d\d\$|pbkdf2|\$scrypt\$|sha\d+\$", re.I
)
ARGON2ID = re.compile(r"\$argon2id\$v=\d+\$m=(\d+),t=(\d+),p=(\d+)\$")
OWASP_ARGON2ID = {"m": 19 * 1024, "t": 2, "p": 1}  # minimums, in KiB, passes, lanes


def check_cors(client: httpx.Client) -> None:
    allowed = client.get("/api/hello", headers={"Origin": ALLOWED_ORIGIN})
    assert allowed.headers.get("access-control-allow-origin") == ALLOWED_ORIGIN, allowed.headers
    other = client.get("/api/hello", headers={"Origin": OTHER_ORIGIN})
    assert "access-control-allow-origin" not in other.headers, other.headers
    for origin, answered in ((ALLOWED_ORIGIN, True), (OTHER_ORIGIN, False)):
        preflight = client.options(
            "/api/hello", headers={"Origin": origin, "Access-Control-Request-Method": "GET"}
        )
        granted = preflight.headers.get("access-control-allow-origin")
        assert granted == (origin if answered else None), (origin, preflight.headers)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def check_jwt(client: httpx.Client, answers: dict[str, Any]) -> None:
    contract.logged_in(client, answers)
    token = client.headers.pop("Authorization").removeprefix("Bearer ")
    algorithm = jwt.get_unverified_header(token)["alg"]
    claims = jwt.decode(token, options={"verify_signature": False})
    assert algorithm.startswith("HS"), f"expected one HMAC algorithm, got {algorithm}"
    assert "exp" in claims, claims
    issued = claims.get("iat", datetime.now(UTC).timestamp())
    assert claims["exp"] - issued <= 3600 + 5, f"token lifetime over an hour: {claims}"

    now = datetime.now(UTC)
    fresh = {**claims, "iat": now, "exp": now + timedelta(minutes=5)}
    valid = jwt.encode(fresh, STRONG_SECRET, algorithm=algorithm)
    # The control: a correctly signed token of this user is accepted, so each 401 below is for
    # the one rule its token breaks (the app signs with SECRET_KEY, as docs/contract.md has it).
    assert client.get("/api/auth/me", headers=bearer(valid)).status_code == 200
    head, payload, signature = valid.split(".")
    forged = {
        "expired": jwt.encode(
            {**fresh, "exp": now - timedelta(seconds=10)}, STRONG_SECRET, algorithm=algorithm
        ),
        "no-exp": jwt.encode(
            {k: v for k, v in fresh.items() if k != "exp"}, STRONG_SECRET, algorithm=algorithm
        ),
        "alg-none": jwt.encode(fresh, None, algorithm="none"),
        "wrong-key": jwt.encode(fresh, OTHER_SECRET, algorithm=algorithm),
        "tampered": f"{head}.{payload}.{signature[::-1]}",
    }
    for name, forgery in forged.items():
        response = client.get("/api/auth/me", headers=bearer(forgery))
        assert response.status_code == 401, (name, response.status_code, response.text)
        challenge = response.headers.get("www-authenticate", "")
        assert challenge.startswith("Bearer"), (name, response.headers)


def check_common_password_refused(client: httpx.Client, answers: dict[str, Any]) -> None:
    headers = contract.csrf_header(client) if answers["auth"] == "session" else {}
    for password in ("password123", "qwertyuiop", "iloveyou"):
        body = {"email": contract.new_credentials()["email"], "password": password}
        response = client.post("/api/auth/register", json=body, headers=headers)
        contract.json_error(response, 422)
        assert password not in response.text, "the refusal echoes the password"


def database_values(url: str) -> Iterator[str]:
    """Every text value of every table of the app's database (SQLite or PostgreSQL)."""
    address = make_url(url)
    if address.get_backend_name() == "postgresql":
        address = address.set(drivername="postgresql+psycopg")  # the driver the test venv has
    engine = sqlalchemy.create_engine(address, poolclass=sqlalchemy.pool.NullPool)
    tables = sqlalchemy.MetaData()
    tables.reflect(engine)
    with engine.connect() as connection:
        for table in tables.sorted_tables:
            for row in connection.execute(sqlalchemy.select(table)):
                yield from (value for value in row if isinstance(value, str))
    engine.dispose()


def stored_hashes(client: httpx.Client, answers: dict[str, Any], database: str) -> list[str]:
    """Register a user; return the password hashes the database holds, after checking that the
    password itself is nowhere in it and that every hash is Argon2id."""
    credentials = contract.new_credentials()
    contract.register(client, answers, credentials)
    values = list(database_values(database))
    assert not [v for v in values if credentials["password"] in v], "the password is stored"
    hashes = [value for value in values if PASSWORD_HASH.search(value)]
    assert hashes, "no password hash found in the database"
    for password_hash in hashes:
        assert ARGON2ID.search(password_hash), f"not an Argon2id hash: {password_hash[:40]}"
    return hashes


@pytest.mark.parametrize("combination", combinations())
def test_security_guarantees_over_http(deployment: Deployment, subtests: Any) -> None:
    combination = deployment.answers
    checks: dict[str, Callable[[httpx.Client], object]] = {"cors": check_cors}
    if combination["auth"] != "none":
        checks["common_password_refused"] = partial(
            check_common_password_refused, answers=combination
        )
        assert deployment.database_url
        checks["stored_hashes_are_argon2id"] = partial(
            stored_hashes, answers=combination, database=deployment.database_url
        )
    if combination["auth"] == "jwt":
        checks["jwt_forgeries_are_401"] = partial(check_jwt, answers=combination)
    for name, run_check in checks.items():
        with (
            subtests.test(msg=name),
            httpx.Client(base_url=deployment.base_url, timeout=60) as client,
        ):
            run_check(client)


@pytest.mark.parametrize("combination", fullest_combinations(lambda c: c["auth"] != "none"))
def test_stored_hashes_have_production_strength(
    combination: dict[str, Any],
    render: Callable[[dict[str, Any]], Path],
    database_url: Callable[[str], str],
) -> None:
    """Once per framework: the hash parameters are one setting of the framework's template,
    whatever the other options; the deployments hash cheaply, so this app runs without that."""
    with (
        served(render(combination), combination, database_url) as app,
        httpx.Client(base_url=app.base_url, timeout=60) as client,
    ):
        assert app.database_url
        hashes = stored_hashes(client, combination, app.database_url)
    for password_hash in hashes:
        match = ARGON2ID.search(password_hash)
        assert match
        cost = dict(zip("mtp", map(int, match.groups()), strict=True))
        assert all(cost[k] >= OWASP_ARGON2ID[k] for k in cost), f"below OWASP's minimum: {cost}"
