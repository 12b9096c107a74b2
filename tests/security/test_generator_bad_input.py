"""Bad input to the generator: `copier copy` and `scaffold new` refuse it clearly and write nothing.

One table drives both entries. Each case gives answers (or a destination, a template, an
interruption) that must be refused: the command exits non-zero, says why in a message naming the
problem, and leaves the destination as it was (absent, or with its files unchanged). `scaffold new`
is also held to a clean message: no traceback. Copier's own CLI prints its traceback before the
message, so for `copier copy` the message must be the last line.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.support.processes import VENV_BIN

REPO = Path(__file__).parents[2]
Snapshot = dict[str, bytes] | None


@dataclass(frozen=True)
class Case:
    """A bad input and the message that must refuse it."""

    id: str
    message: str  # a regular expression the refusal must match
    answers: dict[str, str] = field(default_factory=dict)
    # "absent" (a new folder), "unrelated" (a folder with a file of the user's), "conflicting"
    # (a folder holding a file the project also has)
    destination: str = "absent"
    template: str | None = None  # a template other than this repository (a path)
    vcs_ref: str = "HEAD"
    interrupt: bool = False  # Ctrl-C (SIGINT) in the middle of rendering
    # Why `copier copy` cannot meet the case, when it is Copier's own behaviour.
    copier_limitation: str | None = None
    scaffold_message: str | None = None  # when `scaffold new` words it differently


NOT_A_SLUG = r"is not a valid slug"
CASES = [
    Case("slug-uppercase", NOT_A_SLUG, {"project_slug": "MyService"}),
    Case("slug-hyphen", NOT_A_SLUG, {"project_slug": "my-service"}),
    Case("slug-leading-digit", NOT_A_SLUG, {"project_slug": "1service"}),
    Case("slug-empty", r"slug must not be empty", {"project_slug": ""}),
    Case("slug-too-long", r"at most 40 characters", {"project_slug": "s" * 41}),
    Case("slug-keyword", r"'class' is a Python keyword", {"project_slug": "class"}),
    Case("slug-keyword-async", r"'async' is a Python keyword", {"project_slug": "async"}),
    Case("slug-stdlib", r"'json' would shadow the standard library", {"project_slug": "json"}),
    Case("slug-framework", r"'fastapi' would shadow a framework", {"project_slug": "fastapi"}),
    Case("name-empty", r"project name must not be empty", {"project_name": ""}),
    Case("name-blank", r"project name must not be empty", {"project_name": "   "}),
    Case("name-template-syntax", r"must not contain .*braces", {"project_name": "{{ 7 * 7 }}"}),
    Case("name-quote", r"must not contain double quotes", {"project_name": 'My "Service"'}),
    Case("description-too-long", r"at most 200 characters", {"description": "d" * 201}),
    Case("email-no-at", r"'nobody' is not a valid email", {"author_email": "nobody"}),
    Case("email-no-domain", r"'a@b' is not a valid email", {"author_email": "a@b"}),
    Case(
        "jwt-without-database",
        r"JWT auth needs a database",
        {"framework": "fastapi", "database": "none", "auth": "jwt"},
    ),
    Case(
        "session-without-database",
        r"Session auth needs a database",
        {"framework": "fastapi", "database": "none", "auth": "session"},
    ),
    Case(
        "tornado-on-lambda",
        # Refused for the framework while Tornado is not enabled, for Lambda once it is.
        r"Tornado (is not available yet|serves long-lived connections)",
        {"framework": "tornado", "serverless": "true"},
    ),
    Case(
        "pyramid-async",
        r"Pyramid (is not available yet|is WSGI only)",
        {"framework": "pyramid", "use_async": "true"},
    ),
    Case(
        "unknown-framework",
        r"'rails' is not in",
        {"framework": "rails"},
    ),
    Case(
        "unknown-database",
        r"'mysql' is not in",
        {"database": "mysql"},
    ),
    Case(
        "destination-not-empty",
        r"not empty",
        destination="conflicting",
        copier_limitation=(
            "Copier renders into an existing folder by design (to apply a template to a "
            "project): it stops at the first conflicting file, after writing the others"
        ),
    ),
    Case(
        "destination-with-a-user-file",
        r"not empty",
        destination="unrelated",
        copier_limitation="Copier renders into an existing folder by design, beside its files",
    ),
    Case("template-missing", r"(not found|does not exist|must be a directory)", template="missing"),
    Case(
        "template-is-a-file",
        r"(must be a directory|not a template|not a directory)",
        template="file",
    ),
    Case(
        "template-without-copier-yml",
        r"(copier\.yml|not a template)",
        template="empty",
        copier_limitation="Copier takes any folder for a template, copier.yml or not",
    ),
    Case("unknown-vcs-ref", r"no-such-ref", vcs_ref="no-such-ref"),
    Case(
        "interrupted-render",
        r"(stopped by user|[Cc]ancelled|[Ii]nterrupted)",
        interrupt=True,
        copier_limitation=(
            "Copier removes a half-rendered folder on errors (`except Exception`) but not on "
            "KeyboardInterrupt: Ctrl-C leaves the files written so far"
        ),
    ),
]


def snapshot(path: Path) -> Snapshot:
    """Every file under a path and its bytes; None when the path does not exist."""
    if not path.exists():
        return None
    return {
        item.relative_to(path).as_posix(): item.read_bytes()
        for item in path.rglob("*")
        if item.is_file()
    }


def prepare_destination(case: Case, tmp_path: Path) -> Path:
    """The destination, alone in a folder: its parent is watched too (staging folders)."""
    destination = tmp_path / "out" / "project"
    destination.parent.mkdir()
    if case.destination in {"unrelated", "conflicting"}:
        destination.mkdir()
        (destination / "notes.txt").write_text("the user's own notes\n")
    if case.destination == "conflicting":
        (destination / "README.md").write_text("# The user's own README\n")
    return destination


def prepare_template(case: Case, tmp_path: Path) -> Path:
    """The template to render: this repository, or the case's broken one."""
    if case.template == "missing":
        return tmp_path / "no-such-template"
    if case.template == "file":
        path = tmp_path / "template.txt"
        path.write_text("not a template\n")
        return path
    if case.template == "empty":
        path = tmp_path / "not-a-template"
        path.mkdir()
        (path / "README.md").write_text("a folder, but not a template\n")
        return path
    if case.interrupt:
        return slow_template(tmp_path)
    return REPO


