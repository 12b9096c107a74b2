"""Every valid combination renders exactly its files, with no template syntax left, lint-clean."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.support.combinations import combinations, enabled_frameworks, fullest_combinations
from tests.support.frameworks import FRAMEWORKS, framework
from tests.support.manifests import expected_files

pytestmark = pytest.mark.slow
Render = Callable[[dict[str, Any]], Path]
RUFF = [sys.executable, "-m", "ruff"]
# Template syntax that must not survive rendering. GitHub Actions' own ${{ }} is allowed, and so
# are CloudFormation's dynamic references, {{resolve:...}}.
LEFTOVER = re.compile(r"\{%|%\}|\{#|#\}|(?<!\$)\{\{(?!resolve:)")


def project_files(project: Path) -> set[str]:
    return {
        path.relative_to(project).as_posix()
        for path in project.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and ".pytest_cache" not in path.parts
    }


def test_every_enabled_framework_has_a_harness_entry() -> None:
    assert set(enabled_frameworks()) <= set(FRAMEWORKS)


# What differs between two renders of one combination: the secret each draws, and the commit
# Copier makes of a checkout's uncommitted changes (in a clean clone, both are HEAD's).
PER_RENDER = re.compile(r"(?m)^(SECRET_KEY=|_commit: ).*$")


def contents(project: Path) -> dict[str, str]:
    """Each file of a fresh render and its text, what differs per render masked."""
    return {
        name: PER_RENDER.sub(r"\1*", (project / name).read_text(encoding="utf-8"))
        for name in project_files(project)
    }


@pytest.mark.parametrize("combination", fullest_combinations())
def test_copier_copy_renders_what_scaffold_renders(
    combination: dict[str, Any], render: Render, copie: Any
) -> None:
    """The other tests check scaffold's renders (Copier with its compiled templates kept); plain
    `copier copy` must give the same files. Once per framework: both run every file of the
    framework's fullest combination through the same Copier."""
    result = copie.copy(extra_answers=combination)
    assert result.exit_code == 0, result.exception
    assert contents(result.project_dir) == contents(render(combination))


@pytest.mark.parametrize("combination", combinations())
def test_renders_exactly_the_expected_files(combination: dict[str, Any], render: Render) -> None:
    project = render(combination)
    # Nothing else either: the project's own suite (run on this render) writes nowhere in it.
    files = project_files(project)
    expected = expected_files(combination)
    assert files - expected == set(), "unexpected files"
    assert expected - files == set(), "missing files"


@pytest.mark.parametrize("combination", combinations())
def test_no_template_syntax_is_left(combination: dict[str, Any], render: Render) -> None:
    project = render(combination)
    leftovers = []
    # The app's own run-time templates (HTML pages, Alembic's) legitimately hold {{ }}.
    runtime_templates = framework(combination["framework"]).runtime_templates
    for name in sorted(project_files(project)):
        path = project / name
        if path.suffix in runtime_templates:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if LEFTOVER.search(line):
                leftovers.append(f"{name}:{number}: {line.strip()}")
    assert not leftovers, "\n".join(leftovers)


@pytest.mark.parametrize("combination", combinations())
def test_answers_file_records_the_answers_and_no_secret(
    combination: dict[str, Any], render: Render
) -> None:
    answers = (render(combination) / ".copier-answers.yml").read_text()
    for key, value in combination.items():
        assert f"{key}: {str(value).lower() if isinstance(value, bool) else value}" in answers
    # A SECRET_KEY only where the project uses one; then long enough for production (>= 50).
    for line in (render(combination) / ".env").read_text().splitlines():
        if line.startswith("SECRET_KEY="):
            secret = line.split("=", 1)[1]
            assert len(secret) >= 50
            assert secret not in answers


@pytest.mark.parametrize("combination", combinations())
def test_ruff_is_clean(combination: dict[str, Any], render: Render) -> None:
    project = render(combination)
    for command in (["check", "--no-cache", "."], ["format", "--check", "--no-cache", "."]):
        result = subprocess.run(
            [*RUFF, *command], cwd=project, capture_output=True, text=True, check=False
        )
        assert result.returncode == 0, result.stdout + result.stderr
