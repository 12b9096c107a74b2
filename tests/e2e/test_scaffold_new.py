"""`scaffold new` as a user runs it: in a pseudo-terminal from the first prompt, and with flags.

Each renders a project and then runs that project's own test suite.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pexpect
import pytest
import yaml

from scaffold import answers
from scaffold.needs import NEEDS
from scaffold.questionnaire import ChoiceState, Question, Questionnaire, load
from tests.support.processes import project_env, run_test_suite

pytestmark = pytest.mark.slow

DOWN, ENTER, SPACE, CLEAR = "\x1b[B", "\r", " ", "\x15"
SCAFFOLD = [sys.executable, "-m", "scaffold"]


def terminal_env() -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST_")}
    return {**env, "NO_COLOR": "1", "TERM": "xterm", "COLUMNS": "120", "LINES": "50"}


class _Prompts(answers.Asker):
    """Takes every preselection, and notes the option questions the wizard would prompt for."""

    def __init__(self) -> None:
        self.prompts: list[str] = []

    def option(
        self, question: Question, states: Sequence[ChoiceState], choice: answers.Preferred
    ) -> Any:
        if len([state for state in states if state.enabled]) > 1:
            self.prompts.append(question.help)
        return choice.value


def asked_options(questionnaire: Questionnaire, *, needs: tuple[str, ...]) -> list[str]:
    """The prompts of the option questions after the framework: those with a choice to make."""
    asker = _Prompts()
    answers.walk(questionnaire, needs=needs, asker=asker)
    return asker.prompts


def assert_suite_passes(project: Path) -> None:
    done = run_test_suite(project, env=project_env())
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]


def test_the_wizard_in_a_terminal_makes_a_project_whose_tests_pass(tmp_path: Path) -> None:
    questionnaire = load()
    child = pexpect.spawn(
        SCAFFOLD[0],
        [*SCAFFOLD[1:], "new", "--vcs-ref", "HEAD"],
        cwd=tmp_path,
        env=terminal_env(),
        encoding="utf-8",
        timeout=60,
        dimensions=(50, 120),
    )
    transcript = tmp_path / "transcript.txt"
    with transcript.open("w", encoding="utf-8") as log:
        child.logfile_read = log
        # The text questions, with copier.yml's help as the prompt.
        for question in questionnaire.text_questions():
            child.expect_exact(question.help)
            child.send(
                CLEAR + "Terminal Shop" + ENTER if question.name == "project_name" else ENTER
            )
        child.expect_exact("What are you building?")
        child.send(DOWN * list(NEEDS).index("api") + SPACE + ENTER)
        child.expect_exact("Does your team already know")
        child.send(ENTER)
        child.expect_exact("Suggested options")
        child.expect_exact(questionnaire.question("framework").help)
        child.send(ENTER)
        # The options that apply, each taking its preselected value.
        for help_text in asked_options(questionnaire, needs=("api",)):
            child.expect_exact(help_text)
            child.send(ENTER)
        child.expect_exact("Create a .venv")
        child.send("n")
        child.expect_exact("Create the project in folder")
        child.send(ENTER)
        child.expect_exact("Summary")
        child.expect_exact("Create the project?")
        child.send(ENTER)
        child.expect_exact("Next steps:")
        child.expect(pexpect.EOF)
    child.close()

    shown = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", transcript.read_text(encoding="utf-8"))
    assert child.exitstatus == 0, shown[-3000:]
    assert "FastAPI (best fit)" in shown
    project = tmp_path / "terminal_shop"
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text(encoding="utf-8"))
    assert (answers["framework"], answers["api_docs"]) == ("fastapi", True)
    assert "cd terminal_shop" in shown
    assert_suite_passes(project)


def test_no_input_renders_a_project_whose_tests_pass(tmp_path: Path) -> None:
    done = subprocess.run(
        [*SCAFFOLD, "new", "--no-input", "--framework", "fastapi", "--vcs-ref", "HEAD", "shop"],
        cwd=tmp_path,
        env=terminal_env(),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )

    assert done.returncode == 0, done.stderr
    assert "Created FastAPI project" in done.stdout
    assert_suite_passes(tmp_path / "shop")
