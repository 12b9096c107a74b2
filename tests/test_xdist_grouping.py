"""The harness's promise that one combination's tests run on one worker (`--dist loadgroup`).

Matrix, contract and serverless tests of a combination share its render through an xdist group;
if the groups were lost (as with pytest 9.2, see pyproject.toml), every worker would render the
combination again. This runs a tiny grouped suite on two workers and reads where each test ran.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

GROUPED_TESTS = """\
import pytest

@pytest.mark.xdist_group(name="one_combination")
@pytest.mark.parametrize("n", range(6))
def test_grouped(n):
    pass
"""


def test_tests_of_one_group_run_on_one_worker(tmp_path: Path) -> None:
    (tmp_path / "test_grouped.py").write_text(GROUPED_TESTS)
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-n", "2", "--dist", "loadgroup", "-v"]
        + ["-p", "no:cacheprovider", str(tmp_path)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    workers = set(re.findall(r"\[(gw\d)\] .*PASSED", result.stdout))
    assert len(workers) == 1, f"the group was split over {sorted(workers)}:\n{result.stdout}"
    assert "test_grouped.py::test_grouped[0]@one_combination" in result.stdout
