"""The ``scaffold new`` wizard, the only questionary user: it asks, it never renders.

Copier can prompt by itself, but it cannot show a recommendation, preselect suggestions, or say
why a question with one possible answer is skipped; so the wizard prompts with questionary, from
copier.yml's questions, choices and reasons as scaffold.options reads them, and Copier renders.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import questionary
from rich.console import Console
from rich.text import Text

from scaffold import plan, views
from scaffold.errors import Cancelled, InvalidAnswer, NotInteractive
from scaffold.options import FRAMEWORK, Question, Questionnaire
from scaffold.rules import NEEDS, TEAM_PREFIX, Recommendation, recommend

__all__ = ["NON_INTERACTIVE_HINT", "WizardResult", "run"]

NON_INTERACTIVE_HINT = (
    "run `scaffold new --no-input DEST` with flags for the answers "
    "(e.g. --framework fastapi --database sqlite), or run it in a terminal"
)
_NO_TEAM = ""


@dataclass(frozen=True, slots=True)
class WizardResult:
    """Everything the wizard learnt: the answers for Copier and what to do around rendering."""

    answers: dict[str, Any]
    needs: tuple[str, ...]
    dest: Path
    install: bool


def run(
    questionnaire: Questionnaire,
    *,
    console: Console,
    given: Mapping[str, Any] | None = None,
    needs: Sequence[str] | None = None,
    dest: Path | None = None,
    install: bool | None = None,
    destination_problem: Callable[[Path], str | None] = lambda _: None,
) -> WizardResult:
    """Ask what copier.yml asks (skipping what is `given`), with a framework recommendation.

    Ctrl-C raises `Cancelled`; a closed input raises `NotInteractive`.
    """
    try:
        return _Wizard(questionnaire, console, dict(given or {})).run(
            needs=needs, dest=dest, install=install, destination_problem=destination_problem
        )
    except KeyboardInterrupt:
        raise Cancelled() from None
    except EOFError:
        raise NotInteractive(hint=NON_INTERACTIVE_HINT) from None


class _Wizard:
    """One run of the questions; keeps the answers so far."""

    def __init__(self, questionnaire: Questionnaire, console: Console, given: dict[str, Any]):
        self.questionnaire = questionnaire
        self.console = console
        self.given = given
        self.answers: dict[str, Any] = {}
        self.context: dict[str, Any] = {}
        self.recommendation: Recommendation | None = None

    def run(
        self,
        *,
        needs: Sequence[str] | None,
        dest: Path | None,
        install: bool | None,
        destination_problem: Callable[[Path], str | None],
    ) -> WizardResult:
        chosen_needs: tuple[str, ...] = tuple(needs or ())
        for question in self.questionnaire.questions:
            if not self.questionnaire.is_prompted(question, self.context):
                self.context[question.name] = self.questionnaire.default(question, self.context)
                continue
            if question.name == FRAMEWORK:
                if needs is None and question.name not in self.given:
                    chosen_needs = self._ask_needs()
                self.recommendation = recommend(chosen_needs)
            if question.name in self.given:
                value = plan.validate(
                    self.questionnaire, question, self.given[question.name], self.context
                )
            elif question.name == FRAMEWORK and self.recommendation is not None:
                value = self._ask_framework(question, self.recommendation)
            elif question.is_option:
                value = self._ask_option(question)
            else:
                value = self._ask_text(question)
            self.answers[question.name] = value
            self.context[question.name] = value
        if install is None:
            install = bool(
                questionary.confirm(
                    "Create a .venv and install the project's dependencies now? (needs network)",
                    default=False,
                ).unsafe_ask()
            )
        if dest is None:
            dest = self._ask_destination(destination_problem)
        extras = {"git": "init and first commit", "install": "yes" if install else "no"}
        self.console.print(
            views.summary_table(self.questionnaire, self.answers, dest=dest, extras=extras)
        )
        if not questionary.confirm("Create the project?", default=True).unsafe_ask():
            raise Cancelled()
        return WizardResult(answers=self.answers, needs=chosen_needs, dest=dest, install=install)

    def _ask_needs(self) -> tuple[str, ...]:
        picked = questionary.checkbox(
            "What are you building? (space selects, enter confirms; none is fine)",
            choices=[
                questionary.Choice(title=f"{need:<17} {meaning}", value=need)
                for need, meaning in NEEDS.items()
            ],
        ).unsafe_ask()
        frameworks = [state.value for state in self.questionnaire.choices(FRAMEWORK)]
        team = questionary.select(
            "Does your team already know one of these frameworks?",
            choices=[
                questionary.Choice(title="No, or no preference", value=_NO_TEAM),
                *(
                    questionary.Choice(title=plan.framework_name(value), value=value)
                    for value in frameworks
                ),
            ],
            default=_NO_TEAM,
        ).unsafe_ask()
        return (*picked, *([f"{TEAM_PREFIX}{team}"] if team else []))

    def _ask_framework(self, question: Question, recommendation: Recommendation) -> Any:
        pick = plan.pick_framework(self.questionnaire, recommendation)
        states = self.questionnaire.choices(question, self.context)
        if recommendation.needs:
            frameworks = self.questionnaire.choices(question)
            report = views.recommendation_report(recommendation, frameworks)
            self.console.print(views.recommendation_table(report))
        note = views.framework_pick_note(pick)
        if note is not None:
            self.console.print(note)
        recommended = pick.framework if recommendation.best is not None else None
        choices = [
            questionary.Choice(
                title=state.label + ("  <- recommended" if state.value == recommended else ""),
                value=state.value,
                disabled=state.disabled_reason,
            )
            for state in states
        ]
        return questionary.select(
            question.help or question.name, choices=choices, default=pick.framework
        ).unsafe_ask()

    def _ask_option(self, question: Question) -> Any:
        states = plan.enabled_choices(self.questionnaire, question, self.context)
        enabled = [state for state in states if state.enabled]
        choice = plan.preferred(
            self.questionnaire, question, self.context, recommendation=self.recommendation
        )
        if choice.dropped:
            self.console.print(Text(choice.dropped, style="yellow"))
        if len(enabled) == 1:
            # Nothing to choose: say so, with the reasons the other choices are disabled.
            only = enabled[0]
            why = "; ".join(s.disabled_reason for s in states if s.disabled_reason)
            line = Text.assemble((f"{question.name}: ", "bold"), only.label)
            if why:
                line.append(f" ({why})", style="dim")
            self.console.print(line)
            return only.value
        suggested = f"  <- suggested: {'; '.join(choice.reasons)}" if choice.reasons else ""
        if not question.choices and question.type == "bool":
            help_text = question.help or question.name
            message = f"{help_text}{' (suggested)' if choice.reasons else ''}"
            return bool(questionary.confirm(message, default=bool(choice.value)).unsafe_ask())
        return questionary.select(
            question.help or question.name,
            choices=[
                questionary.Choice(
                    title=state.label + (suggested if state.value == choice.value else ""),
                    value=state.value,
                    disabled=state.disabled_reason,
                )
                for state in states
            ],
            default=choice.value,
        ).unsafe_ask()

    def _ask_text(self, question: Question) -> Any:
        default = self.questionnaire.default(question, self.context)

        def check(text: str) -> bool | str:
            try:
                plan.validate(self.questionnaire, question, text, self.context)
            except InvalidAnswer as error:
                return error.reason
            return True

        text = questionary.text(
            question.help or question.name,
            default="" if default is None else str(default),
            validate=check,
        ).unsafe_ask()
        return plan.validate(self.questionnaire, question, text, self.context)

    def _ask_destination(self, destination_problem: Callable[[Path], str | None]) -> Path:
        slug = str(self.context.get(plan.SLUG) or "project")

        def check(text: str) -> bool | str:
            if not text.strip():
                return "Give a folder for the project"
            return destination_problem(Path(text.strip()).expanduser()) or True

        answer = questionary.text(
            "Create the project in folder", default=f"./{slug}", validate=check
        ).unsafe_ask()
        return Path(str(answer).strip()).expanduser()
