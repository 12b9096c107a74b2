"""``scaffold options``: copier.yml's questions, their choices, and the valid combinations."""

from __future__ import annotations

import argparse
import json
from collections import Counter
from typing import Any

from rich.console import Console
from rich.text import Text
from rich.tree import Tree

from scaffold.cli.arguments import Commands, add_json_argument, add_template_argument
from scaffold.cli.output import print_json
from scaffold.combinations import disabled_reasons, valid_combinations
from scaffold.frameworks import FRAMEWORK
from scaffold.questionnaire import Questionnaire, format_answer, load

__all__ = ["add_parser", "run"]


def add_parser(commands: Commands, help_line: str) -> None:
    """Add the ``options`` command."""
    parser = commands.add_parser(
        "options",
        help=help_line,
        description="Show copier.yml's questions, their choices, defaults and disabled reasons, "
        "and how many combinations of options are valid.",
    )
    add_json_argument(parser)
    add_template_argument(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, out: Console) -> int:
    """Print the questionnaire as JSON or as a tree."""
    report = _options_report(load(args.template))
    if args.json:
        print_json(report)
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
        if question.ask is False:  # bookkeeping Copier computes; nobody answers it
            continue
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
        reasons = disabled_reasons(questionnaire, question)
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
    combinations = valid_combinations(questionnaire)
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
            line = Text.assemble((format_answer(choice["value"]), "green"), f"  {choice['label']}")
            for disabled in choice["disabled"]:
                conditions = [_condition(answers) for answers in disabled["when"]]
                when = f" when {' or '.join(conditions)}" if any(conditions) else ""
                line.append(f"\n  disabled{when}: {disabled['reason']}", style="yellow")
            node.add(line)
    return tree


def _condition(answers: dict[str, Any]) -> str:
    """Write earlier answers as ``database=none, framework=tornado``."""
    return ", ".join(f"{name}={format_answer(value)}" for name, value in answers.items())


def _combinations_line(combinations: dict[str, Any]) -> Text:
    """Say how many combinations are valid, in total and per framework."""
    per_framework = ", ".join(
        f"{framework} {count}" for framework, count in combinations["by_framework"].items()
    )
    return Text.assemble(
        (f"{combinations['total']} valid combinations", "bold"), f" ({per_framework})"
    )
