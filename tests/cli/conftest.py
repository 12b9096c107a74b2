"""Fixtures of the command-line tests: a project generated from the tiny template."""

from __future__ import annotations

from pathlib import Path

import pytest

from scaffold import cli
from tests.support.template_repo import tiny_template


@pytest.fixture
def tiny_project(tmp_path: Path) -> tuple[Path, Path]:
    template = tiny_template(tmp_path / "template")
    assert cli.main(["new", str(tmp_path / "shop"), "--no-input", "--template", str(template),
                     "-d", "name=shop"]) == 0  # fmt: skip
    return template, tmp_path / "shop"
