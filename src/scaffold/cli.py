"""The ``scaffold`` command line: the only place that prints errors and picks exit codes."""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.text import Text
from rich.tree import Tree

from scaffold import __version__
from scaffold.errors import Cancelled, ScaffoldError
from scaffold.options import FRAMEWORK, Questionnaire, load

__all__ = ["main"]

_Handler = Callable[[argparse.Namespace, Console], int]


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
        _print_error(str(error))
        return error.exit_code
    except KeyboardInterrupt:
        _print_error(str(Cancelled()))
        return Cancelled.exit_code


def _build_parser() -> argparse.ArgumentParser:
    """Build the parser: one subparser per command, each naming its handler."""
    parser = argparse.ArgumentParser(
        prog="scaffold",
        description="Generate production-shaped Python web services with Copier.",
    )
    parser.add_argument("--version", action="version", version=f"scaffold {__version__}")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", required=True)
    for add_command in _COMMANDS:
        add_command(commands)
    return parser


def _print_error(message: str) -> None:
    """Print one line on stderr: no traceback, no wrapping."""
    line = " ".join(part.strip() for part in message.splitlines())
    Console(stderr=True, highlight=False).print(
        Text.assemble(("Error: ", "bold red"), line), soft_wrap=True
    )


# scaffold options --------------------------------------------------------------------------------


def _add_options_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "options",
        help="show the questions, their choices and the number of valid combinations",
        description="Show copier.yml's questions, their choices, defaults and disabled reasons, "
        "and how many combinations of options are valid.",
    )
    parser.add_argument("--json", action="store_true", help="print stable, sorted-keys JSON")
    parser.add_argument(
        "--template",
        type=Path,
        metavar="PATH",
        help="a copier.yml or a directory holding one (default: scaffold's own template)",
    )
    parser.set_defaults(handler=_options_command)


def _options_command(args: argparse.Namespace, out: Console) -> int:
    """Print the questionnaire as JSON or as a tree."""
    report = _options_report(load(args.template))
    if args.json:
        sys.stdout.write(json.dumps(report, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
    else:
        out.print(_options_tree(report))
        out.print(_combinations_line(report["combinations"]), soft_wrap=True)
    return 0


def _options_report(questionnaire: Questionnaire) -> dict[str, Any]:
    """Describe the questionnaire as plain data: questions, choices, reasons, counts."""
    defaults: dict[str, Any] = {}
    questions = []
    for question in questionnaire.questions:
        defaults[question.name] = questionnaire.default(question, defaults)
        raw = question.default
        templated = isinstance(raw, str) and ("{{" in raw or "{%" in raw)
        entry: dict[str, Any] = {
            "name": question.name,
            "type": question.type,
            "help": question.help,
            "default": defaults[question.name],
            "default_expression": raw if templated else None,
            "choices": [],
        }
        reasons = questionnaire.disabled_reasons(question)
        for choice in questionnaire.choices(question, defaults):
            entry["choices"].append(
                {
                    "label": choice.label,
                    "value": choice.value,
                    "disabled": [
                        {"reason": disabled.reason, "when": list(disabled.when)}
                        for disabled in reasons.get(choice.value, ())
                    ],
                }
            )
        questions.append(entry)
    combinations = questionnaire.valid_combinations()
    counts = Counter(combination[FRAMEWORK] for combination in combinations)
    frameworks = [choice.value for choice in questionnaire.choices(FRAMEWORK, defaults)]
    return {
        "template": str(questionnaire.path),
        "questions": questions,
        "combinations": {
            "total": len(combinations),
            "by_framework": {framework: counts[framework] for framework in frameworks},
        },
    }


def _options_tree(report: dict[str, Any]) -> Tree:
    """Lay the report out as a tree: questions, then their choices."""
    tree = Tree(Text.assemble(("copier.yml", "bold"), f"  {report['template']}"))
    for question in report["questions"]:
        node = tree.add(
            Text.assemble(
                (question["name"], "bold cyan"), f" ({question['type']})  ", question["help"]
            )
        )
        default = Text.assemble(("default: ", "dim"), json.dumps(question["default"]))
        if question["default_expression"]:
            default.append(f"  from {question['default_expression']}", style="dim")
        node.add(default)
        for choice in question["choices"]:
            line = Text.assemble((_word(choice["value"]), "green"), f"  {choice['label']}")
            for disabled in choice["disabled"]:
                conditions = [_condition(answers) for answers in disabled["when"]]
                when = f" when {' or '.join(conditions)}" if any(conditions) else ""
                line.append(f"\n  disabled{when}: {disabled['reason']}", style="yellow")
            node.add(line)
    return tree


def _condition(answers: dict[str, Any]) -> str:
    """Write earlier answers as ``database=none, framework=tornado``."""
    return ", ".join(f"{name}={_word(value)}" for name, value in answers.items())


def _word(value: Any) -> str:
    """Write an answer as typed on a command line: text bare, anything else as JSON."""
    return value if isinstance(value, str) else json.dumps(value)


def _combinations_line(combinations: dict[str, Any]) -> Text:
    """Say how many combinations are valid, in total and per framework."""
    per_framework = ", ".join(
        f"{framework} {count}" for framework, count in combinations["by_framework"].items()
    )
    return Text.assemble(
        (f"{combinations['total']} valid combinations", "bold"), f" ({per_framework})"
    )


# Each command (new, recommend, update, check, ...) adds its parser builder here.
_COMMANDS: tuple[Callable[[argparse._SubParsersAction[argparse.ArgumentParser]], None], ...] = (
    _add_options_command,
)