# About half a second of Jinja work, with no output (the sandbox caps range() at 100,000).
SPIN = "{%- for i in range(30) %}{% for j in range(100000) %}{% endfor %}{% endfor -%}\n"


def slow_template(tmp_path: Path) -> Path:
    """A copy of this repository's template in which every file takes a while to render.

    The project is then written over many seconds, file by file, so that an interruption lands
    in the middle of rendering, with some files written and others not.
    """
    template = tmp_path / "slow-template"
    shutil.copytree(REPO / "templates", template / "templates")
    shutil.copy(REPO / "copier.yml", template / "copier.yml")
    for path in (template / "templates").rglob("*.jinja"):
        if "_shared" not in path.parts:
            path.write_text(SPIN + path.read_text())
    return template


def _ctrl_c_as_in_a_terminal() -> None:
    """Give the command the default SIGINT action a terminal's foreground job has.

    A suite started as a background job by a non-interactive shell (CI scripts, `cmd &`)
    inherits SIGINT ignored, and so would the command: Ctrl-C would never reach it.
    """
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def run(command: list[str], case: Case, destination: Path) -> subprocess.CompletedProcess[str]:
    """Run a generator command; with `interrupt`, press Ctrl-C once files are being written."""
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200"}
    if not case.interrupt:
        return subprocess.run(
            command, env=env, capture_output=True, text=True, timeout=300, check=False
        )
    watched = destination.parent
    before = len(snapshot(watched) or {})
    process = subprocess.Popen(
        command,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=_ctrl_c_as_in_a_terminal,
    )
    deadline = time.monotonic() + 120
    while process.poll() is None and time.monotonic() < deadline:
        if sum(path.is_file() for path in watched.rglob("*")) >= before + 3:
            break
        time.sleep(0.02)
    assert process.poll() is None, "the command ended before it could be interrupted"
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=120)
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)


