"""Run a generated project's commands: its test suite, and its app started from its Procfile."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

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
    """A project's web process, listening on `base_url`."""

    process: subprocess.Popen[str]
    base_url: str


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
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_answering(process, f"{base_url}/health", timeout)
        yield RunningApp(process=process, base_url=base_url)
    finally:
        _stop(process)


def _wait_until_answering(process: subprocess.Popen[str], url: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = process.stdout.read() if process.stdout else ""
            raise AssertionError(f"the web process exited with {process.returncode}:\n{output}")
        try:
            httpx.get(url, timeout=2)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    _stop(process)
    output = process.stdout.read() if process.stdout else ""
    raise AssertionError(f"the web process did not answer {url} within {timeout} s:\n{output}")


def _stop(process: subprocess.Popen[str]) -> None:
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
