"""`scaffold new` without prompts: refusals before writing, rendering, committing, installing."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from scaffold import cli
from scaffold.cli import new
from scaffold.errors import InstallError
from scaffold.own_template import template_root
from scaffold.questionnaire import Questionnaire
from tests.support.template_repo import tiny_template


def test_new_help_has_examples_and_a_flag_per_question(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["new", "--help"]) == 0
    output = capsys.readouterr().out

    assert "examples:" in output
    assert "scaffold new shop --no-input --framework fastapi" in output
    for flag in ["--name", "--project-slug", "--author-email", "--framework", "--database",
                 "--auth", "--api-docs", "--no-api-docs", "--async", "--no-async",
                 "--serverless", "--need", "--no-input", "--template", "--vcs-ref", "--force",
                 "--install", "--no-git"]:  # fmt: skip
        assert re.search(rf"{flag}\b(?!-)", output), flag
    assert "realtime" in output  # the needs vocabulary


@pytest.fixture
def no_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(new, "is_interactive", lambda: False)
    monkeypatch.setenv("COLUMNS", "200")


@pytest.mark.usefixtures("no_terminal")
def test_new_without_a_terminal_says_how_to_run_without_prompts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["new", str(tmp_path / "shop")]) == 1
    err = capsys.readouterr().err

    assert "Cannot ask questions without a terminal" in err
    assert "--no-input" in err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.usefixtures("no_terminal")
@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--need", "realtime"], "Tornado fits these needs best"),
        (
            ["--framework", "tornado"],
            "Invalid answer for 'framework': Tornado is not available yet",
        ),
        (["--database", "none", "--auth", "jwt"], "JWT auth needs a database"),
        (["--name", "json"], "'json' would shadow the standard library"),
        (["--project-slug", "My-Shop"], "'My-Shop' is not a valid slug"),
        (["-d", "colour=blue"], "Unknown question 'colour'"),
        (["-d", "nonsense"], "-d needs KEY=VALUE"),
    ],
)
def test_new_refuses_before_writing_anything(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    without_tornado: Questionnaire,
    argv: list[str],
    message: str,
) -> None:
    assert without_tornado.path is not None
    dest = tmp_path / "out" / "shop"
    template = str(without_tornado.path.parent)

    assert cli.main(["new", str(dest), "--no-input", "--template", template, *argv]) == 1
    err = capsys.readouterr().err

    assert message in err
    assert err.count("\n") == 1
    assert not dest.parent.exists()


@pytest.mark.usefixtures("no_terminal")
def test_unavailable_best_fit_names_the_way_on(
    capsys: pytest.CaptureFixture[str], without_tornado: Questionnaire
) -> None:
    assert without_tornado.path is not None
    template = str(without_tornado.path.parent)
    assert cli.main(["new", "--no-input", "--need", "realtime", "--template", template]) == 1
    err = capsys.readouterr().err

    assert "Tornado is not available yet" in err
    assert "pass --framework fastapi to use it" in err


@pytest.mark.usefixtures("no_terminal")
def test_new_refuses_a_folder_that_is_not_empty(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "mine.txt").write_text("mine\n")

    assert cli.main(["new", str(tmp_path), "--no-input"]) == 1
    assert "is not empty" in capsys.readouterr().err
    assert [path.name for path in tmp_path.iterdir()] == ["mine.txt"]


@pytest.mark.usefixtures("no_terminal")
def test_new_without_input_renders_commits_and_prints_next_steps(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    argv = ["new", "--no-input", "--framework", "fastapi", "--name", "Pet Shop",
            "--need", "complex-models", "--vcs-ref", "HEAD"]  # fmt: skip

    assert cli.main(argv) == 0
    output = capsys.readouterr().out

    project = tmp_path / "pet_shop"
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert answers["database"] == "postgresql"  # complex-models suggests it
    assert answers["_src_path"] == str(template_root())
    log = subprocess.run(["git", "log", "--format=%s"], cwd=project, capture_output=True,
                         text=True, check=True).stdout  # fmt: skip
    assert log == "Generate the project with scaffold\n"
    status = subprocess.run(["git", "status", "--porcelain"], cwd=project, capture_output=True,
                            text=True, check=True).stdout  # fmt: skip
    assert status == ""  # .env is ignored, everything else committed
    assert (project / ".env").is_file()
    assert "uv.lock" in subprocess.run(["git", "ls-files"], cwd=project, capture_output=True,
                                       text=True, check=True).stdout  # fmt: skip
    assert "cd pet_shop" in output
    # Installed by `uv sync`, the project's commands run through `uv run`.
    assert "uv sync" in output
    assert "uv run alembic upgrade head" in output
    assert "uv run uvicorn app.main:app" in output
    assert [path.name for path in tmp_path.iterdir()] == ["pet_shop"]


@pytest.mark.usefixtures("no_terminal")
def test_install_runs_with_progress_and_changes_the_next_steps(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    calls: list[Path] = []

    def fake_install(project: Path, *, progress: Callable[[str], None]) -> None:
        calls.append(project)
        progress("Creating .venv")

    monkeypatch.setattr(new.install, "install_dependencies", fake_install)

    template = tiny_template(tmp_path / "template")
    argv = ["new", str(tmp_path / "shop"), "--no-input", "--install", "--no-git",
            "--template", str(template)]  # fmt: skip
    assert cli.main(argv) == 0
    output = capsys.readouterr().out

    assert calls == [tmp_path / "shop"]
    assert "Installed the project into .venv" in output
    assert ". .venv/bin/activate" in output
    assert "pip install" not in output
    assert not (tmp_path / "shop" / ".git").exists()


@pytest.mark.usefixtures("no_terminal")
def test_a_failed_install_keeps_the_project_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def failing_install(*_: object, **__: object) -> None:
        raise InstallError(reason="`python -m pip install` failed: ERROR: No matching distribution")

    monkeypatch.setattr(new.install, "install_dependencies", failing_install)

    template = tiny_template(tmp_path / "template")
    argv = ["new", str(tmp_path / "shop"), "--no-input", "--install", "--template", str(template)]
    assert cli.main(argv) == 1
    err = capsys.readouterr().err

    assert "The project is in" in err and "No matching distribution" in err
    assert (tmp_path / "shop" / "README.md").is_file()


@pytest.mark.usefixtures("no_terminal")
def test_a_template_without_release_tags_renders_its_last_commit_quietly(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    template = tiny_template(tmp_path / "template", tag=None)
    dest = tmp_path / "out" / "shop"

    assert cli.main(["new", str(dest), "--no-input", "--template", str(template)]) == 0
    captured = capfd.readouterr()

    assert captured.err == ""  # only scaffold's own messages: none from Copier or git
    assert "Created" in captured.out
    answers = yaml.safe_load((dest / ".copier-answers.yml").read_text(encoding="utf-8"))
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=template,
                          capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip
    assert answers["_commit"] == head


@pytest.mark.usefixtures("no_terminal")
def test_a_project_outside_any_repository_is_its_own_with_a_first_commit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    template = tiny_template(tmp_path / "template")
    dest = tmp_path / "elsewhere" / "shop"

    assert cli.main(["new", str(dest), "--no-input", "--template", str(template)]) == 0

    assert "(git repository with a first commit)" in capsys.readouterr().out
    done = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=dest,
                          capture_output=True, text=True, check=True)  # fmt: skip
    assert Path(done.stdout.strip()) == dest


@pytest.mark.usefixtures("no_terminal")
def test_new_without_the_package_index_says_how_to_lock_later(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # uv offline, with an empty cache: the index is as good as unreachable.
    monkeypatch.setenv("UV_OFFLINE", "1")
    monkeypatch.setenv("UV_CACHE_DIR", str(tmp_path / "empty-cache"))
    argv = ["new", str(tmp_path / "shop"), "--no-input", "--framework", "fastapi",
            "--vcs-ref", "HEAD", "--no-git"]  # fmt: skip

    assert cli.main(argv) == 0
    output = " ".join(capsys.readouterr().out.split())
    assert not (tmp_path / "shop" / "uv.lock").exists()
    assert "uv.lock was not written" in output
    assert "run `uv lock` in the project" in output
