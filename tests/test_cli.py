"""The scaffold command line: output, JSON, errors and exit codes."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from scaffold import __version__, cli
from scaffold.errors import Cancelled, InstallError
from tests.support.template_repo import commit, tiny_template, write

# An SGR escape setting a foreground or background colour (30-49, 90-107).
COLOR_CODE = re.compile(r"\x1b\[(?:\d+;)*(?:3\d|4\d|9\d|10\d)(?:;\d+)*m")


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--version"]) == 0
    assert capsys.readouterr().out == f"scaffold {__version__}\n"


def test_python_dash_m_runs_the_cli() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "scaffold", "--version"],
        capture_output=True,
        text=True,
        check=False,
    )

    assert (done.returncode, done.stdout) == (0, f"scaffold {__version__}\n")


def test_options_json_describes_the_questionnaire(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["options", "--json"]) == 0
    output = capsys.readouterr().out
    report = json.loads(output)

    assert output == json.dumps(report, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    assert report["combinations"] == {
        "total": 56,
        "by_framework": {"django": 0, "flask": 0, "fastapi": 56, "tornado": 0, "pyramid": 0},
    }
    questions = {question["name"]: question for question in report["questions"]}
    assert questions["project_slug"]["default"] == "my_service"
    assert questions["use_async"]["default"] is True
    assert "framework" in questions["use_async"]["default_expression"]
    jwt = next(choice for choice in questions["auth"]["choices"] if choice["value"] == "jwt")
    assert jwt["disabled"] == [
        {"reason": "JWT auth needs a database: users are stored", "when": [{"database": "none"}]}
    ]


def test_options_prints_a_tree_with_the_count(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.delenv("FORCE_COLOR", raising=False)

    assert cli.main(["options"]) == 0
    output = capsys.readouterr().out

    assert "56 valid combinations (django 0, flask 0, fastapi 56, tornado 0, pyramid 0)" in output
    assert "jwt  JWT bearer tokens" in output
    assert "disabled when database=none: JWT auth needs a database: users are stored" in output
    assert "\x1b[" not in output


def test_options_respects_no_color(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("NO_COLOR", "1")

    assert cli.main(["options"]) == 0
    output = capsys.readouterr().out

    assert "\x1b[1m" in output  # styled, as FORCE_COLOR asks, ...
    assert not COLOR_CODE.search(output)  # ... but without colour, as NO_COLOR asks


def test_options_reads_another_template(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "copier.yml").write_text(
        "framework:\n  type: str\n  choices: [a, b]\nfast:\n  type: bool\n  default: false\n",
        encoding="utf-8",
    )

    assert cli.main(["options", "--json", "--template", str(tmp_path)]) == 0
    assert json.loads(capsys.readouterr().out)["combinations"] == {
        "total": 4,
        "by_framework": {"a": 2, "b": 2},
    }


def test_errors_are_one_line_on_stderr(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "missing" / ("deep" * 30)

    assert cli.main(["options", "--template", str(missing)]) == 1
    captured = capsys.readouterr()

    assert captured.out == ""
    assert captured.err == f"Error: No scaffold template (copier.yml) found in {missing}\n"


def test_cancelling_exits_130(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def interrupted(*_: object) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "_options_command", interrupted)

    assert cli.main(["options"]) == Cancelled.exit_code == 130
    assert capsys.readouterr().err == "Error: Cancelled: nothing was written.\n"


@pytest.mark.parametrize("argv", [[], ["bogus"], ["options", "--bogus"]])
def test_usage_errors_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(argv) == 2
    captured = capsys.readouterr()

    assert captured.out == ""
    assert "usage: scaffold" in captured.err


# scaffold recommend -------------------------------------------------------------------------------


def test_recommend_realtime_ranks_tornado_first(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("COLUMNS", "200")

    assert cli.main(["recommend", "--need", "realtime"]) == 0
    output = capsys.readouterr().out

    rows = [line for line in output.splitlines() if re.match(r"^│ \d ", line)]
    assert "Tornado (best fit)" in rows[0]
    assert "real-time communication" in output
    assert "Tornado is not available yet" in output  # copier.yml's reason
    assert "Next best available: FastAPI (scaffold new --framework fastapi)" in output
    assert "use_async=yes" in output


def test_recommend_json_is_stable_and_rules_tornado_out_for_serverless(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert cli.main(["recommend", "--need", "realtime,serverless", "--json"]) == 0
    output = capsys.readouterr().out
    report = json.loads(output)

    assert output == json.dumps(report, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    assert report["needs"] == ["realtime", "serverless"]
    assert report["recommended"] == report["best_available"] == "fastapi"
    assert report["ranking"][0]["framework"] == "fastapi"
    tornado = report["ranking"][-1]
    assert tornado["framework"] == "tornado"
    assert tornado["excluded_by"] and tornado["available"] is False
    assert {"option": "serverless", "value": True, "reasons": ["adds the AWS Lambda handler"]} in (
        report["suggested_options"]
    )


def test_recommend_needs_a_need(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["recommend"]) == 2
    assert "--need" in capsys.readouterr().err


def test_unknown_need_is_one_line_with_a_suggestion(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["recommend", "--need", "chat"]) == 1
    err = capsys.readouterr().err

    assert err.count("\n") == 1
    assert err.startswith("Error: Unknown need 'chat'")


def test_recommend_respects_no_color(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("NO_COLOR", "1")

    assert cli.main(["recommend", "--need", "api"]) == 0
    assert not COLOR_CODE.search(capsys.readouterr().out)


# scaffold new -------------------------------------------------------------------------------------


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
    monkeypatch.setattr(cli, "_is_interactive", lambda: False)
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
        (["--framework", "django"], "Invalid answer for 'framework': Django is not available yet"),
        (["--database", "none", "--auth", "jwt"], "JWT auth needs a database"),
        (["--name", "json"], "'json' would shadow the standard library"),
        (["--project-slug", "My-Shop"], "'My-Shop' is not a valid slug"),
        (["-d", "colour=blue"], "Unknown question 'colour'"),
        (["-d", "nonsense"], "-d needs KEY=VALUE"),
    ],
)
def test_new_refuses_before_writing_anything(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    dest = tmp_path / "shop"

    assert cli.main(["new", str(dest), "--no-input", "--vcs-ref", "HEAD", *argv]) == 1
    err = capsys.readouterr().err

    assert message in err
    assert err.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


@pytest.mark.usefixtures("no_terminal")
def test_unavailable_best_fit_names_the_way_on(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["new", "--no-input", "--need", "realtime", "--vcs-ref", "HEAD"]) == 1
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
    assert answers["_src_path"] == str(Path(cli.render.template_root()))
    log = subprocess.run(["git", "log", "--format=%s"], cwd=project, capture_output=True,
                         text=True, check=True).stdout  # fmt: skip
    assert log == "Generate the project with scaffold\n"
    status = subprocess.run(["git", "status", "--porcelain"], cwd=project, capture_output=True,
                            text=True, check=True).stdout  # fmt: skip
    assert status == ""  # .env is ignored, everything else committed
    assert (project / ".env").is_file()
    assert "cd pet_shop" in output
    assert "alembic upgrade head" in output
    assert "uvicorn app.main:app" in output
    assert [path.name for path in tmp_path.iterdir()] == ["pet_shop"]


@pytest.mark.usefixtures("no_terminal")
def test_install_runs_with_progress_and_changes_the_next_steps(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    calls: list[Path] = []

    def fake_install(project: Path, *, progress: Callable[[str], None]) -> None:
        calls.append(project)
        progress("Creating .venv")

    monkeypatch.setattr(cli.project, "install_dependencies", fake_install)

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

    monkeypatch.setattr(cli.project, "install_dependencies", failing_install)

    template = tiny_template(tmp_path / "template")
    argv = ["new", str(tmp_path / "shop"), "--no-input", "--install", "--template", str(template)]
    assert cli.main(argv) == 1
    err = capsys.readouterr().err

    assert "The project is in" in err and "No matching distribution" in err
    assert (tmp_path / "shop" / "README.md").is_file()


# scaffold update / check --------------------------------------------------------------------------


@pytest.fixture
def tiny_project(tmp_path: Path) -> tuple[Path, Path]:
    template = tiny_template(tmp_path / "template")
    assert cli.main(["new", str(tmp_path / "shop"), "--no-input", "--template", str(template),
                     "-d", "name=shop"]) == 0  # fmt: skip
    return template, tmp_path / "shop"


def test_check_exit_codes(
    tiny_project: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    template, project = tiny_project
    capsys.readouterr()

    assert cli.main(["check", str(project)]) == 0
    assert "Up to date: v1 is the newest release" in capsys.readouterr().out

    write(template, {"templates/web/notes.txt": "v2\n"})
    commit(template, "v2", tag="v2")
    assert cli.main(["check", str(project)]) == 1
    assert "A newer template version exists: v1 -> v2" in capsys.readouterr().out
    assert cli.main(["check", str(project), "--json"]) == 1
    assert json.loads(capsys.readouterr().out) == {
        "current": "v1", "latest": "v2", "outdated": True, "source": str(template)
    }  # fmt: skip

    assert cli.main(["check", str(project.parent)]) == 2
    assert "no .copier-answers.yml" in capsys.readouterr().err


def test_update_prints_changes_conflicts_and_next_steps(
    tiny_project: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    monkeypatch.setenv("COLUMNS", "200")
    template, project = tiny_project
    write(project, {"notes.txt": "my notes\n"})
    commit(project, "edit")
    write(template, {"templates/web/notes.txt": "template notes\n",
                     "templates/web/README.md.jinja": "# {{ name }}\n"})  # fmt: skip
    commit(template, "v2", tag="v2")
    capsys.readouterr()

    assert cli.main(["update", str(project)]) == 1  # a conflict is left to resolve
    output = capsys.readouterr().out

    assert "from v1 to v2" in output
    assert "conflict  notes.txt" in output
    assert "changed   README.md" in output
    assert "git add notes.txt" in output
    assert "python -m pytest" in output

    assert cli.main(["update", str(project)]) == 1
    assert "uncommitted changes" in capsys.readouterr().err


def test_update_refuses_a_switch_with_the_templates_reason(
    tiny_project: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    _, project = tiny_project
    capsys.readouterr()

    assert cli.main(["update", str(project), "-d", "kind=worker"]) == 1
    err = capsys.readouterr().err

    assert "cannot switch from web to worker on update" in err
    assert err.count("\n") == 1


def test_ctrl_c_during_an_update_says_the_project_is_unchanged(
    tiny_project: tuple[Path, Path],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    def interrupted(*_: object, **__: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli.render, "update", interrupted)
    capsys.readouterr()

    assert cli.main(["update", str(tiny_project[1])]) == 130
    assert capsys.readouterr().err == (
        "Error: Cancelled: the project is as it was before the update.\n"
    )
