"""Fixtures shared by the generator's tests: renders of the template and a PostgreSQL server."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from scaffold import options
from scaffold.options import Questionnaire
from tests.support.postgres import PostgresServer, PostgresUnavailable
from tests.support.questionnaires import every_framework_enabled

Render = Callable[[dict[str, Any]], Path]


@pytest.fixture(scope="session")
def render(copie_session: Any) -> Render:
    """Render a combination once per test process (HEAD of this repo, dirty files included).

    Matrix, contract and serverless tests of one combination share its render; they run on
    one xdist worker because each combination is its own `xdist_group`.
    """
    renders: dict[str, Path] = {}

    def render_combination(combination: dict[str, Any]) -> Path:
        key = options.combination_id(combination)
        if key not in renders:
            result = copie_session.copy(extra_answers=combination)
            if result.exit_code != 0:
                raise AssertionError(f"{key} failed to render: {result.exception!r}")
            renders[key] = result.project_dir
        return renders[key]

    return render_combination


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """A PostgreSQL server of this test process, on a free port of 127.0.0.1."""
    try:
        server = PostgresServer()
    except PostgresUnavailable as error:
        pytest.fail(str(error))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[[str], str]]:
    """Return a fresh, empty database URL of the given kind, dropped after the test.

    PostgreSQL databases are named `..._test`: a generated project's suite runs only on those.
    """
    created: list[str] = []

    def new_database(kind: str) -> str:
        if kind == "sqlite":
            return f"sqlite:///{tmp_path / 'app.db'}"
        server: PostgresServer = request.getfixturevalue("postgres")
        url = server.create_database(suffix="_test")
        created.append(url)
        return url

    yield new_database
    if created:
        server = request.getfixturevalue("postgres")
        for url in created:
            server.drop_database(url)


@pytest.fixture
def all_enabled(tmp_path: Path) -> Questionnaire:
    """copier.yml with every framework enabled: what must need no change the day they are."""
    return every_framework_enabled(tmp_path)
