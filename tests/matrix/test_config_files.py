"""Every combination's CI workflow, Dependabot file, compose file, Dockerfile and SAM template
pass their offline validators."""

from __future__ import annotations

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


def validate(*command: str | Path, file: Path) -> None:
    """Run a validator on a file; content already found valid by the same command is skipped
    (many combinations render the same workflow or template)."""
    key = (" ".join(map(str, command)), file.read_bytes())
    if key in _VALID:
        return
    result = subprocess.run(
        [*map(str, command), file.name], cwd=file.parent, capture_output=True, text=True,
        check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    _VALID.add(key)


@pytest.mark.parametrize("combination", combinations())
def test_ci_workflow_is_a_valid_github_workflow(
    combination: dict[str, Any], render: Render
) -> None:
    workflow = render(combination) / ".github" / "workflows" / "ci.yml"
    validate(BIN / "check-jsonschema", "--builtin-schema", "vendor.github-workflows", file=workflow)


@pytest.mark.parametrize("combination", combinations())
def test_dependabot_file_is_valid(combination: dict[str, Any], render: Render) -> None:
    dependabot = render(combination) / ".github" / "dependabot.yml"
    validate(BIN / "check-jsonschema", "--builtin-schema", "vendor.dependabot", file=dependabot)


@pytest.mark.parametrize("combination", combinations())
def test_dockerfile_passes_hadolint(combination: dict[str, Any], render: Render) -> None:
    # Every rule, warnings and style included: the image is built the way its linter wants.
    validate(
        BIN / "hadolint", "--failure-threshold", "style", file=render(combination) / "Dockerfile"
    )


@pytest.mark.parametrize("combination", combinations(lambda c: c["database"] == "postgresql"))
def test_compose_file_is_valid(combination: dict[str, Any], render: Render) -> None:
    compose = render(combination) / "compose.yaml"
    validate(BIN / "check-jsonschema", "--builtin-schema", "vendor.compose-spec", file=compose)


@pytest.mark.parametrize("combination", combinations(lambda c: c["serverless"]))
def test_sam_template_passes_cfn_lint(combination: dict[str, Any], render: Render) -> None:
    validate(BIN / "cfn-lint", file=render(combination) / "template.yaml")
