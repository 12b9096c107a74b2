"""Template lifecycle on the real templates: a project made from v1 follows the template to v4.

For every enabled framework, its fullest combination (SQLite instead of PostgreSQL, so no server
is needed; PostgreSQL's migrations are proved by the matrix) is generated from a throwaway git
repository holding this checkout's template, tagged v1. Then the template changes and is tagged
again while the project's owner edits, commits, deletes and changes answers.

These tests drive scaffold's own commands (`scaffold new/update/check`, which call
`copier.run_copy`/`run_update`) and, once, the plain `copier update` CLI a user would run, rather
than pytest-copie's `copie` fixture: the point is the user's flow against a tagged template
repository and what its `.copier-answers.yml` records, and `copie` renders this checkout at HEAD
and has nothing like `scaffold check`.
"""

from __future__ import annotations

import sqlite3
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from scaffold import cli
from scaffold.errors import InvalidAnswer
from scaffold.project import read_procfile
from scaffold.questionnaire import load
from tests.support.combinations import enabled_frameworks, fullest
from tests.support.processes import VENV_BIN, project_env, run_test_suite
from tests.support.questionnaires import config_with_every_framework
from tests.support.template_repo import commit, git, is_clean, scaffold_template_repo, write

pytestmark = pytest.mark.slow

V2_SHARED = "# v2: ignored by the template's new version\n"
V2_NOTE = "Template v2 note.\n"
V3_NOTE = "Template v3 note.\n"


def combination(framework: str, **changes: Any) -> dict[str, Any]:
    """The framework's fullest combination on SQLite, with `changes`, checked against copier.yml."""
    answers = {**fullest(framework), **changes}
    if answers["database"] == "postgresql":
        # No Lambda handler with SQLite: its disk is per instance (copier.yml refuses it).
        answers |= {"database": "sqlite", "serverless": False}
    questionnaire = load()
    for question in questionnaire.option_questions():
        reason = questionnaire.validate(question, answers[question.name], answers)
        if reason:
            raise InvalidAnswer(question=question.name, message=reason)
    return answers


def scaffold(*argv: str, expect: int = 0) -> None:
    code = cli.main(list(argv))
    assert code == expect, f"scaffold {' '.join(argv)} exited {code}, expected {expect}"


def new_project(template: Path, dest: Path, answers: dict[str, Any]) -> Path:
    data = [item for key, value in answers.items() for item in ("-d", f"{key}={value}")]
    scaffold("new", str(dest), "--no-input", "--template", str(template), "--name", "Lifecycle",
             *data)  # fmt: skip
    return dest


def release(template: Path, tag: str, changes: dict[str, str]) -> None:
    """Append text to template files, commit and tag."""
    for name, text in changes.items():
        path = template / name
        path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")
    commit(template, f"release {tag}", tag=tag)


def answers_of(project: Path) -> dict[str, Any]:
    return yaml.safe_load((project / ".copier-answers.yml").read_text(encoding="utf-8"))


def read(project: Path, name: str) -> str:
    return (project / name).read_text(encoding="utf-8")


def commit_update(project: Path, message: str) -> None:
    commit(project, message)
    assert is_clean(project)


def assert_suite_passes(project: Path) -> None:
    done = run_test_suite(project, env=project_env())
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]


