"""The scaffold command line as a whole: version, usage errors, error lines and exit codes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from scaffold import __version__, cli
from scaffold.cli import options_command
from scaffold.errors import Cancelled


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--version"]) == 0
    assert capsys.readouterr().out == f"scaffold {__version__}\n"


def test_python_dash_m_runs_the_cli() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "scaffold", "--version"],
        capture_output=True,
        text=True,
        check=False,
    )

    assert (done.returncode, done.stdout) == (0, f"scaffold {__version__}\n")


def test_errors_are_one_line_on_stderr(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "missing" / ("deep" * 30)

    assert cli.main(["options", "--template", str(missing)]) == 1
    captured = capsys.readouterr()

    assert captured.out == ""
    assert captured.err == f"Error: No scaffold template (copier.yml) found in {missing}\n"


def test_cancelling_exits_130(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def interrupted(*_: object) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(options_command, "run", interrupted)

    assert cli.main(["options"]) == Cancelled.exit_code == 130
    assert capsys.readouterr().err == "Error: Cancelled: nothing was written.\n"


@pytest.mark.parametrize("argv", [[], ["bogus"], ["options", "--bogus"]])
def test_usage_errors_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(argv) == 2
    captured = capsys.readouterr()

    assert captured.out == ""
    assert "usage: scaffold" in captured.err
