"""Static analysis: bandit finds nothing in any generated project, at any severity.

bandit runs the way the project's own README and CI would run it: from the project root, with the
`[tool.bandit]` table of its own pyproject.toml. The check also proves that the configuration
does not hide code: every Python file outside tests/ is scanned, and any `# nosec` names the
test it silences.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.support.combinations import combinations

pytestmark = pytest.mark.slow
BANDIT = [sys.executable, "-m", "bandit"]
# A `# nosec` must name the bandit test it silences (e.g. `# nosec B608`), never all of them.
BLANKET_NOSEC = re.compile(r"#\s*nosec(?!\s+B\d{3})", re.IGNORECASE)


def application_files(project: Path) -> set[str]:
    """The project's Python files that are not tests."""
    return {
        path.relative_to(project).as_posix()
        for path in project.rglob("*.py")
        if not {"tests", ".venv", "__pycache__"} & set(path.relative_to(project).parts)
    }


@pytest.mark.parametrize("combination", combinations())
def test_bandit_finds_nothing(
    combination: dict[str, Any], render: Callable[[dict[str, Any]], Path]
) -> None:
    project = render(combination)
    # The project's own command (`bandit -c pyproject.toml -r . -q`), with a report to read.
    report = subprocess.run(
        [*BANDIT, "-c", "pyproject.toml", "-r", ".", "-q", "-f", "json"],
        cwd=project, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    result = json.loads(report.stdout)
    assert result["results"] == [], json.dumps(result["results"], indent=2)
    assert result["errors"] == [], result["errors"]
    assert report.returncode == 0, report.stderr
    scanned = {name.removeprefix("./") for name in result["metrics"] if name != "_totals"}
    assert application_files(project) - scanned == set(), "files bandit did not scan"
    blanket = [
        f"{name}:{number}"
        for name in sorted(application_files(project))
        for number, line in enumerate((project / name).read_text().splitlines(), 1)
        if BLANKET_NOSEC.search(line)
    ]
    assert not blanket, f"a `# nosec` without a test id: {blanket}"
