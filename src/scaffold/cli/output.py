"""Output several commands share: an error line on stderr, JSON on stdout."""

from __future__ import annotations

import json
import sys
from typing import Any

from rich.console import Console
from rich.text import Text

__all__ = ["print_error", "print_json"]


def print_error(message: str) -> None:
    """Print one line on stderr: no traceback, no wrapping."""
    line = " ".join(part.strip() for part in message.splitlines())
    Console(stderr=True, highlight=False).print(
        Text.assemble(("Error: ", "bold red"), line), soft_wrap=True
    )


def print_json(data: Any, *, ensure_ascii: bool = False) -> None:
    """Write `data` on stdout as stable JSON: indented, keys sorted, then a newline."""
    sys.stdout.write(json.dumps(data, indent=2, sort_keys=True, ensure_ascii=ensure_ascii) + "\n")
