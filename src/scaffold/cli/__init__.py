"""The ``scaffold`` command line: the only place that prints errors and picks exit codes.

Each command lives in its own module, which adds its subparser and handles it; this module
assembles the parser and turns errors into exit codes.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence

from rich.console import Console

from scaffold import __version__
from scaffold.cli import check, new, options_command, recommend, update
from scaffold.cli.arguments import Commands
from scaffold.cli.output import print_error
from scaffold.errors import Cancelled, ScaffoldError

__all__ = ["main"]

_Handler = Callable[[argparse.Namespace, Console], int]

_COMMANDS: tuple[Callable[[Commands], None], ...] = (
    new.add_parser,
    recommend.add_parser,
    options_command.add_parser,
    update.add_parser,
    check.add_parser,
)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with `argv` (default: ``sys.argv[1:]``) and return the exit code."""
    parser = _build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:  # argparse exits for --help, --version and usage errors
        return stop.code if isinstance(stop.code, int) else int(stop.code is not None)
    handler: _Handler = args.handler
    try:
        return handler(args, Console(highlight=False))
    except ScaffoldError as error:
        print_error(str(error))
        return error.exit_code
    except KeyboardInterrupt:
        print_error(str(Cancelled()))
        return Cancelled.exit_code


def _build_parser() -> argparse.ArgumentParser:
    """Build the parser: one subparser per command, each naming its handler."""
    parser = argparse.ArgumentParser(
        prog="scaffold",
        description="Generate production-shaped Python web services with Copier.",
        epilog="examples:\n  scaffold new                      the wizard\n"
        "  scaffold recommend --need realtime\n"
        "  scaffold new api --no-input --framework fastapi\n"
        "  scaffold update && scaffold check\n\n`scaffold COMMAND --help` for each command.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"scaffold {__version__}")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", required=True)
    for add_parser in _COMMANDS:
        add_parser(commands)
    return parser
