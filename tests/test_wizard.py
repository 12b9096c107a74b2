"""The wizard, driven with keystrokes through prompt_toolkit pipe input (no terminal needed)."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from prompt_toolkit.application import create_app_session
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput
from rich.console import Console

from scaffold import cli
from scaffold.answers import Walked, walk
from scaffold.cli import new as new_command
from scaffold.cli.wizard import Wizard, finish
from scaffold.errors import Cancelled, NotInteractive, UserError
from scaffold.needs import NEEDS
from scaffold.questionnaire import Questionnaire, load

REPO_ROOT = Path(__file__).resolve().parents[1]
DOWN, UP, ENTER, SPACE, CLEAR, CTRL_C = "\x1b[B", "\x1b[A", "\r", " ", "\x15", "\x03"
TEXT_QUESTIONS = 5  # project_name, project_slug, description, author_name, author_email


def need(name: str) -> str:
    """Keys that tick one need in the checkbox (from the top) and move back up."""
    position = list(NEEDS).index(name)
    return DOWN * position + SPACE + UP * position


def needs(*names: str) -> str:
    return "".join(need(name) for name in names) + ENTER


@pytest.fixture
def keyboard() -> Iterator[Any]:
    with create_pipe_input() as pipe, create_app_session(input=pipe, output=DummyOutput()):
        yield pipe


@dataclass
class Result:
    answers: dict[str, Any]
    needs: tuple[str, ...]
    dest: Path
    install: bool


def run_wizard(
    keyboard: Any,
    keys: str,
    questionnaire: Questionnaire | None = None,
    *,
    given: dict[str, Any] | None = None,
    needs: tuple[str, ...] | None = None,
    dest: Path | None = Path("dest"),
    install: bool | None = False,
    destination_problem: Callable[[Path], UserError | None] = lambda _: None,
) -> tuple[Result, str]:
    """The wizard as `scaffold new` runs it: the walk with the wizard asking, then `finish`."""
    out = io.StringIO()
    keyboard.send_text(keys)
    keyboard.close()  # a prompt left without keys fails with EOF instead of waiting forever
    questionnaire = questionnaire or load()
    console = Console(file=out, width=200, no_color=True)
    walked: Walked = walk(questionnaire, given, needs=needs, asker=Wizard(console))
    where, install_now = finish(
        questionnaire,
        walked.answers,
        console=console,
        dest=dest,
        install=install,
        destination_problem=destination_problem,
    )
    return Result(walked.answers, walked.needs, where, install_now), out.getvalue()


def test_accepting_the_recommendation(keyboard: Any) -> None:
    keys = (
        CLEAR + "Orders API" + ENTER  # project name
        + ENTER * (TEXT_QUESTIONS - 1)  # slug derived from the name, then the defaults
        + needs("api", "validation")
        + ENTER  # team: no preference
        + ENTER  # framework: the recommended one is preselected
        + ENTER * 4  # database, auth, api_docs, use_async: preselected values
        # serverless is not asked: with SQLite (the default) only "No" is enabled
        + ENTER  # create it
    )  # fmt: skip
    result, shown = run_wizard(keyboard, keys)

    assert result.needs == ("api", "validation")
    assert result.answers == {
        "project_name": "Orders API",
        "project_slug": "orders_api",
        "description": "Orders API: a web service.",
        "author_name": "Your Name",
        "author_email": "you@example.com",
        "framework": "fastapi",
        "database": "sqlite",
        "auth": "none",
        "api_docs": True,
        "use_async": True,
        "serverless": False,
    }
    assert "FastAPI (best fit)" in shown
    assert "FastAPI validates every request" in shown
    assert "api_docs=true" in shown  # suggested options, with their reason
    assert "SQLite cannot back a Lambda deployment" in shown
    assert "Summary" in shown and "orders_api" in shown


def test_best_fit_not_available_falls_back_with_the_reason(
    keyboard: Any, without_tornado: Questionnaire
) -> None:
    keys = ENTER * TEXT_QUESTIONS + needs("realtime") + ENTER + ENTER * 6 + ENTER
    result, shown = run_wizard(keyboard, keys, without_tornado)

    assert result.answers["framework"] == "fastapi"
    assert result.answers["use_async"] is True  # realtime suggests async handlers
    assert "Tornado fits best" in shown
    assert "Tornado is not available yet" in shown
    assert "The next best available is FastAPI" in shown


def test_overriding_the_recommendation(keyboard: Any, all_enabled: Questionnaire) -> None:
    keys = (
        ENTER * TEXT_QUESTIONS
        + needs("realtime")
        + ENTER  # team
        + UP  # from the recommended Tornado up to FastAPI
        + ENTER
        + ENTER * 6
    )
    result, shown = run_wizard(keyboard, keys, all_enabled)

    assert "Tornado (best fit)" in shown
    assert result.answers["framework"] == "fastapi"


def test_a_framework_enabled_tomorrow_just_works(keyboard: Any, all_enabled: Questionnaire) -> None:
    # Tornado: use_async and serverless each have one enabled choice, so they are not asked.
    keys = ENTER * TEXT_QUESTIONS + needs("realtime") + ENTER + ENTER + ENTER * 3 + ENTER
    result, shown = run_wizard(keyboard, keys, all_enabled)

    assert result.answers["framework"] == "tornado"
    assert (result.answers["use_async"], result.answers["serverless"]) == (True, False)
    assert "use_async: Yes (Tornado is always asynchronous" in shown
    assert "serverless: No (Tornado serves long-lived connections" in shown


def test_team_experience_is_asked_and_counts(keyboard: Any, all_enabled: Questionnaire) -> None:
    team_flask = DOWN * 2  # "No preference", Django, Flask
    keys = ENTER * TEXT_QUESTIONS + needs("api", "minimal") + team_flask + ENTER + ENTER * 7
    result, _ = run_wizard(keyboard, keys, all_enabled)

    assert result.needs == ("api", "minimal", "team:flask")
    assert result.answers["framework"] == "flask"


def test_a_disabled_choice_cannot_be_picked(keyboard: Any, without_tornado: Questionnaire) -> None:
    # From FastAPI (the default), one down is Tornado, which is disabled: the arrow skips it.
    keys = ENTER * TEXT_QUESTIONS + ENTER + ENTER + DOWN + ENTER
    keys += UP + ENTER  # database: sqlite -> none ...
    keys += (
        ENTER * 2 + ENTER
    )  # ... so auth is not asked; api_docs, use_async (serverless: no); create
    result, shown = run_wizard(keyboard, keys, without_tornado)

    assert result.answers["framework"] == "pyramid"
    assert (result.answers["database"], result.answers["auth"]) == ("none", "none")
    assert "auth: None (JWT auth needs a database: users are stored; Session auth" in shown


def test_invalid_text_is_refused_with_the_reason(keyboard: Any) -> None:
    keys = CLEAR + "JSON" + ENTER + CLEAR + "json" + ENTER + CLEAR + "json_tools" + ENTER
    keys += ENTER * (TEXT_QUESTIONS - 2) + ENTER + ENTER + ENTER + ENTER * 6
    result, _ = run_wizard(keyboard, keys)

    assert result.answers["project_name"] == "JSON"
    assert result.answers["project_slug"] == "json_tools"


def test_given_answers_and_needs_are_not_asked(keyboard: Any, all_enabled: Questionnaire) -> None:
    given = {"project_name": "Shop", "database": "postgresql", "auth": "jwt"}
    keys = ENTER * (TEXT_QUESTIONS - 1) + ENTER + ENTER * 3 + ENTER
    result, shown = run_wizard(keyboard, keys, all_enabled, given=given, needs=("complex-models",))

    assert result.answers["database"] == "postgresql"
    assert result.answers["auth"] == "jwt"
    assert result.needs == ("complex-models",)
    assert "Needs: complex-models" in shown


def test_install_and_destination_are_asked_when_not_given(keyboard: Any, tmp_path: Path) -> None:
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "file").touch()
    keys = ENTER * TEXT_QUESTIONS + ENTER * 3 + ENTER * 4  # serverless: not asked with SQLite
    keys += "y"  # install
    keys += CLEAR + str(busy) + ENTER  # refused: not empty
    keys += CLEAR + str(tmp_path / "fresh") + ENTER + ENTER

    def problem(path: Path) -> UserError | None:
        return UserError("not empty") if path == busy else None

    result, _ = run_wizard(keyboard, keys, install=None, dest=None, destination_problem=problem)

    assert result.install is True
    assert result.dest == tmp_path / "fresh"


def test_saying_no_to_the_summary_cancels(keyboard: Any) -> None:
    keys = ENTER * TEXT_QUESTIONS + ENTER * 3 + ENTER * 4 + "n"  # serverless: not asked with SQLite

    with pytest.raises(Cancelled):
        run_wizard(keyboard, keys)


def test_ctrl_c_cancels(keyboard: Any) -> None:
    with pytest.raises(Cancelled, match="nothing was written"):
        run_wizard(keyboard, ENTER * 3 + CTRL_C)


def test_closed_input_says_how_to_run_without_prompts(keyboard: Any) -> None:
    with pytest.raises(NotInteractive, match="without a terminal"):
        run_wizard(keyboard, ENTER * 2)


# The wizard inside `scaffold new` -----------------------------------------------------------------


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(new_command, "is_interactive", lambda: True)
    monkeypatch.setenv("COLUMNS", "200")


@pytest.mark.usefixtures("terminal")
def test_ctrl_c_mid_way_leaves_nothing(
    keyboard: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    keyboard.send_text(ENTER * TEXT_QUESTIONS + needs("api") + ENTER + CTRL_C)
    keyboard.close()
    dest = tmp_path / "shop"

    code = cli.main(["new", str(dest), "--vcs-ref", "HEAD", "--no-install"])

    assert code == 130
    assert capsys.readouterr().err == "Error: Cancelled: nothing was written.\n"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.usefixtures("terminal")
def test_wizard_renders_the_project(
    keyboard: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    keyboard.send_text(
        CLEAR + "Pet Shop" + ENTER + ENTER * (TEXT_QUESTIONS - 1) + needs("api") + ENTER
        + ENTER * 7
    )  # fmt: skip
    keyboard.close()
    dest = tmp_path / "pets"

    code = cli.main(["new", str(dest), "--vcs-ref", "HEAD", "--no-install"])

    output = capsys.readouterr().out
    assert code == 0, output
    assert (dest / "app" / "main.py").is_file()
    answers = yaml.safe_load((dest / ".copier-answers.yml").read_text(encoding="utf-8"))
    assert (answers["project_slug"], answers["framework"]) == ("pet_shop", "fastapi")
    assert "Created FastAPI project in" in output
    assert "alembic upgrade head" in output  # next steps come from the project's Procfile
    assert [path.name for path in tmp_path.iterdir()] == ["pets"]
