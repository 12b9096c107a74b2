"""``scaffold recommend``: rank the frameworks for the needs given, with the reasons."""

from __future__ import annotations

import argparse

from rich.console import Console
from rich.text import Text

from scaffold import views
from scaffold.cli.arguments import (
    Commands,
    add_command,
    add_json_argument,
    add_need_argument,
    given_needs,
)
from scaffold.cli.output import print_json
from scaffold.options import FRAMEWORK, load
from scaffold.plan import framework_name
from scaffold.rules import recommend

__all__ = ["add_parser", "run"]


def add_parser(commands: Commands) -> None:
    """Add the ``recommend`` command."""
    parser = add_command(
        commands,
        "recommend",
        help="rank the frameworks for what you are building, with the reasons",
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
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, out: Console) -> int:
    """Print the ranking, as a table or as JSON."""
    recommendation = recommend(given_needs(args.need))
    report = views.recommendation_report(recommendation, load().choices(FRAMEWORK))
    if args.json:
        print_json(report)
        return 0
    out.print(views.recommendation_table(report))
    best, available = report["recommended"], report["best_available"]
    if best is None:
        out.print("No need points to a framework: any of them will do.")
    elif best == available:
        out.print(Text.assemble("Recommended: ", (framework_name(best), "bold green")))
    else:
        entry = next(e for e in report["ranking"] if e["framework"] == best)
        line = Text.assemble(
            ("Best fit: ", ""),
            (framework_name(best), "bold"),
            f" ({entry['unavailable_reason'] or 'ruled out'})",
        )
        if available:
            line.append(". Next best available: ")
            line.append(framework_name(available), style="bold green")
            line.append(f" (scaffold new --framework {available})")
        out.print(line, soft_wrap=True)
    return 0
