"""Errors raised by scaffold; ``cli.main`` turns them into one line on stderr and an exit code.

The messages say what went wrong and what to do in words, never naming a command-line flag: the
command line adds its own hint for the errors it can offer a flag for.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from collections.abc import Iterable
    from pathlib import Path

__all__ = [
    "BestFitUnavailable",
    "Cancelled",
    "CheckFailed",
    "DestinationNotEmpty",
    "GitFailed",
    "InstallError",
    "InvalidAnswer",
    "InvalidTemplate",
    "NotInteractive",
    "RenderError",
    "ScaffoldError",
    "TemplateNotFound",
    "UnknownNeed",
    "UnknownQuestion",
    "UntrustedTemplate",
    "UpdateError",
    "UserError",
]


class ScaffoldError(Exception):
    """Base of every error scaffold raises on purpose."""

    exit_code: ClassVar[int] = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class UserError(ScaffoldError):
    """Something the user can fix: the message says what."""


class InvalidAnswer(UserError, ValueError):
    """An answer that copier.yml refuses."""

    def __init__(self, *, question: str, message: str) -> None:
        super().__init__(f"Invalid answer for '{question}': {message}")
        self.question = question
        self.reason = message


class UnknownQuestion(UserError, LookupError):
    """A question name that copier.yml does not define."""

    def __init__(self, *, name: str, known: Iterable[str]) -> None:
        super().__init__(f"Unknown question '{name}'; copier.yml asks: {', '.join(known)}")
        self.name = name


class UnknownNeed(UserError, LookupError):
    """A need that is not in the vocabulary of the selection rules."""

    def __init__(self, *, need: str, known: Iterable[str], suggestion: str | None = None) -> None:
        hint = f"did you mean '{suggestion}'? " if suggestion else ""
        super().__init__(f"Unknown need '{need}': {hint}Known needs: {', '.join(known)}")
        self.need = need
        self.suggestion = suggestion


class TemplateNotFound(UserError, FileNotFoundError):
    """No template (copier.yml and templates/) where one was expected."""

    def __init__(self, *, searched: Iterable[Path]) -> None:
        self.searched = tuple(searched)
        places = ", ".join(str(path) for path in self.searched)
        super().__init__(f"No scaffold template (copier.yml) found in {places}")


class InvalidTemplate(UserError, ValueError):
    """A copier.yml that cannot be read or evaluated."""

    def __init__(self, *, path: Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class Cancelled(ScaffoldError):
    """The user stopped scaffold (Ctrl-C); nothing was written unless `message` says otherwise."""

    exit_code: ClassVar[int] = 130

    def __init__(self, *, message: str = "Cancelled: nothing was written.") -> None:
        super().__init__(message)


class NotInteractive(UserError):
    """A question had to be asked but there is no terminal to ask it on."""

    def __init__(self) -> None:
        super().__init__("Cannot ask questions without a terminal")


class DestinationNotEmpty(UserError):
    """The destination folder holds files already."""

    def __init__(self, *, dest: Path) -> None:
        super().__init__(f"{dest} exists and is not empty: choose another folder")
        self.dest = dest


class BestFitUnavailable(UserError):
    """The needs point to a framework the template does not offer, and nobody was asked."""

    def __init__(
        self, *, best: str, reasons: Iterable[str], why: str, next_best: str, next_best_name: str
    ) -> None:
        super().__init__(
            f"{best} fits these needs best ({'; '.join(reasons)}), but {why}. Nothing was "
            f"rendered: the next best available is {next_best_name}"
        )
        self.next_best = next_best


class _Reasoned(ScaffoldError):
    """An error whose message is a fixed lead-in and a reason."""

    lead_in: ClassVar[str] = ""

    def __init__(self, *, reason: str) -> None:
        super().__init__(f"{self.lead_in}{reason}")
        self.reason = reason


class RenderError(_Reasoned):
    """Copier failed to render or update a project."""

    lead_in = "Rendering failed: "


class GitFailed(RenderError):
    """git failed while making the new project's repository."""


class InstallError(_Reasoned):
    """Installing a project's dependencies into its .venv failed."""

    lead_in = "Installing the dependencies failed: "


class UpdateError(_Reasoned, UserError):
    """A project cannot be updated or checked: not a Copier project, dirty, unreachable source."""


class UntrustedTemplate(UpdateError):
    """The template runs commands (tasks, migrations) and was not trusted to."""


class CheckFailed(UpdateError):
    """`scaffold check` could not tell whether a newer release exists (exit code 2, for CI)."""

    exit_code: ClassVar[int] = 2
