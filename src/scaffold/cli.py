"""The ``scaffold`` command line: the only place that prints errors and picks exit codes."""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeAlias

from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.text import Text
from rich.tree import Tree

from scaffold import __version__, project, render, views, wizard
from scaffold import plan as plan_module
from scaffold.errors import Cancelled, InstallError, NotInteractive, ScaffoldError, UserError
from scaffold.options import FRAMEWORK, Questionnaire, load
from scaffold.plan import framework_name
from scaffold.rules import parse_needs, recommend
from scaffold.wizard import NON_INTERACTIVE_HINT

__all__ = ["main"]

_Handler = Callable[[argparse.Namespace, Console], int]
_Commands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


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
        epilog="examples:\n  scaffold new                      the wizard\n"
        "  scaffold recommend --need realtime\n"
        "  scaffold new api --no-input --framework fastapi\n"
        "  scaffold update && scaffold check\n\n`scaffold COMMAND --help` for each command.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"scaffold {__version__}")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", required=True)
    for add_command in _COMMANDS:
        add_command(commands)
    return parser


def _wrap(text: str) -> str:
    """Wrap a description by hand: RawDescriptionHelpFormatter keeps the examples' layout."""
    return textwrap.fill(text, width=88)


def _print_error(message: str) -> None:
    """Print one line on stderr: no traceback, no wrapping."""
    line = " ".join(part.strip() for part in message.splitlines())
    Console(stderr=True, highlight=False).print(
        Text.assemble(("Error: ", "bold red"), line), soft_wrap=True
    )


# scaffold options --------------------------------------------------------------------------------


def _add_options_command(commands: _Commands) -> None:
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


# scaffold recommend ------------------------------------------------------------------------------


