"""Arguments several commands declare alike, and reading what they were given."""

from __future__ import annotations

import argparse
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TypeAlias

from scaffold.errors import UserError
from scaffold.needs import parse_needs

__all__ = [
    "Commands",
    "add_command",
    "add_data_argument",
    "add_json_argument",
    "add_need_argument",
    "add_path_argument",
    "add_template_argument",
    "given_answers",
    "given_needs",
]

Commands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


def add_command(
    commands: Commands, name: str, *, help: str, description: str, epilog: str
) -> argparse.ArgumentParser:
    """Add a command whose epilog keeps its layout (examples) and whose description is wrapped."""
    return commands.add_parser(
        name,
        help=help,
        description=_wrap(description),
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )


def _wrap(text: str) -> str:
    """Wrap a description by hand: RawDescriptionHelpFormatter keeps the examples' layout."""
    return textwrap.fill(text, width=88)


def add_path_argument(parser: argparse.ArgumentParser) -> None:
    """Add the optional ``PATH`` of a generated project, the current folder by default."""
    parser.add_argument(
        "path",
        nargs="?",
        type=Path,
        default=Path(),
        metavar="PATH",
        help="the project (default: the current folder)",
    )


def add_json_argument(parser: argparse.ArgumentParser) -> None:
    """Add ``--json``: print the result as JSON instead of for a reader."""
    parser.add_argument("--json", action="store_true", help="print stable, sorted-keys JSON")


def add_template_argument(parser: argparse.ArgumentParser) -> None:
    """Add ``--template PATH``: read another template's copier.yml."""
    parser.add_argument(
        "--template",
        type=Path,
        metavar="PATH",
        help="a copier.yml or a directory holding one (default: scaffold's own template)",
    )


def add_need_argument(parser: argparse.ArgumentParser, *, required: bool) -> None:
    """Add ``--need``, repeatable; read it with `given_needs`."""
    parser.add_argument(
        "--need",
        action="append",
        metavar="NEED",
        required=required,
        default=None,
        help="what the project needs (repeat, or separate with commas); see the list below",
    )


def given_needs(values: Sequence[str] | None) -> tuple[str, ...]:
    """Split ``--need a,b --need c`` and check every need against the vocabulary."""
    words = [word for value in values or () for word in value.split(",") if word.strip()]
    return parse_needs(words)


def add_data_argument(parser: argparse.ArgumentParser) -> None:
    """Add ``-d KEY=VALUE``, repeatable; read it with `given_answers`."""
    parser.add_argument(
        "-d",
        "--data",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="answer any copier.yml question, as `copier -d` does (repeatable)",
    )


def given_answers(args: argparse.Namespace) -> dict[str, Any]:
    """Collect the answers given on the command line: ``-d`` first, then the named flags."""
    given: dict[str, Any] = {}
    for item in args.data:
        key, separator, value = item.partition("=")
        if not separator or not key.strip():
            raise UserError(f"-d needs KEY=VALUE, not {item!r}")
        given[key.strip()] = value
    for name, value in vars(args).items():
        if name.startswith("q_") and value is not None:
            given[name.removeprefix("q_")] = value
    return given
