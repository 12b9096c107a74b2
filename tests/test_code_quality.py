"""The generator holds itself to what it asks of the projects it makes: ruff and mypy --strict."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def run(*command: str | Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", *map(str, command)],
        cwd=REPO, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-8000:] + result.stderr[-4000:]


@pytest.mark.parametrize(
    "command",
    [["ruff", "check", "--no-cache", "."], ["ruff", "format", "--check", "--no-cache", "."]],
    ids=["ruff-check", "ruff-format"],
)
def test_ruff_is_clean(command: list[str]) -> None:
    run(*command)


def test_mypy_strict_is_clean(tmp_path: Path) -> None:
    # Strictness and files come from pyproject.toml; the cache stays out of the checkout.
    run("mypy", "--cache-dir", tmp_path / "mypy")