def _add_recommend_command(commands: _Commands) -> None:
    parser = commands.add_parser(
        "recommend",
        help="rank the frameworks for what you are building, with the reasons",
        description=_wrap(
            "Rank the frameworks for your needs with the selection rules, say why, and suggest "
            "options."
        ),
        epilog="needs:\n"
        + views.needs_help()
        + "\n\nexamples:\n  scaffold recommend --need realtime\n"
        "  scaffold recommend --need api --need ml --need team:flask --json",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_need_argument(parser, required=True)
    parser.add_argument("--json", action="store_true", help="print stable, sorted-keys JSON")
    parser.set_defaults(handler=_recommend_command)


def _add_need_argument(parser: argparse.ArgumentParser, *, required: bool) -> None:
    parser.add_argument(
        "--need",
        action="append",
        metavar="NEED",
        required=required,
        default=None,
        help="what the project needs (repeat, or separate with commas); see the list below",
    )


def _needs(values: Sequence[str] | None) -> tuple[str, ...]:
    """Split ``--need a,b --need c`` and check every need against the vocabulary."""
    words = [word for value in values or () for word in value.split(",") if word.strip()]
    return parse_needs(words)


def _recommend_command(args: argparse.Namespace, out: Console) -> int:
    """Print the ranking, as a table or as JSON."""
    recommendation = recommend(_needs(args.need))
    report = views.recommendation_report(recommendation, load().choices(FRAMEWORK))
    if args.json:
        sys.stdout.write(json.dumps(report, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
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


# scaffold new ------------------------------------------------------------------------------------

_NEW_EXAMPLES = """\
examples:
  scaffold new                                  the wizard: needs, recommendation, options
  scaffold new shop --need web-app --need admin the wizard, with the needs already given
  scaffold new shop --no-input --framework fastapi --database postgresql --auth jwt
  scaffold new api --no-input --need api --need validation --name "Orders API"
  scaffold new shop --template https://github.com/you/scaffold.git --vcs-ref v0.2.0

Without --no-input and without a terminal, scaffold stops and says how to run non-interactively.
The project is rendered into a temporary folder beside DEST and moved into place when complete.
"""


def _flag(name: str) -> str:
    return "--" + name.replace("_", "-")


def _add_question_flags(parser: argparse.ArgumentParser) -> None:
    """Add one flag per copier.yml question: text and choices take a value, bools are on/off."""
    group = parser.add_argument_group("answers (from copier.yml; missing ones are asked)")
    try:
        questionnaire = load()
    except ScaffoldError:
        return  # no template to read flags from: `-d KEY=VALUE` still works
    for question in questionnaire.questions:
        if question.ask is False:
            continue
        flags = [_flag(question.name)]
        if question.name == "project_name":
            flags.insert(0, "--name")
        if question.name.startswith("use_"):
            flags.append(_flag(question.name.removeprefix("use_")))
        help_text = question.help.replace("%", "%%") or question.name
        if question.type == "bool":
            group.add_argument(
                *flags,
                dest=f"q_{question.name}",
                action=argparse.BooleanOptionalAction,
                default=None,
                help=help_text,
            )
        else:
            values = [str(choice.value) for choice in question.choices] or None
            group.add_argument(
                *flags,
                dest=f"q_{question.name}",
                choices=values,
                default=None,
                help=help_text,
                metavar=None if values else question.name.split("_")[-1].upper(),
            )


def _add_data_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-d",
        "--data",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="answer any copier.yml question, as `copier -d` does (repeatable)",
    )


def _given(args: argparse.Namespace) -> dict[str, Any]:
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


def _add_new_command(commands: _Commands) -> None:
    parser = commands.add_parser(
        "new",
        help="generate a project: a wizard, or flags with --no-input",
        description=_wrap(
            "Generate a project. The wizard asks what you are building, recommends a framework "
            "with the reasons, asks the options that apply, shows a summary, renders, makes a "
            "first git commit and prints the next steps."
        ),
        epilog=_NEW_EXAMPLES + "\nneeds:\n" + views.needs_help(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "dest",
        nargs="?",
        type=Path,
        metavar="DEST",
        help="the project folder (default: asked, or ./<project_slug> with --no-input)",
    )
    _add_need_argument(parser, required=False)
    parser.add_argument(
        "--no-input",
        action="store_true",
        help="ask nothing: missing answers take the recommendation, then copier.yml's defaults",
    )
    parser.add_argument(
        "--install",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="create .venv and install the project's dependencies (default: "
        "asked; off with --no-input)",
    )
    parser.add_argument(
        "--no-git",
        action="store_true",
        help="skip `git init` and the first commit (copier update needs git)",
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="render into a folder that is not empty (same-name files overwritten)",
    )
    parser.add_argument(
        "--template",
        metavar="SRC",
        help="template path or git URL (default: scaffold's own template, offline)",
    )
    parser.add_argument(
        "--vcs-ref",
        metavar="REF",
        help="template git ref to render (default: "
        "its newest release tag; HEAD renders the working tree)",
    )
    parser.add_argument(
        "--trust",
        action="store_true",
        help="allow a template that runs commands (Copier's --trust)",
    )
    _add_data_argument(parser)
    _add_question_flags(parser)
    parser.set_defaults(handler=_new_command)


def _is_interactive() -> bool:
    """Tell whether there is a terminal to ask questions on."""
    return sys.stdin.isatty() and sys.stdout.isatty()


def _new_command(args: argparse.Namespace, out: Console) -> int:
    """Ask or take the answers, render into place, commit, install, and print the next steps."""
    given = _given(args)
    needs = _needs(args.need)
    if not args.no_input and not _is_interactive():
        raise NotInteractive(hint=NON_INTERACTIVE_HINT)
    dest: Path | None = args.dest
    if dest is not None and (problem := render.destination_problem(dest, force=args.force)):
        raise UserError(problem)
    with render.open_template(args.template, vcs_ref=args.vcs_ref) as source:
        questionnaire = source.questionnaire
        for name in given:
            questionnaire.question(name)  # an unknown name fails here, before anything is asked
        notes: list[str] = []
        if not source.updatable:
            notes.append(
                f"{source.location} is not a git repository: copier update will not be "
                "able to update this project"
            )
        if args.no_input:
            answers, notes_from_plan = _answers_without_prompts(questionnaire, given, needs, out)
            notes += notes_from_plan
            dest = dest or Path(str(answers.get("project_slug") or "project"))
            install = bool(args.install)
        else:
            result = wizard.run(
                questionnaire,
                console=out,
                given=given,
                needs=needs if args.need else None,
                dest=dest,
                install=args.install,
                destination_problem=lambda path: render.destination_problem(path, force=args.force),
            )
            answers, dest, install = result.answers, result.dest, result.install
        dest = dest.expanduser().absolute()
        git = not args.no_git
        if git and (repository := project.git_toplevel(_existing_parent(dest))) is not None:
            git = False
            notes.append(
                f"{dest} is inside the git repository {repository}: add and commit the "
                "project there (copier update needs it committed)"
            )
        author = (str(answers.get("author_name", "")), str(answers.get("author_email", "")))

        def prepare(staged: Path) -> None:
            if git:
                project.init_repository(staged)
                project.commit_all(
                    staged, message="Generate the project with scaffold", author=author
                )

        with out.status(f"Rendering {answers.get(FRAMEWORK, 'the')} project into {dest} ..."):
            rendered = render.generate(
                answers, dest, source=source, force=args.force, trust=args.trust, prepare=prepare
            )
    for note in (*rendered.notes, *notes):
        out.print(Text(f"Note: {note}", style="yellow"), soft_wrap=True)
    framework = framework_name(str(rendered.answers.get(FRAMEWORK, "")))
    done = Text.assemble(("Created ", "bold green"), f"{framework} project in {dest}")
    if git:
        done.append(" (git repository with a first commit)")
    out.print(done, soft_wrap=True)
    if install:
        _install(dest, out)
    steps = views.next_steps(
        dest, cwd=Path.cwd(), installed=install, procfile=views.read_procfile(dest)
    )
    out.print(views.steps_text(steps), soft_wrap=True)
    return 0


def _existing_parent(path: Path) -> Path:
    """Return `path`, or its nearest parent that exists."""
    return next(candidate for candidate in (path, *path.parents) if candidate.exists())


def _answers_without_prompts(
    questionnaire: Questionnaire, given: dict[str, Any], needs: tuple[str, ...], out: Console
) -> tuple[dict[str, Any], list[str]]:
    """Complete the answers from flags, the needs' recommendation and the defaults."""
    recommendation = recommend(needs)
    if needs:
        frameworks = questionnaire.choices(FRAMEWORK)
        report = views.recommendation_report(recommendation, frameworks)
        out.print(views.recommendation_table(report))
    asks_framework = any(question.name == FRAMEWORK for question in questionnaire.questions)
    if asks_framework and FRAMEWORK not in given:
        pick = plan_module.pick_framework(questionnaire, recommendation)
        if pick.fallback and pick.best is not None:
            best = pick.best.framework.display_name
            raise UserError(
                f"{best} fits these needs best ({'; '.join(pick.best.reasons)}), but "
                f"{pick.unavailable_reason}. Nothing was rendered: the next best available is "
                f"{framework_name(pick.framework)}; pass --framework {pick.framework} to use it"
            )
        given = {**given, FRAMEWORK: pick.framework}
    return plan_module.complete(questionnaire, given, recommendation=recommendation)


def _install(dest: Path, out: Console) -> None:
    """Create the project's .venv and install into it, with a progress line."""
    columns = (SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
    try:
        with Progress(*columns, console=out, transient=True) as progress:
            task = progress.add_task("Installing", total=None)
            project.install_dependencies(
                dest, progress=lambda line: progress.update(task, description=line[:100])
            )
    except KeyboardInterrupt:
        raise Cancelled(
            message=f"Cancelled: the project is in {dest}; its dependencies were not installed."
        ) from None
    except InstallError as error:
        raise UserError(
            f"The project is in {dest}, but installing its dependencies failed: {error.reason}"
        ) from error
    out.print(Text.assemble(("Installed ", "bold green"), "the project into .venv"))


# scaffold update / check -------------------------------------------------------------------------


def _add_update_command(commands: _Commands) -> None:
    parser = commands.add_parser(
        "update",
        help="bring a project up to its template's newest release (copier update)",
        description=_wrap(
            "Run `copier update` on a generated project: the template's changes arrive, your "
            "edits stay, real conflicts are marked in the files. The project must be a git "
            "repository with everything committed. Exit 0 when done, 1 when conflicts are left "
            "for you to resolve or the update could not run."
        ),
        epilog="examples:\n  scaffold update\n  scaffold update path/to/project --vcs-ref v0.2.0\n"
        "  scaffold update -d auth=jwt -d api_docs=true     change answers: adds what they need",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "path",
        nargs="?",
        type=Path,
        default=Path(),
        metavar="PATH",
        help="the project (default: the current folder)",
    )
    _add_data_argument(parser)
    parser.add_argument(
        "--vcs-ref",
        metavar="REF",
        help="template git ref to update to (default: its newest release tag)",
    )
    parser.add_argument(
        "--conflict",
        choices=["inline", "rej"],
        default="inline",
        help="mark conflicts inline in the files (default) or in .rej files",
    )
    parser.add_argument(
        "--trust",
        action="store_true",
        help="allow another template's migrations to run (scaffold's own template is trusted)",
    )
    parser.set_defaults(handler=_update_command)


_CHANGE_WORDS = {"M": "changed", "A": "added", "D": "deleted", "R": "renamed", "?": "added"}


def _update_command(args: argparse.Namespace, out: Console) -> int:
    """Update, then say what changed, what conflicts, and what to do next."""
    data = _given(args)
    try:
        with out.status(f"Updating {args.path.resolve()} ..."):
            report = render.update(
                args.path, data=data, vcs_ref=args.vcs_ref, conflict=args.conflict, trust=args.trust
            )
    except KeyboardInterrupt:
        raise Cancelled(message="Cancelled: the project is as it was before the update.") from None
    if not report.changes:
        out.print(f"Already up to date with {report.new_commit}: nothing changed.")
        return 0
    out.print(
        Text.assemble(
            ("Updated ", "bold green"),
            f"{report.path} from {report.old_commit} to {report.new_commit}",
        ),
        soft_wrap=True,
    )
    for change in report.changes:
        if change.path in report.conflicts:
            out.print(Text(f"  conflict  {change.path}", style="bold red"))
        else:
            code = change.code.strip()[:1]
            out.print(f"  {_CHANGE_WORDS.get(code, code):<9} {change.path}")
    steps: list[views.Step] = []
    if report.conflicts:
        steps.append(
            views.Step(
                "Resolve the conflicts: keep what you want between the "
                "<<<<<<< and >>>>>>> markers, then stage the files",
                "git add " + " ".join(report.conflicts),
            )
        )
    if report.rejects:
        steps.append(
            views.Step(
                "Apply the rejected hunks by hand, then delete the .rej files",
                "rm " + " ".join(report.rejects),
            )
        )
    steps.append(views.Step("Review the changes", "git diff HEAD"))
    if any(change.path == ".env.example" for change in report.changes):
        steps.append(
            views.Step(
                ".env is never overwritten: copy new settings from .env.example",
                "diff .env .env.example",
            )
        )
    procfile = views.read_procfile(report.path)
    if "release" in procfile:
        steps.append(views.Step("Apply new database migrations", procfile["release"]))
    steps.append(views.Step("Run the tests", "python -m pytest"))
    commit = f'git add -A && git commit -m "Update to template {report.new_commit}"'
    steps.append(views.Step("Commit the update", commit))
    out.print(views.steps_text(steps), soft_wrap=True)
    return 1 if report.conflicts or report.rejects else 0


def _add_check_command(commands: _Commands) -> None:
    parser = commands.add_parser(
        "check",
        help="tell whether a newer template version exists (exit 1), for CI",
        description=_wrap(
            "Compare the template version a project was generated or last updated from with the "
            "newest release of its template. Exit 0 when up to date, 1 when a newer version "
            "exists, 2 on error."
        ),
        epilog="example (CI):\n  scaffold check || echo 'run scaffold update'",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "path",
        nargs="?",
        type=Path,
        default=Path(),
        metavar="PATH",
        help="the project (default: the current folder)",
    )
    parser.add_argument("--json", action="store_true", help="print stable, sorted-keys JSON")
    parser.set_defaults(handler=_check_command)


def _check_command(args: argparse.Namespace, out: Console) -> int:
    """Exit 0 when up to date, 1 when a newer release exists, 2 when it cannot tell."""
    try:
        report = render.check(args.path.resolve())
    except ScaffoldError as error:
        _print_error(str(error))
        return 2
    if args.json:
        payload = {
            "source": report.source,
            "current": report.current,
            "latest": report.latest,
            "outdated": report.outdated,
        }
        sys.stdout.write(json.dumps(payload, indent=2, sort_keys=True) + "\n")
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


_COMMANDS: tuple[Callable[[_Commands], None], ...] = (
    _add_new_command,
    _add_recommend_command,
    _add_options_command,
    _add_update_command,
    _add_check_command,
)
