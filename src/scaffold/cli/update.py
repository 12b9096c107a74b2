"""``scaffold update``: bring a project up to its template's newest release (copier update)."""

from __future__ import annotations

import argparse

from rich.console import Console
from rich.text import Text

from scaffold import render
from scaffold.cli import views
from scaffold.cli.arguments import (
    Commands,
    add_command,
    add_data_argument,
    add_path_argument,
    given_answers,
)
from scaffold.errors import Cancelled

__all__ = ["add_parser", "run"]

_CHANGE_WORDS = {"M": "changed", "A": "added", "D": "deleted", "R": "renamed", "?": "added"}


def add_parser(commands: Commands, help_line: str) -> None:
    """Add the ``update`` command."""
    parser = add_command(
        commands,
        "update",
        help=help_line,
        description=(
            "Run `copier update` on a generated project: the template's changes arrive, your "
            "edits stay, real conflicts are marked in the files. The project must be a git "
            "repository with everything committed. Exit 0 when done, 1 when conflicts are left "
            "for you to resolve or the update could not run."
        ),
        epilog="examples:\n  scaffold update\n  scaffold update path/to/project --vcs-ref v0.2.0\n"
        "  scaffold update -d auth=jwt -d api_docs=true     change answers: adds what they need",
    )
    add_path_argument(parser)
    add_data_argument(parser)
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
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, out: Console) -> int:
    """Update, then say what changed, what conflicts, and what to do next."""
    data = given_answers(args)
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
    steps += views.project_steps(report.path, migrate="Apply new database migrations")
    commit = f'git add -A && git commit -m "Update to template {report.new_commit}"'
    steps.append(views.Step("Commit the update", commit))
    out.print(views.steps_text(steps), soft_wrap=True)
    return 1 if report.conflicts or report.rejects else 0
