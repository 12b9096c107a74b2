"""``scaffold new``: generate a project, with the wizard or from flags with ``--no-input``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.text import Text

from scaffold import answers as answers_module
from scaffold import git, install, render
from scaffold.cli import views
from scaffold.cli.arguments import (
    Commands,
    add_command,
    add_data_argument,
    add_need_argument,
    given_answers,
    given_needs,
)
from scaffold.errors import Cancelled, InstallError, NotInteractive, ScaffoldError, UserError
from scaffold.frameworks import FRAMEWORK, display_name
from scaffold.needs import Recommendation
from scaffold.questionnaire import ChoiceState, format_answer, load
from scaffold.sources import open_template

__all__ = ["add_parser", "is_interactive", "run"]

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
            # No argparse `choices`: the template rendered (--template, --vcs-ref) decides, and
            # refuses with copier.yml's own reason.
            values = [format_answer(choice.value) for choice in question.choices]
            group.add_argument(
                *flags,
                dest=f"q_{question.name}",
                default=None,
                help=help_text,
                metavar="{" + ",".join(values) + "}" if values else question.name.upper(),
            )


def add_parser(commands: Commands, help_line: str) -> None:
    """Add the ``new`` command: fixed options, then a flag per copier.yml question."""
    parser = add_command(
        commands,
        "new",
        help=help_line,
        description=(
            "Generate a project. The wizard asks what you are building, recommends a framework "
            "with the reasons, asks the options that apply, shows a summary, renders, makes a "
            "first git commit and prints the next steps."
        ),
        epilog=_NEW_EXAMPLES + "\nneeds:\n" + views.needs_help(),
    )
    parser.add_argument(
        "dest",
        nargs="?",
        type=Path,
        metavar="DEST",
        help="the project folder (default: asked, or ./<project_slug> with --no-input)",
    )
    add_need_argument(parser, required=False)
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
    add_data_argument(parser)
    _add_question_flags(parser)
    parser.set_defaults(handler=run)


def is_interactive() -> bool:
    """Tell whether there is a terminal to ask questions on."""
    return sys.stdin.isatty() and sys.stdout.isatty()


def run(args: argparse.Namespace, out: Console) -> int:
    """Ask or take the answers, render into place, commit, install, and print the next steps."""
    given = given_answers(args)
    needs = given_needs(args.need)
    if not args.no_input and not is_interactive():
        raise NotInteractive()
    dest: Path | None = args.dest
    if dest is not None and (problem := render.destination_problem(dest, force=args.force)):
        raise problem
    asker: answers_module.Asker
    if args.no_input:
        asker = _Shown(out)
    else:
        from scaffold.cli.wizard import Wizard

        asker = Wizard(out)
    with open_template(args.template, vcs_ref=args.vcs_ref) as source:
        questionnaire = source.questionnaire
        notes: list[str] = []
        if not source.updatable:
            notes.append(
                f"{source.location} is not a git repository: copier update will not be "
                "able to update this project"
            )
        if args.no_input:
            walked = answers_module.walk(questionnaire, given, needs=needs, asker=asker)
            dest = dest or Path(str(walked.answers.get("project_slug") or "project"))
            install_now = bool(args.install)
        else:
            from scaffold.cli.wizard import finish

            walked = answers_module.walk(
                questionnaire, given, needs=needs if args.need else None, asker=asker
            )
            dest, install_now = finish(
                questionnaire,
                walked.answers,
                console=out,
                dest=dest,
                install=args.install,
                destination_problem=lambda path: render.destination_problem(path, force=args.force),
            )
        notes += walked.notes
        answers = walked.answers
        dest = dest.expanduser().absolute()
        use_git = not args.no_git
        if use_git and (repository := git.enclosing_repository(dest.parent)) is not None:
            use_git = False
            notes.append(
                f"{dest} is inside the git repository {repository}: add and commit the "
                "project there (copier update needs it committed)"
            )
        author = (str(answers.get("author_name", "")), str(answers.get("author_email", "")))

        def prepare(staged: Path) -> None:
            if (note := install.lock_dependencies(staged)) is not None:
                notes.append(note)
            if use_git:
                git.init_repository(staged)
                git.commit_all(staged, message="Generate the project with scaffold", author=author)

        with out.status(f"Rendering {answers.get(FRAMEWORK, 'the')} project into {dest} ..."):
            rendered = render.generate(
                answers, dest, source=source, force=args.force, trust=args.trust, prepare=prepare
            )
    for note in (*rendered.notes, *notes):
        out.print(Text(f"Note: {note}", style="yellow"), soft_wrap=True)
    framework = display_name(str(rendered.answers.get(FRAMEWORK, "")))
    done = Text.assemble(("Created ", "bold green"), f"{framework} project in {dest}")
    if use_git:
        done.append(" (git repository with a first commit)")
    out.print(done, soft_wrap=True)
    if install_now:
        _install(dest, out)
    steps = views.next_steps(dest, cwd=Path.cwd(), installed=install_now)
    out.print(views.steps_text(steps), soft_wrap=True)
    return 0


class _Shown(answers_module.Asker):
    """Asks nothing (--no-input), but shows the recommendation made from the needs given."""

    def __init__(self, out: Console) -> None:
        self.out = out

    def recommended(
        self, recommendation: Recommendation, frameworks: Sequence[ChoiceState]
    ) -> None:
        if recommendation.needs:
            report = views.recommendation_report(recommendation, frameworks)
            self.out.print(views.recommendation_table(report))


def _install(dest: Path, out: Console) -> None:
    """Create the project's .venv and install into it, with a progress line."""
    columns = (SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
    try:
        with Progress(*columns, console=out, transient=True) as progress:
            task = progress.add_task("Installing", total=None)
            install.install_dependencies(
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
