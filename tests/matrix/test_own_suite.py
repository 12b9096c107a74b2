"""Every combination's own test suite passes (PostgreSQL ones against a real server), and a
PostgreSQL project's suite leaves every database but its test database alone."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest

from tests.support import contract
from tests.support.combinations import combinations, fullest_combinations
from tests.support.postgres import PostgresServer
from tests.support.processes import (
    STRONG_SECRET,
    project_env,
    run_release,
    run_test_suite,
    web_process,
)

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("combination", combinations())
def test_generated_test_suite_passes(
    combination: dict[str, Any],
    render: Callable[[dict[str, Any]], Path],
    database_url: Callable[[str], str],
) -> None:
    env = project_env()
    if combination["database"] == "postgresql":
        env["TEST_DATABASE_URL"] = database_url("postgresql")  # named ..._test
    result = run_test_suite(render(combination), env=env)
    assert result.returncode == 0, result.stdout[-8000:] + result.stderr[-4000:]


def snapshot(url: str) -> dict[str, tuple[int, int]]:
    """Each table of the database's public schema: its oid (new if dropped and made again)
    and its number of rows."""
    with psycopg.connect(url) as connection:
        tables = connection.execute(
            "SELECT oid::int, relname FROM pg_class "
            "WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace"
        ).fetchall()
        return {
            name: (oid, connection.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0])  # type: ignore[index]
            for oid, name in tables
        }


@pytest.mark.postgres
@pytest.mark.parametrize(
    "combination", fullest_combinations(lambda c: c["database"] == "postgresql")
)
def test_suite_leaves_the_database_of_database_url_alone(
    combination: dict[str, Any],
    render: Callable[[dict[str, Any]], Path],
    database_url: Callable[[str], str],
    postgres: PostgresServer,
) -> None:
    project = render(combination)
    # A developer's database, migrated and holding an item, as DATABASE_URL names it.
    own = postgres.create_database(prefix="developer")
    try:
        env = project_env(DATABASE_URL=own, SECRET_KEY=STRONG_SECRET)
        run_release(project, env=env)
        with web_process(project, env=env) as app, httpx.Client(base_url=app.base_url) as client:
            contract.ready_for_items(client, combination)
            contract.create_item(client, name="keep me")
        before = snapshot(own)
        assert sum(rows for _, rows in before.values()) >= 1, before

        result = run_test_suite(
            project, env={**env, "TEST_DATABASE_URL": database_url("postgresql")}
        )
        assert result.returncode == 0, result.stdout[-8000:] + result.stderr[-4000:]
        assert snapshot(own) == before

        # A test database that is not named as one is refused, untouched.
        refused = run_test_suite(project, env={**env, "TEST_DATABASE_URL": own})
        assert refused.returncode != 0
        assert "_test" in refused.stdout + refused.stderr
        assert snapshot(own) == before
    finally:
        postgres.drop_database(own)