def migrate(project: Path, database: Path) -> None:
    """Run the project's release step (its migrations) against a SQLite file."""
    release_command = read_procfile(project)["release"]
    done = subprocess.run(
        ["sh", "-c", release_command],
        cwd=project,
        env=project_env(DATABASE_URL=f"sqlite:///{database}"),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def schema(database: Path) -> set[tuple[str, str]]:
    """The tables and their columns of a SQLite database."""
    with sqlite3.connect(database) as connection:
        tables = [row[0] for row in connection.execute("SELECT name FROM sqlite_master "
                                                       "WHERE type = 'table'")]  # fmt: skip
        return {
            (table, column[1])
            for table in tables
            for column in connection.execute(f"PRAGMA table_info('{table}')")
        }


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return scaffold_template_repo(tmp_path_factory.mktemp("template") / "repo", tag="v1")


@pytest.mark.parametrize("framework", enabled_frameworks())
def test_a_project_follows_its_template(
    framework: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    template = scaffold_template_repo(tmp_path / "template", tag="v1")
    project = new_project(template, tmp_path / "project", combination(framework))
    secret = read(project, ".env")
    assert secret.split("SECRET_KEY=", 1)[1].split()[0] not in read(project, ".copier-answers.yml")
    capsys.readouterr()
    scaffold("check", str(project), expect=0)
    assert "Up to date: v1" in capsys.readouterr().out

    # v2 changes a shared partial and a framework file; the owner edits another file meanwhile.
    release(template, "v2", {"templates/_shared/git/gitignore.jinja": V2_SHARED,
                             f"templates/{framework}/README.md.jinja": V2_NOTE})  # fmt: skip
    write(project, {"pyproject.toml": read(project, "pyproject.toml") + "# the owner's note\n"})
    commit(project, "the owner's edit")
    scaffold("check", str(project), expect=1)
    assert "v1 -> v2" in capsys.readouterr().out

    # The plain Copier CLI, as a user without scaffold runs it.
    done = subprocess.run([f"{VENV_BIN}/copier", "update", "--defaults"], cwd=project,
                          capture_output=True, text=True, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert V2_SHARED in read(project, ".gitignore")
    assert V2_NOTE in read(project, "README.md")
    assert read(project, "pyproject.toml").endswith("# the owner's note\n")
    assert answers_of(project)["_commit"] == "v2"
    assert read(project, ".env") == secret
    # (The project's suite runs once, after v4, which holds every change: it takes ~10 s a run.)
    commit_update(project, "Update to v2")
    scaffold("check", str(project), expect=0)

    # v3 rewrites the line the owner rewrote too: a conflict, marked in the file.
    readme = read(project, "README.md")
    write(project, {"README.md": readme.replace(V2_NOTE, "The owner's note.\n")})
    commit(project, "the owner's README")
    source = template / "templates" / framework / "README.md.jinja"
    source.write_text(source.read_text(encoding="utf-8").replace(V2_NOTE, V3_NOTE), "utf-8")
    commit(template, "release v3", tag="v3")
    capsys.readouterr()
    scaffold("update", str(project), expect=1)
    output = capsys.readouterr().out
    assert "conflict  README.md" in output
    conflicted = read(project, "README.md")
    assert "<<<<<<< before updating" in conflicted
    assert "The owner's note." in conflicted and "Template v3 note." in conflicted
    write(project, {"README.md": readme.replace(V2_NOTE, "The owner's note.\n")})
    commit_update(project, "Update to v3, keeping the owner's README")

    # The owner deleted a file; v4 changes it: it stays deleted, and other changes arrive.
    (project / "Dockerfile").unlink()
    commit(project, "no Docker here")
    release(template, "v4", {f"templates/{framework}/Dockerfile.jinja": "# v4\n",
                             "templates/_shared/git/gitignore.jinja": "# v4\n"})  # fmt: skip
    scaffold("update", str(project), expect=0)
    assert not (project / "Dockerfile").exists()
    assert "# v4\n" in read(project, ".gitignore")
    assert answers_of(project)["_commit"] == "v4"
    assert read(project, ".env") == secret
    assert_suite_passes(project)
    commit_update(project, "Update to v4")
    scaffold("check", str(project), expect=0)


@pytest.mark.parametrize("framework", enabled_frameworks())
def test_changing_answers_on_update_adds_what_they_need(
    framework: str, template: Path, tmp_path: Path
) -> None:
    full = combination(framework)
    start = combination(framework, auth="none", api_docs=False)
    project = new_project(template, tmp_path / "project", start)
    existing = tmp_path / "existing.db"
    migrate(project, existing)
    secret = read(project, ".env")

    scaffold("update", str(project), "-d", f"auth={full['auth']}", "-d", "api_docs=true")

    answers = answers_of(project)
    assert (answers["auth"], answers["api_docs"]) == (full["auth"], True)
    assert read(project, ".env") == secret
    # The new migrations apply to the existing database and reach the schema of a fresh one.
    migrate(project, existing)
    fresh = tmp_path / "fresh.db"
    migrate(project, fresh)
    assert schema(existing) == schema(fresh)
    assert_suite_passes(project)


def test_switching_the_framework_is_refused(
    template: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A copy of the template with every framework enabled, so the switch itself is what refuses.
    repo = tmp_path / "all-enabled"
    git(tmp_path, "clone", "--quiet", str(template), str(repo))
    config = config_with_every_framework()
    write(repo, {"copier.yml": yaml.safe_dump(config, sort_keys=False)})
    commit(repo, "every framework", tag="v2")
    framework = enabled_frameworks()[0]
    other = next(value for value in config["framework"]["choices"].values()
                 if value["value"] != framework)["value"]  # fmt: skip
    project = new_project(repo, tmp_path / "project", combination(framework))

    capsys.readouterr()

    assert cli.main(["update", str(project), "-d", f"framework={other}"]) == 1

    err = capsys.readouterr().err
    assert f"generated with {framework}: switching it to {other} on update would replace" in err
    assert is_clean(project)
    assert answers_of(project)["framework"] == framework
