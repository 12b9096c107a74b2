"""Every combination's own test suite passes (PostgreSQL ones against a real server), and a
PostgreSQL project's suite leaves every database but its test database alone."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest

from scaffold.combinations import combination_id
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


# Each framework's fullest PostgreSQL combination runs its suite the way a developer would: with
# DATABASE_URL naming their own database, migrated and holding an item, which must come out as it
# went in. The suite's one run proves both (a second run for it alone cost ~25 s per framework).
BESIDE_A_DEVELOPER_DATABASE = {
    combination_id(param.values[0])
    for param in fullest_combinations(lambda c: c["database"] == "postgresql")
}


@pytest.mark.parametrize("combination", combinations())
def test_generated_test_suite_passes(
    combination: dict[str, Any],
    render: Callable[[dict[str, Any]], Path],
    database_url: Callable[[str], str],
    request: pytest.FixtureRequest,
) -> None:
    project, env = render(combination), project_env()
    if combination["database"] == "postgresql":
        env["TEST_DATABASE_URL"] = database_url("postgresql")  # named ..._test
    if combination_id(combination) not in BESIDE_A_DEVELOPER_DATABASE:
        result = run_test_suite(project, env=env)
        assert result.returncode == 0, result.stdout[-8000:] + result.stderr[-4000:]
        return
    postgres: PostgresServer = request.getfixturevalue("postgres")
    with developer_database(project, combination, postgres) as own:
        before = snapshot(own)
        result = run_test_suite(project, env={**env, "DATABASE_URL": own})
        assert result.returncode == 0, result.stdout[-8000:] + result.stderr[-4000:]
        assert snapshot(own) == before


@contextmanager
def developer_database(
    project: Path, combination: dict[str, Any], postgres: PostgresServer
) -> Iterator[str]:
    """A developer's database, as DATABASE_URL names it: migrated, holding an item. Dropped
    after."""
    own = postgres.create_database(prefix="developer")
    try:
        env = project_env(DATABASE_URL=own, SECRET_KEY=STRONG_SECRET)
        run_release(project, env=env)
        with web_process(project, env=env) as app, httpx.Client(base_url=app.base_url) as client:
            contract.ready_for_items(client, combination)
            contract.create_item(client, name="keep me")
        assert sum(rows for _, rows in snapshot(own).values()) >= 1
        yield own
    finally:
        postgres.drop_database(own)


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
def test_suite_refuses_a_test_database_not_named_as_one(
    combination: dict[str, Any],
    render: Callable[[dict[str, Any]], Path],
    postgres: PostgresServer,
) -> None:
    """TEST_DATABASE_URL naming the developer's database (no `_test` suffix) is refused, and the
    database left untouched. Once per framework: the refusal is the conftest's, no option's."""
    project = render(combination)
    with developer_database(project, combination, postgres) as own:
        before = snapshot(own)
        env = project_env(DATABASE_URL=own, SECRET_KEY=STRONG_SECRET, TEST_DATABASE_URL=own)
        refused = run_test_suite(project, env=env)
        assert refused.returncode != 0
        assert "_test" in refused.stdout + refused.stderr
        assert snapshot(own) == before
