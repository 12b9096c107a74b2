"""Run a generated project's commands: its test suite, and its app started from its Procfile."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
import tomllib
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import httpx
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from scaffold.project import read_procfile
from tests.support import timing
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
        if key
        not in {
            "DATABASE_URL",
            "TEST_DATABASE_URL",
            "SECRET_KEY",
            "APP_ENV",
            "FAST_PASSWORD_HASHING",
            "PYTHONPATH",
            "VIRTUAL_ENV",
        }
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


def declared_pytest_plugins(project: Path) -> list[str]:
    """The pytest plugins of the distributions the project declares (runtime and dev group),
    as the modules `-p` loads."""
    pyproject = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
    declared = {
        canonicalize_name(Requirement(line).name)
        for line in [
            *pyproject["project"].get("dependencies", []),
            *pyproject.get("dependency-groups", {}).get("dev", []),
        ]
        if isinstance(line, str)
    }
    return sorted(
        {
            entry_point.value
            for entry_point in metadata.entry_points(group="pytest11")
            if entry_point.dist and canonicalize_name(entry_point.dist.name) in declared
        }
    )


def run_test_suite(project: Path, *, env: Mapping[str, str]) -> subprocess.CompletedProcess[str]:
    """Run a project's own pytest suite, in a separate process, with its own plugins only.

    The test venv holds every template's test plugins and the generator's own (pytest-django,
    hypothesis, anyio, schemathesis...): autoloading them would let one framework's plugins
    change another's results. Only those the project declares are loaded.
    """
    plugins = [arg for module in declared_pytest_plugins(project) for arg in ("-p", module)]
    # A temporary folder of its own: under pytest's shared default root, concurrent runs clean
    # up each other's old folders, and a failed removal warns (an error under the projects'
    # `filterwarnings = error`) after every test passed.
    with (
        tempfile.TemporaryDirectory(prefix="own-suite-") as temporary,
        timing.step("own suite (subprocess)"),
    ):
        return subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
             "--basetemp", str(Path(temporary) / "pytest"), *plugins],
            cwd=project,
            env={**env, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"},
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )  # fmt: skip


def run_release(project: Path, *, env: Mapping[str, str]) -> None:
    """Run the Procfile's release: command, if it has one (migrations)."""
    command = read_procfile(project).get("release")
    if command:
        with timing.step("release: migrations"):
            subprocess.run(
                ["sh", "-c", command], cwd=project, env=dict(env), check=True,
                capture_output=True, text=True, timeout=300,
            )  # fmt: skip


@dataclass
class RunningApp:
    """A project's web process, listening on `base_url`, and the file its output goes to."""

    process: subprocess.Popen[str]
    base_url: str
    log_path: Path
    database_url: str | None = None

    def log(self) -> str:
        """The app's output so far (access log, warnings, tracebacks)."""
        return self.log_path.read_text(errors="replace")


@contextmanager
def web_process(
    project: Path, *, env: Mapping[str, str], timeout: float = 60
) -> Iterator[RunningApp]:
    """Start the Procfile's web: command on 127.0.0.1 and a free port; stop it afterwards.

    Its output goes to a file, not a pipe: the app writes a line per request, and a pipe that
    is not read fast enough fills up under load and blocks the app on its own access log.
    """
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="web-") as log_dir:
        log_path = Path(log_dir) / f"{project.name}.log"
        with log_path.open("w") as output:
            process = subprocess.Popen(
                ["sh", "-c", f"exec {read_procfile(project)['web']}"],
                cwd=project,
                env={**env, "HOST": "127.0.0.1", "PORT": str(port)},
                stdout=output,
                stderr=subprocess.STDOUT,
                text=True,
                start_new_session=True,
            )
        app = RunningApp(
            process=process,
            base_url=f"http://127.0.0.1:{port}",
            log_path=log_path,
            database_url=env.get("DATABASE_URL"),
        )
        try:
            with timing.step("web process start until /health"):
                _wait_until_answering(app, f"{app.base_url}/health", timeout)
            yield app
        finally:
            stop_process_group(process)


def _wait_until_answering(app: RunningApp, url: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if app.process.poll() is not None:
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


@contextmanager
def served(
    project: Path,
    combination: Mapping[str, Any],
    database_url: Callable[[str], str],
    **extra_env: str,
) -> Iterator[RunningApp]:
    """Migrate a fresh database of the combination's kind and start its app (web_process)."""
    env = app_env(combination, database_url, **extra_env)
    run_release(project, env=env)
    with web_process(project, env=env) as app:
        yield app


def stop_process_group(process: subprocess.Popen[Any]) -> None:
    """Stop the whole process group (the shell and the server it started)."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=15)


def run_web_until_exit(
    project: Path, *, env: Mapping[str, str], timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """Start the web: command and wait for it to exit (for configurations it must refuse)."""
    port = free_port()
    with timing.step("web process refusing to start"):
        return subprocess.run(
            ["sh", "-c", f"exec {read_procfile(project)['web']}"],
            cwd=project,
            env={**env, "HOST": "127.0.0.1", "PORT": str(port)},
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
