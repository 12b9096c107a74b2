"""The scaffold command line as a whole: version, usage errors, error lines and exit codes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from scaffold import __version__, cli
from scaffold.cli import options as options_command
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


def test_the_program_exits_with_the_code_after_every_exit_handler(tmp_path: Path) -> None:
    # `run` skips the interpreter's teardown: what was printed, the exit code and the exit
    # handlers registered while the command ran (a library's temporary folder) must survive it.
    leftover = tmp_path / "temporary"
    leftover.mkdir()
    program = (
        "import atexit, shutil, sys\n"
        "from scaffold import cli\n"
        "def command(argv=None):\n"
        f"    atexit.register(shutil.rmtree, {str(leftover)!r})\n"
        "    sys.stdout.write('done\\n' * 2000)\n"
        "    return 3\n"
        "cli.main = command\n"
        "cli.run()\n"
    )

    done = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, check=False
    )

    assert (done.returncode, done.stdout, done.stderr) == (3, "done\n" * 2000, "")
    assert not leftover.exists()


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


def test_version_and_help_load_no_command(tmp_path: Path) -> None:
    # Start-up pays only for the command that runs: no Copier, questionary or rich for these.
    probe = (
        "import sys; from scaffold import cli; cli.main(sys.argv[1:]); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'copier', 'questionary', 'rich', 'jinja2', 'yaml'} or m.startswith('scaffold.cli.')))"
    )
    for flag in ("--version", "--help"):
        done = subprocess.run([sys.executable, "-c", probe, flag], capture_output=True,
                              text=True, check=False, cwd=tmp_path)  # fmt: skip
        assert done.stdout.splitlines()[-1] == "[]", (flag, done.stdout, done.stderr)


def test_the_first_prompt_needs_no_copier(tmp_path: Path) -> None:
    # `scaffold new` loads the wizard and reads copier.yml; Copier comes only when a value holds
    # Jinja, which the first question (the project name) does not.
    probe = (
        "import sys; from scaffold.cli import new, wizard; from scaffold import answers;"
        "from scaffold.questionnaire import load; q = load(); first = q.questions[0];"
        "q.is_prompted(first, {}); q.default(first, {});"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'copier'))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          check=False, cwd=tmp_path)  # fmt: skip
    assert done.stdout.splitlines()[-1] == "[]", done.stderr


@pytest.mark.parametrize("argv", [[], ["bogus"], ["options", "--bogus"]])
def test_usage_errors_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(argv) == 2
    captured = capsys.readouterr()

    assert captured.out == ""
    assert "usage: scaffold" in captured.err
