"""Rich renderables for what scaffold shows: recommendations, summaries, next steps, updates."""

from __future__ import annotations

import shlex
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from scaffold.answers import FrameworkPick, enabled_choices
from scaffold.frameworks import display_name
from scaffold.needs import NEEDS, TEAM_PREFIX, Recommendation
from scaffold.project import ProjectCommands, read_commands
from scaffold.questionnaire import ChoiceState, Questionnaire, format_answer

__all__ = [
    "Step",
    "framework_pick_note",
    "needs_help",
    "next_steps",
    "project_steps",
    "recommendation_report",
    "recommendation_table",
    "steps_text",
    "summary_table",
]


@dataclass(frozen=True, slots=True)
class Step:
    """One next step: what it does and the command that does it."""

    title: str
    command: str


def recommendation_report(
    recommendation: Recommendation, frameworks: Sequence[ChoiceState]
) -> dict[str, Any]:
    """Describe a recommendation as plain data (the JSON of ``scaffold recommend``)."""
    states = {state.value: state for state in frameworks}
    available = [value for value, state in states.items() if state.enabled]
    best = recommendation.best
    best_available = recommendation.best_among(available)
    return {
        "needs": list(recommendation.needs),
        "recommended": best.framework.value if best else None,
        "best_available": best_available.framework.value if best_available else None,
        "ranking": [
            {
                "framework": ranked.framework.value,
                "score": ranked.score,
                "reasons": list(ranked.reasons),
                "excluded_by": list(ranked.excluded_by),
                "available": ranked.framework.value in available,
                "unavailable_reason": (
                    states[ranked.framework.value].disabled_reason
                    if ranked.framework.value in states
                    else "not offered by copier.yml"
                ),
            }
            for ranked in recommendation.ranking
        ],
        "suggested_options": [
            {"option": s.option, "value": s.value, "reasons": list(s.reasons)}
            for s in recommendation.suggestions
        ],
    }


def recommendation_table(report: Mapping[str, Any]) -> RenderableType:
    """Lay a recommendation report out as a ranked table with the reasons, then the options."""
    needs = ", ".join(report["needs"]) or "none"
    table = Table(title=Text.assemble(("Needs: ", "bold"), needs), title_justify="left")
    table.add_column("#", justify="right")
    table.add_column("Framework", style="bold")
    table.add_column("Score", justify="right")
    table.add_column("Why")
    for place, entry in enumerate(report["ranking"], start=1):
        why = Text()
        for reason in entry["reasons"]:
            why.append(f"+ {reason}\n")
        for reason in entry["excluded_by"]:
            why.append(f"ruled out: {reason}\n", style="red")
        if not entry["available"]:
            why.append(f"{entry['unavailable_reason']}\n", style="yellow")
        if not why.plain:
            why.append("no need points here", style="dim")
        name = Text(display_name(entry["framework"]))
        if entry["framework"] == report["recommended"]:
            name.append(" (best fit)", style="green")
        why.rstrip()
        table.add_row(str(place), name, str(entry["score"]), why)
    parts: list[RenderableType] = [table]
    if report["suggested_options"]:
        lines = Text("Suggested options:", style="bold")
        for suggestion in report["suggested_options"]:
            lines.append(
                f"\n  {suggestion['option']}={format_answer(suggestion['value'])}", style="cyan"
            )
            lines.append(f"  ({'; '.join(suggestion['reasons'])})")
        parts.append(lines)
    return Group(*parts)


def framework_pick_note(pick: FrameworkPick) -> Text | None:
    """Say what happens when the best fit is not available, or None when it is."""
    if pick.best is None or not pick.fallback:
        return None
    best = pick.best.framework.display_name
    return Text.assemble(
        (f"{best} fits best", "bold"),
        f" ({'; '.join(pick.best.reasons)}), but {pick.unavailable_reason}. ",
        ("The next best available is ", ""),
        (display_name(pick.framework), "bold"),
        ".",
    )


def needs_help() -> str:
    """Return the needs vocabulary, one per line, for ``--help``."""
    lines = [f"  {need:<17} {meaning}" for need, meaning in NEEDS.items()]
    return "\n".join([*lines, f"  {TEAM_PREFIX + '<framework>':<17} your team already knows it"])


def summary_table(
    questionnaire: Questionnaire,
    answers: Mapping[str, Any],
    *,
    dest: Path,
    extras: Mapping[str, str] | None = None,
) -> Table:
    """Show the answers with copier.yml's labels, the destination and what happens afterwards."""
    table = Table(title="Summary", title_justify="left", show_header=False)
    table.add_column("question", style="bold")
    table.add_column("answer")
    for question in questionnaire.questions:
        if question.name not in answers:
            continue
        value = answers[question.name]
        states = enabled_choices(questionnaire, question, answers)
        labels = {state.value: state.label for state in states}
        table.add_row(question.name, labels.get(value, format_answer(value)))
    table.add_row("destination", str(dest))
    for name, value in (extras or {}).items():
        table.add_row(name, value)
    return table


def next_steps(project: Path, *, cwd: Path, installed: bool) -> list[Step]:
    """Return the steps to take in a new project: cd, install, migrate, test, run.

    Every command is the project's own (its README and Procfile, `scaffold.project`).
    """
    try:
        shown = project.relative_to(cwd)
    except ValueError:
        shown = project
    commands = read_commands(project)
    steps = [Step("Go to the project", f"cd {shlex.quote(str(shown))}")]
    if installed:
        steps.append(Step("Activate its virtual environment", ". .venv/bin/activate"))
    elif commands.install:
        steps.append(Step("Install it with its dev tools", " && ".join(commands.install)))
    steps += project_steps(project, migrate="Migrate the database", activated=installed)
    if commands.run:
        steps.append(Step("Run the app", _in_venv(commands.run, commands, activated=installed)))
    return steps


def project_steps(project: Path, *, migrate: str, activated: bool = False) -> list[Step]:
    """Return the project's migrate step (titled `migrate`) and test step, when it has them."""
    commands = read_commands(project)
    steps = []
    if commands.migrate:
        steps.append(Step(migrate, _in_venv(commands.migrate, commands, activated=activated)))
    if commands.test:
        steps.append(Step("Run the tests", " && ".join(commands.test)))
    return steps


def _in_venv(command: str, commands: ProjectCommands, *, activated: bool) -> str:
    """Return a Procfile command as a user types it in the project.

    Through `uv run` when uv manages the environment (`uv sync` installs it) and nothing
    activated it; as it is otherwise.
    """
    if not activated and any(line.startswith("uv ") for line in commands.install):
        return f"uv run {command}"
    return command


def steps_text(steps: Sequence[Step]) -> Text:
    """Number the steps, one command each."""
    text = Text("Next steps:", style="bold")
    for number, step in enumerate(steps, start=1):
        text.append(f"\n  {number}. {step.title}\n     ")
        text.append(step.command, style="cyan")
    return text
