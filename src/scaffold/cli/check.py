"""``scaffold check``: tell whether a newer release of a project's template exists, for CI."""

from __future__ import annotations

import argparse

from rich.console import Console
from rich.text import Text

from scaffold import render
from scaffold.cli.arguments import Commands, add_command, add_json_argument, add_path_argument
from scaffold.cli.output import print_json
from scaffold.errors import CheckFailed, ScaffoldError

__all__ = ["add_parser", "run"]


def add_parser(commands: Commands, help_line: str) -> None:
    """Add the ``check`` command."""
    parser = add_command(
        commands,
        "check",
        help=help_line,
        description=(
            "Compare the template version a project was generated or last updated from with the "
            "newest release of its template. Exit 0 when up to date, 1 when a newer version "
            "exists, 2 on error."
        ),
        epilog="example (CI):\n  scaffold check || echo 'run scaffold update'",
    )
    add_path_argument(parser)
    add_json_argument(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, out: Console) -> int:
    """Exit 0 when up to date, 1 when a newer release exists, 2 when it cannot tell."""
    try:
        report = render.check(args.path.resolve())
    except ScaffoldError as error:
        raise CheckFailed(reason=str(error)) from error
    if args.json:
        payload = {
            "source": report.source,
            "current": report.current,
            "latest": report.latest,
            "outdated": report.outdated,
        }
        print_json(payload, ensure_ascii=True)
    elif report.outdated:
        out.print(
            Text.assemble(
                ("A newer template version exists: ", "bold yellow"),
                f"{report.current} -> {report.latest} "
                f"(from {report.source}); run `scaffold update`",
            ),
            soft_wrap=True,
        )
    elif report.latest is None:
        out.print(
            f"Up to date: {report.source} has no release tags yet (project at {report.current}).",
            soft_wrap=True,
        )
    else:
        out.print(
            f"Up to date: {report.current} is the newest release of {report.source}.",
            soft_wrap=True,
        )
    return 1 if report.outdated else 0