def copier_command(case: Case, template: Path, destination: Path) -> list[str]:
    command = [str(Path(VENV_BIN) / "copier"), "copy", "--defaults"]
    if template == REPO or case.vcs_ref != "HEAD":
        command += ["--vcs-ref", case.vcs_ref]
    for key, value in case.answers.items():
        command += ["-d", f"{key}={value}"]
    return [*command, str(template), str(destination)]


# `scaffold new` flags for the answers that have one; the rest go through -d.
SCAFFOLD_FLAGS = {
    "project_name": "--name",
    "project_slug": "--project-slug",
    "description": "--description",
    "author_email": "--author-email",
    "framework": "--framework",
    "database": "--database",
    "auth": "--auth",
}
SCAFFOLD_SWITCHES = {"serverless": "serverless", "use_async": "async", "api_docs": "api-docs"}


def scaffold_command(case: Case, template: Path, destination: Path) -> list[str]:
    command = [
        str(Path(VENV_BIN) / "scaffold"), "new", str(destination),
        "--no-input", "--no-install", "--no-git", "--template", str(template),
    ]  # fmt: skip
    if template == REPO or case.vcs_ref != "HEAD":
        command += ["--vcs-ref", case.vcs_ref]
    for key, value in case.answers.items():
        if key in SCAFFOLD_FLAGS:
            command.append(f"{SCAFFOLD_FLAGS[key]}={value}")
        elif key in SCAFFOLD_SWITCHES:
            no = "" if value == "true" else "no-"
            command.append(f"--{no}{SCAFFOLD_SWITCHES[key]}")
        else:
            command += ["-d", f"{key}={value}"]
    return command


def check_refusal(
    case: Case,
    tmp_path: Path,
    build: Callable[[Case, Path, Path], list[str]],
    message: str,
    *,
    last_line: bool,
) -> subprocess.CompletedProcess[str]:
    """Run the command of a case; assert it was refused, with the message, and wrote nothing."""
    destination = prepare_destination(case, tmp_path)
    template = prepare_template(case, tmp_path)
    before = snapshot(destination.parent)
    result = run(build(case, template, destination), case, destination)
    output = (
        f"exit {result.returncode}\n"
        f"stdout:\n{result.stdout[-3000:]}\nstderr:\n{result.stderr[-3000:]}"
    )
    assert result.returncode != 0, output
    assert snapshot(destination.parent) == before, "files were written or changed\n" + output
    lines = [line.strip() for line in result.stderr.splitlines() if line.strip()]
    said = lines[-1:] if last_line else lines
    assert any(re.search(message, line) for line in said), output
    return result


def copier_cases() -> list[Any]:
    return [
        pytest.param(
            case,
            id=case.id,
            marks=[pytest.mark.xfail(reason=case.copier_limitation, strict=True)]
            if case.copier_limitation
            else [],
        )
        for case in CASES
    ]


@pytest.mark.slow
@pytest.mark.parametrize("case", copier_cases())
def test_copier_copy_refuses_bad_input(case: Case, tmp_path: Path) -> None:
    check_refusal(case, tmp_path, copier_command, case.message, last_line=True)


@pytest.mark.slow
@pytest.mark.parametrize("case", [pytest.param(case, id=case.id) for case in CASES])
def test_scaffold_new_refuses_bad_input(case: Case, tmp_path: Path) -> None:
    message = case.scaffold_message or case.message
    result = check_refusal(case, tmp_path, scaffold_command, message, last_line=False)
    # A message for people, not for debuggers.
    assert "Traceback" not in result.stdout + result.stderr, result.stderr


def test_the_table_covers_the_issue() -> None:
    """At least 15 bad inputs, of every kind the issue names."""
    assert len(CASES) >= 15
    ids = {case.id for case in CASES}
    for kind in ("slug-", "keyword", "stdlib", "name-empty", "email", "without-database",
                 "destination-not-empty", "template-", "interrupted"):  # fmt: skip
        assert any(kind in case_id for case_id in ids), kind
