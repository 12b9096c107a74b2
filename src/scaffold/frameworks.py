"""The one registry of the frameworks scaffold knows: copier.yml's values and their names."""

from __future__ import annotations

from enum import StrEnum

__all__ = ["FRAMEWORK", "Framework", "display_name"]

FRAMEWORK = "framework"
"""copier.yml's question that picks the template folder (`templates/{{ framework }}`)."""


class Framework(StrEnum):
    """A framework; the values equal copier.yml's framework choices, in the same order."""

    DJANGO = "django"
    FLASK = "flask"
    FASTAPI = "fastapi"
    TORNADO = "tornado"
    PYRAMID = "pyramid"

    @property
    def display_name(self) -> str:
        """Return the framework's name as its project spells it."""
        return _NAMES[self]


_NAMES = {
    Framework.DJANGO: "Django",
    Framework.FLASK: "Flask",
    Framework.FASTAPI: "FastAPI",
    Framework.TORNADO: "Tornado",
    Framework.PYRAMID: "Pyramid",
}


def display_name(value: str) -> str:
    """Return a framework's name as its project spells it, or `value` for one scaffold lacks."""
    try:
        return Framework(value).display_name
    except ValueError:
        return value
