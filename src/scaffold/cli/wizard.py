"""The ``scaffold new`` wizard, the only questionary user: it asks, it never renders.

Copier can prompt by itself, but it cannot show a recommendation, preselect suggestions, or say
why a question with one possible answer is skipped; so the wizard is an `Asker` of the one
question walk (`scaffold.answers.walk`), prompting with questionary from copier.yml's questions,
choices and reasons, and Copier renders.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import questionary
from rich.console import Console
from rich.text import Text

from scaffold.answers import SLUG, Asker, FrameworkPick, Preferred
from scaffold.cli import views
from scaffold.errors import Cancelled, NotInteractive, UserError
from scaffold.frameworks import display_name
from scaffold.needs import NEEDS, TEAM_PREFIX, Recommendation
from scaffold.questionnaire import ChoiceState, Question, Questionnaire

__all__ = ["Wizard", "finish"]

_NO_TEAM = ""


@contextmanager
def _prompting() -> Iterator[None]:
    """Turn Ctrl-C into `Cancelled` and a closed input into `NotInteractive`."""
    try:
        yield
    except KeyboardInterrupt:
        raise Cancelled() from None
    except EOFError:
        raise NotInteractive() from None


class Wizard(Asker):
    """Prompts for what copier.yml asks, with the recommendation and the reasons shown."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.recommendation: Recommendation | None = None

    def needs(self, frameworks: Sequence[ChoiceState]) -> tuple[str, ...]:
        """Ask what the project is for, and the framework the team knows."""
        with _prompting():
            picked = questionary.checkbox(
                "What are you building? (space selects, enter confirms; none is fine)",
                choices=[
                    questionary.Choice(title=f"{need:<17} {meaning}", value=need)
                    for need, meaning in NEEDS.items()
                ],
            ).unsafe_ask()
            team = questionary.select(
                "Does your team already know one of these frameworks?",
                choices=[
                    questionary.Choice(title="No, or no preference", value=_NO_TEAM),
                    *(
                        questionary.Choice(title=display_name(str(state.value)), value=state.value)
                        for state in frameworks
                    ),
                ],
                default=_NO_TEAM,
            ).unsafe_ask()
        return (*picked, *([f"{TEAM_PREFIX}{team}"] if team else []))

    def recommended(
        self, recommendation: Recommendation, frameworks: Sequence[ChoiceState]
    ) -> None:
        """Show the ranking, when there were needs to rank for."""
        self.recommendation = recommendation
        if recommendation.needs:
            report = views.recommendation_report(recommendation, frameworks)
            self.console.print(views.recommendation_table(report))

    def framework(
        self, question: Question, states: Sequence[ChoiceState], pick: FrameworkPick
    ) -> Any:
        """Ask for the framework, the recommended one preselected."""
        note = views.framework_pick_note(pick)
        if note is not None:
            self.console.print(note)
        best = self.recommendation.best if self.recommendation else None
        recommended = pick.framework if best is not None else None
        choices = [
            questionary.Choice(
                title=state.label + ("  <- recommended" if state.value == recommended else ""),
                value=state.value,
                disabled=state.disabled_reason,
            )
            for state in states
        ]
        with _prompting():
            return questionary.select(
                question.help or question.name, choices=choices, default=pick.framework
            ).unsafe_ask()

    def option(self, question: Question, states: Sequence[ChoiceState], choice: Preferred) -> Any:
        """Ask an option, or say why it has only one possible answer."""
        if choice.dropped:
            self.console.print(Text(choice.dropped, style="yellow"))
        enabled = [state for state in states if state.enabled]
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
        with _prompting():
            if not question.choices and question.type == "bool":
                message = f"{question.help or question.name}{' (suggested)' if suggested else ''}"
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

    def text(self, question: Question, default: Any, check: Callable[[Any], str | None]) -> Any:
        """Ask a text question; copier.yml's validator checks each answer."""
        with _prompting():
            return questionary.text(
                question.help or question.name,
                default="" if default is None else str(default),
                validate=lambda text: check(text) or True,
            ).unsafe_ask()


def finish(
    questionnaire: Questionnaire,
    answers: Mapping[str, Any],
    *,
    console: Console,
    dest: Path | None,
    install: bool | None,
    destination_problem: Callable[[Path], UserError | None],
) -> tuple[Path, bool]:
    """Ask what happens around rendering (install, folder), show the summary and confirm.

    Ctrl-C or a "no" raises `Cancelled`; a closed input raises `NotInteractive`.
    """
    with _prompting():
        if install is None:
            install = bool(
                questionary.confirm(
                    "Create a .venv and install the project's dependencies now? (needs network)",
                    default=False,
                ).unsafe_ask()
            )
        if dest is None:
            dest = _ask_destination(str(answers.get(SLUG) or "project"), destination_problem)
        extras = {"git": "init and first commit", "install": "yes" if install else "no"}
        console.print(views.summary_table(questionnaire, answers, dest=dest, extras=extras))
        if not questionary.confirm("Create the project?", default=True).unsafe_ask():
            raise Cancelled()
    return dest, install


def _ask_destination(slug: str, destination_problem: Callable[[Path], UserError | None]) -> Path:
    def check(text: str) -> bool | str:
        if not text.strip():
            return "Give a folder for the project"
        problem = destination_problem(Path(text.strip()).expanduser())
        return str(problem) if problem else True

    answer = questionary.text(
        "Create the project in folder", default=f"./{slug}", validate=check
    ).unsafe_ask()
    return Path(str(answer).strip()).expanduser()
