"""Errors raised by scaffold; ``cli.main`` turns them into one line on stderr and an exit code."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import ClassVar

__all__ = [
    "Cancelled",
    "InstallError",
    "InvalidAnswer",
    "InvalidTemplate",
    "NotInteractive",
    "RenderError",
    "ScaffoldError",
    "TemplateNotFound",
    "UnknownNeed",
    "UnknownQuestion",
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

    def __init__(self, *, hint: str) -> None:
        super().__init__(f"Cannot ask questions without a terminal: {hint}")
        self.hint = hint


class RenderError(ScaffoldError):
    """Copier failed to render or update a project."""

    def __init__(self, *, reason: str) -> None:
        super().__init__(f"Rendering failed: {reason}")
        self.reason = reason


class InstallError(ScaffoldError):
    """Installing a project's dependencies into its .venv failed."""

    def __init__(self, *, reason: str) -> None:
        super().__init__(f"Installing the dependencies failed: {reason}")
        self.reason = reason


class UpdateError(UserError):
    """A project cannot be updated or checked: not a Copier project, dirty, unreachable source."""

    def __init__(self, *, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
