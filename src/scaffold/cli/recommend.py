"""``scaffold recommend``: rank the frameworks for the needs given, with the reasons."""

from __future__ import annotations

import argparse

from rich.console import Console
from rich.text import Text

from scaffold.cli import views
from scaffold.cli.arguments import (
    Commands,
    add_command,
    add_json_argument,
    add_need_argument,
    add_template_argument,
    given_needs,
)
from scaffold.cli.output import print_json
from scaffold.frameworks import FRAMEWORK, display_name
from scaffold.needs import recommend
from scaffold.questionnaire import load

__all__ = ["add_parser", "run"]


def add_parser(commands: Commands, help_line: str) -> None:
    """Add the ``recommend`` command."""
    parser = add_command(
        commands,
        "recommend",
        help=help_line,
        description=(
            "Rank the frameworks for your needs with the selection rules, say why, and suggest "
            "options."
        ),
        epilog="needs:\n"
        + views.needs_help()
        + "\n\nexamples:\n  scaffold recommend --need realtime\n"
        "  scaffold recommend --need api --need ml --need team:flask --json",
    )
    add_need_argument(parser, required=True)
    add_json_argument(parser)
    add_template_argument(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, out: Console) -> int:
    """Print the ranking, as a table or as JSON."""
    questionnaire = load(args.template)
    recommendation = recommend(given_needs(args.need), questionnaire)
    report = views.recommendation_report(recommendation, questionnaire.choices(FRAMEWORK))
    if args.json:
        print_json(report)
        return 0
    out.print(views.recommendation_table(report))
    best, available = report["recommended"], report["best_available"]
    if best is None:
        out.print("No need points to a framework: any of them will do.")
    elif best == available:
        out.print(Text.assemble("Recommended: ", (display_name(best), "bold green")))
    else:
        entry = next(e for e in report["ranking"] if e["framework"] == best)
        line = Text.assemble(
            ("Best fit: ", ""),
            (display_name(best), "bold"),
            f" ({entry['unavailable_reason'] or 'ruled out'})",
        )
        if available:
            line.append(". Next best available: ")
            line.append(display_name(available), style="bold green")
            line.append(f" (scaffold new --framework {available})")
        out.print(line, soft_wrap=True)
    return 0
