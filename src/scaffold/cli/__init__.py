"""The ``scaffold`` command line: the only place that prints errors and picks exit codes.

Each command lives in its own module, which adds its subparser and handles it. Only the module
of the command being run is imported (`--version` and `--help` import none), so that start-up
does not pay for Copier, questionary and every other command.
"""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, NoReturn

from scaffold import __version__
from scaffold.errors import (
    BestFitUnavailable,
    Cancelled,
    DestinationNotEmpty,
    GitFailed,
    NotInteractive,
    ScaffoldError,
    UntrustedTemplate,
)

if TYPE_CHECKING:
    from rich.console import Console

__all__ = ["main", "run"]

_Handler = Callable[[argparse.Namespace, "Console"], int]

# name: (module under scaffold.cli, one line for `scaffold --help`)
_COMMANDS: dict[str, tuple[str, str]] = {
    "new": ("new", "generate a project: a wizard, or flags with --no-input"),
    "recommend": ("recommend", "rank the frameworks for what you are building, with the reasons"),
    "options": (
        "options",
        "show the questions, their choices and the number of valid combinations",
    ),
    "update": ("update", "bring a project up to its template's newest release (copier update)"),
    "check": ("check", "tell whether a newer template version exists (exit 1), for CI"),
}

# What to type to get past an error: the core says what is wrong, the command line which flag.
_HINTS: dict[type[ScaffoldError], Callable[[ScaffoldError], str]] = {
    DestinationNotEmpty: lambda _: (
        ", or pass --force to add the project's files to it (files of the same name are "
        "overwritten)"
    ),
    UntrustedTemplate: lambda _: ", and pass --trust if you trust it",
    GitFailed: lambda _: " (pass --no-git to skip git)",
    NotInteractive: lambda _: (
        ": run `scaffold new --no-input DEST` with flags for the answers "
        "(e.g. --framework fastapi --database sqlite), or run it in a terminal"
    ),
    BestFitUnavailable: lambda error: (
        f"; pass --framework {getattr(error, 'next_best', '')} to use it"
    ),
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with `argv` (default: ``sys.argv[1:]``) and return the exit code."""
    import sys

    arguments = list(sys.argv[1:] if argv is None else argv)
    parser = _build_parser(_command_in(arguments))
    try:
        args = parser.parse_args(arguments)
    except SystemExit as stop:  # argparse exits for --help, --version and usage errors
        return stop.code if isinstance(stop.code, int) else int(stop.code is not None)
    from rich.console import Console

    from scaffold.cli.output import print_error

    handler: _Handler = args.handler
    try:
        return handler(args, Console(highlight=False))
    except ScaffoldError as error:
        print_error(_with_hint(error))
        return error.exit_code
    except KeyboardInterrupt:
        print_error(str(Cancelled()))
        return Cancelled.exit_code


def run() -> NoReturn:
    """The ``scaffold`` program: run `main` and exit with its code, skipping interpreter teardown.

    Python's shutdown frees every object of every imported module (Copier, pydantic, Jinja,
    prompt_toolkit) one by one: about 0.1 s after the work is done. Exiting with `os._exit` from
    the first-registered exit handler, which runs last, still runs every other exit handler
    (temporary folders, logging) and flushes the output first, as the Instagram team did for
    their servers' exit (their post "Dismissing Python Garbage Collection at Instagram").
    """
    import atexit
    import os
    import sys

    status = 1  # an exception escaping main is shown by Python, then exits 1

    def exit_now() -> None:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):  # a closed pipe (`scaffold ... | head`)
                pass
        os._exit(status)

    atexit.register(exit_now)
    status = main()
    sys.exit(status)


def _with_hint(error: ScaffoldError) -> str:
    """Return the error's message with the command line's hint for it, if it has one."""
    for kind, hint in _HINTS.items():
        if isinstance(error, kind):
            return f"{error}{hint(error)}"
    return str(error)


def _command_in(arguments: Sequence[str]) -> str | None:
    """Return the command named in `arguments` (the first word that is one), if any."""
    return next((word for word in arguments if word in _COMMANDS), None)


def _build_parser(command: str | None) -> argparse.ArgumentParser:
    """Build the parser: the full subparser of `command`, a one-line stub for the others."""
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
    for name, (module, help_line) in _COMMANDS.items():
        if name == command:
            importlib.import_module(f"scaffold.cli.{module}").add_parser(commands, help_line)
        else:
            commands.add_parser(name, help=help_line, add_help=False)
    return parser
