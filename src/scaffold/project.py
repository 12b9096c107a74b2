"""Read a generated project: how it is installed, tested, migrated and run, in its own words.

The run and migrate commands are its Procfile's `web:` and `release:` lines; the install and
test commands are the first code block under its README's "Install" and "Test" headings. So
scaffold never states a project's commands itself: the template does, once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

__all__ = ["ProjectCommands", "read_commands", "read_procfile"]

_HEADING = re.compile(r"^#{1,6}\s+(?P<title>.+?)\s*#*\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")


@dataclass(frozen=True, slots=True)
class ProjectCommands:
    """The commands a project gives for each step; empty when it gives none."""

    install: tuple[str, ...] = ()
    test: tuple[str, ...] = ()
    migrate: str | None = None
    run: str | None = None


def read_commands(project: Path) -> ProjectCommands:
    """Read a project's commands from its Procfile and README.md."""
    procfile = read_procfile(project)
    blocks = _readme_blocks(project / "README.md")
    return ProjectCommands(
        install=blocks.get("install", ()),
        test=blocks.get("test", ())[:1],  # the suite; the lint line after it is CI's business
        migrate=procfile.get("release"),
        run=procfile.get("web"),
    )


def read_procfile(project: Path) -> dict[str, str]:
    """Read a project's Procfile: process type -> command (empty when there is none)."""
    try:
        lines = (project / "Procfile").read_text(encoding="utf-8").splitlines()
    except OSError:
        return {}
    processes = {}
    for line in lines:
        name, separator, command = line.partition(":")
        if separator and name.strip() and not name.lstrip().startswith("#"):
            processes[name.strip()] = command.strip()
    return processes


def _readme_blocks(readme: Path) -> dict[str, tuple[str, ...]]:
    """Return, per lower-cased heading, the lines of the first code block under it."""
    try:
        lines = readme.read_text(encoding="utf-8").splitlines()
    except OSError:
        return {}
    blocks: dict[str, tuple[str, ...]] = {}
    heading: str | None = None
    inside: list[str] | None = None
    for line in lines:
        if inside is not None:
            if _FENCE.match(line):
                if heading is not None:
                    blocks.setdefault(heading, tuple(inside))
                inside = None
            elif line.strip() and not line.lstrip().startswith("#"):
                inside.append(line.strip())
            continue
        if _FENCE.match(line):
            inside = []
        elif match := _HEADING.match(line):
            heading = match["title"].lower()
    return blocks
