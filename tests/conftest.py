"""Fixtures shared by the generator's tests: renders of the template, a PostgreSQL server, and
one running deployment per combination."""

from __future__ import annotations

import dataclasses
import signal
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from scaffold.combinations import combination_id
from scaffold.questionnaire import Questionnaire, load
from scaffold.render import generate
from scaffold.sources import open_template
from tests.support import timing
from tests.support.deployments import Deployment, Deployments, sqlite_database
from tests.support.postgres import PostgresServer, PostgresUnavailable
from tests.support.questionnaires import config_with_every_framework, every_framework_enabled

Render = Callable[[dict[str, Any]], Path]
REPO_ROOT = Path(__file__).resolve().parents[1]
_UNTRACKED_AT_START = pytest.StashKey[set[str]]()


@pytest.fixture(scope="session")
def render(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Render]:
    """Render a combination once per test process (HEAD of this repo, dirty files included).

    Rendered as `scaffold new` renders a clean checkout: Copier, from the work tree as it is
    (no clone), keeping its compiled templates across renders (1.0 -> 0.13 s a render). In CI the
    work tree is a clean clone of HEAD; elsewhere its uncommitted changes are rendered, as
    Copier's own clone would have them. tests/matrix/test_render.py shows that `copier copy`
    renders the same files. Matrix, contract and serverless tests of one combination share its
    render; they run on one xdist worker because each combination is its own `xdist_group`.
    """
    renders: dict[str, Path] = {}
    folder = tmp_path_factory.mktemp("renders")
    with open_template(REPO_ROOT, vcs_ref="HEAD") as head:
        source = dataclasses.replace(head, files=REPO_ROOT)

        def render_combination(combination: dict[str, Any]) -> Path:
            key = combination_id(combination)
            if key not in renders:
                with timing.step("render (Copier)"):
                    rendered = generate(combination, folder / key, source=source, trust=True)
                renders[key] = rendered.path
            return renders[key]

        yield render_combination


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


@pytest.fixture(scope="session")
def deployments(
    render: Render, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Deployments]:
    """This test process's deployments (one running at a time), all stopped at the end."""
    databases = tmp_path_factory.mktemp("deployments")

    def fresh_database(kind: str) -> tuple[str, Callable[[], None]]:
        if kind == "sqlite":
            return sqlite_database(databases)
        server: PostgresServer = request.getfixturevalue("postgres")
        url = server.create_database()
        return url, lambda: server.drop_database(url)

    running = Deployments(render, fresh_database)
    yield running
    running.close()


@pytest.fixture
def deployment(deployments: Deployments, combination: dict[str, Any]) -> Deployment:
    """The test's combination, rendered, migrated and running (shared by all its tests)."""
    return deployments.get(combination)


def _untracked() -> set[str]:
    """Files in the checkout that git neither tracks nor ignores."""
    result = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"],
        cwd=REPO_ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    return {line[3:] for line in result.stdout.splitlines() if line.startswith("?? ")}


def _interrupted(_signal: int, _frame: object) -> None:
    raise KeyboardInterrupt


def pytest_sessionstart(session: pytest.Session) -> None:
    session.config.stash[_UNTRACKED_AT_START] = _untracked()
    # A run that is terminated (a CI time limit) tears down as one interrupted with Ctrl-C does:
    # every server started and every database created is stopped and dropped.
    signal.signal(signal.SIGTERM, _interrupted)


def pytest_sessionfinish(session: pytest.Session) -> None:
    """The suite leaves nothing behind in the checkout: a run that does fails, naming the files.

    Checked by the controlling process only (xdist workers finish before it).
    """
    if hasattr(session.config, "workerinput"):
        return
    left = sorted(_untracked() - session.config.stash.get(_UNTRACKED_AT_START, set()))
    if left:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line(f"the test run left files in the checkout: {left}", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def _group(item: pytest.Item) -> str:
    marker = item.get_closest_marker("xdist_group")
    if marker is None:
        return item.nodeid
    return str(marker.args[0] if marker.args else marker.kwargs.get("name", item.nodeid))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run each combination's tests one after the other, in file order, even without xdist.

    The tests of one combination share one render and one running deployment; with xdist's
    `--dist loadgroup` they already run together on one worker.
    """
    first_seen: dict[str, int] = {}
    for index, item in enumerate(items):
        first_seen.setdefault(_group(item), index)
    items.sort(key=lambda item: first_seen[_group(item)])


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


@pytest.fixture
def without_tornado(tmp_path: Path) -> Questionnaire:
    """copier.yml with every framework but Tornado, alone in a folder (a template to refuse from).

    Tornado is the best fit for `realtime`: what happens when the best fit is not offered.
    """
    config = config_with_every_framework()
    for choice in config["framework"]["choices"].values():
        if choice["value"] == "tornado":
            choice["validator"] = "Tornado is not available yet"
    folder = tmp_path / "without_tornado"
    folder.mkdir()
    (folder / "copier.yml").write_text(yaml.safe_dump(config, sort_keys=False), "utf-8")
    return load(folder)
