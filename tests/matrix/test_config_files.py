"""Every combination's CI workflow, Dependabot file, compose file, Dockerfile and SAM template
pass their offline validators."""

from __future__ import annotations

import contextlib
import io
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.support.combinations import combinations

pytestmark = pytest.mark.slow
Render = Callable[[dict[str, Any]], Path]
BIN = Path(sys.executable).parent


_VALID: set[tuple[str, bytes]] = set()


def validate(check: Callable[[Path], str | None], file: Path) -> None:
    """Run a validator on a file: it returns what it found wrong, or None. Content already found
    valid by the same validator is skipped (many combinations render the same file)."""
    key = (check.__name__, file.read_bytes())
    if key in _VALID:
        return
    problems = check(file)
    assert problems is None, problems
    _VALID.add(key)


def json_schema(builtin: str) -> Callable[[Path], str | None]:
    """check-jsonschema with one of its vendored schemas, in this process: its command line
    would cost an interpreter start and its imports for each file."""

    def check(file: Path) -> str | None:
        from check_jsonschema import main

        output = io.StringIO()
        with contextlib.redirect_stdout(output), contextlib.redirect_stderr(output):
            try:
                main(["--builtin-schema", builtin, str(file)])
            except SystemExit as stop:
                if stop.code == 0:
                    return None
        return output.getvalue() or "check-jsonschema failed"

    check.__name__ = f"check-jsonschema {builtin}"
    return check


def hadolint(file: Path) -> str | None:
    # Every rule, warnings and style included: the image is built the way its linter wants.
    result = subprocess.run(
        [str(BIN / "hadolint"), "--failure-threshold", "style", file.name],
        cwd=file.parent, capture_output=True, text=True, check=False,
    )  # fmt: skip
    return None if result.returncode == 0 else result.stdout + result.stderr


def cfn_lint(file: Path) -> str | None:
    """cfn-lint with its command line's defaults, in this process (its rules load once)."""
    from cfnlint.api import lint_file

    matches = lint_file(file)
    return "\n".join(map(str, matches)) if matches else None


@pytest.mark.parametrize("combination", combinations())
def test_ci_workflow_is_a_valid_github_workflow(
    combination: dict[str, Any], render: Render
) -> None:
    workflow = render(combination) / ".github" / "workflows" / "ci.yml"
    validate(json_schema("vendor.github-workflows"), workflow)


@pytest.mark.parametrize("combination", combinations())
def test_dependabot_file_is_valid(combination: dict[str, Any], render: Render) -> None:
    dependabot = render(combination) / ".github" / "dependabot.yml"
    validate(json_schema("vendor.dependabot"), dependabot)


@pytest.mark.parametrize("combination", combinations())
def test_dockerfile_passes_hadolint(combination: dict[str, Any], render: Render) -> None:
    validate(hadolint, render(combination) / "Dockerfile")


@pytest.mark.parametrize("combination", combinations(lambda c: c["database"] == "postgresql"))
def test_compose_file_is_valid(combination: dict[str, Any], render: Render) -> None:
    compose = render(combination) / "compose.yaml"
    validate(json_schema("vendor.compose-spec"), compose)


@pytest.mark.parametrize("combination", combinations(lambda c: c["serverless"]))
def test_sam_template_passes_cfn_lint(combination: dict[str, Any], render: Render) -> None:
    validate(cfn_lint, render(combination) / "template.yaml")
