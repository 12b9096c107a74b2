"""Run a generated project's commands: its test suite, and its app started from its Procfile."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import httpx

from tests.support.postgres import free_port

# The test venv's scripts (uvicorn, alembic, ...) come first, as an activated venv would have them.
VENV_BIN = str(Path(sys.executable).parent)
STRONG_SECRET = "generator-tests-secret-0123456789-abcdefghijklmnop"


def project_env(**overrides: str) -> dict[str, str]:
    """The environment a project's commands run in: this venv first on PATH, nothing inherited
    that would change the project's behaviour."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "SECRET_KEY", "APP_ENV", "PYTHONPATH", "VIRTUAL_ENV"}
        and not key.startswith(("PYTEST_", "COV_"))
    }
    env["PATH"] = os.pathsep.join([VENV_BIN, env.get("PATH", "")])
    env.update(overrides)
    return env


def app_env(
    combination: Mapping[str, Any], database_url: Callable[[str], str], **extra: str
) -> dict[str, str]:
    """The environment an app runs in: a strong key and a fresh database, unless overridden."""
    env = project_env(**{"SECRET_KEY": STRONG_SECRET, **extra})
    if combination["database"] != "none":
        env["DATABASE_URL"] = database_url(combination["database"])
    return env


def run_test_suite(project: Path, *, env: Mapping[str, str]) -> subprocess.CompletedProcess[str]:
    """Run a project's own pytest suite, in a separate process."""
    return subprocess.run(
        # The generator's venv has test plugins a project does not: keep them out.
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:schemathesis",
         "-p", "no:copie", "-p", "no:xdist"],
        cwd=project,
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )  # fmt: skip


def procfile(project: Path) -> dict[str, str]:
    """Read a Procfile: process type -> command."""
    processes = {}
    for line in (project / "Procfile").read_text().splitlines():
        name, sep, command = line.partition(":")
        if sep and name.strip() and not name.startswith("#"):
            processes[name.strip()] = command.strip()
    return processes


def run_release(project: Path, *, env: Mapping[str, str]) -> None:
    """Run the Procfile's release: command, if it has one (migrations)."""
    command = procfile(project).get("release")
    if command:
        subprocess.run(
            ["sh", "-c", command], cwd=project, env=dict(env), check=True,
            capture_output=True, text=True, timeout=300,
        )  # fmt: skip


@dataclass
class RunningApp:
    """A project's web process, listening on `base_url`, and what it has printed so far."""

    process: subprocess.Popen[str]
    base_url: str
    database_url: str | None = None
    output: list[str] = field(default_factory=list)

    def log(self) -> str:
        """The app's output so far (access log, warnings, tracebacks)."""
        return "".join(self.output)


@contextmanager
def web_process(
    project: Path, *, env: Mapping[str, str], timeout: float = 60
) -> Iterator[RunningApp]:
    """Start the Procfile's web: command on 127.0.0.1 and a free port; stop it afterwards."""
    port = free_port()
    process = subprocess.Popen(
        ["sh", "-c", f"exec {procfile(project)['web']}"],
        cwd=project,
        env={**env, "HOST": "127.0.0.1", "PORT": str(port)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    app = RunningApp(
        process=process, base_url=f"http://127.0.0.1:{port}", database_url=env.get("DATABASE_URL")
    )
    # The app writes a line per request: read them as they come, or under load the pipe fills
    # up and the app blocks on its own access log.
    threading.Thread(target=_read_into, args=(process.stdout, app.output), daemon=True).start()
    try:
        _wait_until_answering(app, f"{app.base_url}/health", timeout)
        yield app
    finally:
        stop_process_group(process)


def _read_into(stream: IO[str] | None, lines: list[str]) -> None:
    if stream is None:
        return
    try:
        for line in stream:
            lines.append(line)
    except (OSError, ValueError):  # closed when the app is stopped
        return


def _wait_until_answering(app: RunningApp, url: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if app.process.poll() is not None:
            time.sleep(0.2)  # let the reader catch the last lines
            raise AssertionError(
                f"the web process exited with {app.process.returncode}:\n{app.log()}"
            )
        try:
            httpx.get(url, timeout=2)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    stop_process_group(app.process)
    raise AssertionError(f"the web process did not answer {url} within {timeout} s:\n{app.log()}")


def stop_process_group(process: subprocess.Popen[Any]) -> None:
    """Stop the whole process group (the shell and the server it started)."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=15)
    if process.stdout:
        process.stdout.close()


def run_web_until_exit(
    project: Path, *, env: Mapping[str, str], timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """Start the web: command and wait for it to exit (for configurations it must refuse)."""
    port = free_port()
    return subprocess.run(
        ["sh", "-c", f"exec {procfile(project)['web']}"],
        cwd=project,
        env={**env, "HOST": "127.0.0.1", "PORT": str(port)},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
