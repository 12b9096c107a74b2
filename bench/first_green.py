"""Time to first green: a fresh copy of a generated project, its README's install and test
commands run as written, then its Procfile's web process until /health answers.

The pip cache is warmed by one untimed install first (the figure is for a developer who has
installed Python packages before, not for the network). PostgreSQL projects get a database on a
throwaway server (tests/support/postgres.py), started before the clock runs, as a developer's
database would already be running; without the server binaries, the SQLite fullest is used.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import httpx

from bench.common import REPO, VENV_BIN, combination_id, log, render, richest, work_dir
from scaffold.project import read_procfile
from tests.support.combinations import enabled_frameworks, fullest
from tests.support.postgres import PostgresServer, PostgresUnavailable, find_bindir, free_port
from tests.support.processes import stop_process_group

# bench/run installs uv here (from PyPI) to time the README's `uv sync` alternative.
UV = REPO / "bench" / ".work" / "tools" / "bin" / "uv"


def readme_block(readme: str, heading: str) -> list[str]:
    """The commands of the first ```bash block under a `## heading` of the README."""
    section = re.search(rf"^## {heading}\s*$(.*?)(?=^## |\Z)", readme, re.MULTILINE | re.DOTALL)
    if section is None:
        raise RuntimeError(f"the README has no '## {heading}' section")
    block = re.search(r"```(?:bash|sh|console)?\n(.*?)```", section.group(1), re.DOTALL)
    if block is None:
        raise RuntimeError(f"the README's '## {heading}' section has no command block")
    return [
        line for line in block.group(1).splitlines() if line.strip() and not line.startswith("#")
    ]


def user_env(**extra: str) -> dict[str, str]:
    """A developer's shell: no venv of ours on PATH, no project settings inherited."""
    path = [p for p in os.environ.get("PATH", "").split(os.pathsep) if Path(p) != VENV_BIN]
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "SECRET_KEY", "APP_ENV", "PYTHONPATH", "VIRTUAL_ENV"}
        and not key.startswith("PYTEST_")
    }
    env["PATH"] = os.pathsep.join(path)
    env.update(extra)
    return env


def run_steps(project: Path, steps: dict[str, list[str]], env: dict[str, str]) -> dict[str, Any]:
    """Run the README blocks in one bash shell (activation carries over); time each block."""
    script = ["set -uo pipefail", f"cd {project}"]
    for name, commands in steps.items():
        for number, command in enumerate(commands):
            # Install commands must work; a failing test command is recorded (not green).
            script.append(command if name == "test" else f"{command} || exit 97")
            script.append(f'echo "@@rc_{name}_{number} $?"')
            script.append(f'echo "@@{name}_{number} $(date +%s.%N)"')
        script.append(f'echo "@@{name} $(date +%s.%N)"')
    start = time.time()
    result = subprocess.run(
        ["bash", "-c", "\n".join(script)],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(
            f"README commands failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
        )
    marks = dict(re.findall(r"^@@(\w+) ([\d.]+)$", result.stdout, re.MULTILINE))
    times: dict[str, Any] = {}
    previous = start
    for name, commands in steps.items():
        times[name] = float(marks[name]) - start if not times else float(marks[name]) - previous
        for number, command in enumerate(commands):
            line_start = float(marks[f"{name}_{number - 1}"]) if number else previous
            times.setdefault("lines", []).append(
                {"command": command, "seconds": float(marks[f"{name}_{number}"]) - line_start}
            )
        previous = float(marks[name])
    summary = re.findall(r"^=*\s*(\d+ (?:passed|failed).*?)\s*=*$", result.stdout, re.MULTILINE)
    times["tests"] = summary[-1] if summary else "?"
    times["green"] = all(
        rc == "0" for rc in re.findall(r"^@@rc_test_\d+ (\d+)$", result.stdout, re.M)
    )
    if not times["green"]:
        log(f"first green: a test command failed:\n{result.stdout[-1500:]}")
    return times


def serve_until_healthy(project: Path, env: dict[str, str]) -> float:
    """Seconds from running the Procfile (release, then web) to a 200 on /health."""
    commands = read_procfile(project)
    port = free_port()
    env = {
        **env,
        "PATH": f"{project / '.venv' / 'bin'}:{env['PATH']}",
        "HOST": "127.0.0.1",
        "PORT": str(port),
    }
    start = time.perf_counter()
    if "release" in commands:
        subprocess.run(
            ["sh", "-c", commands["release"]],
            cwd=project,
            env=env,
            check=True,
            capture_output=True,
            timeout=300,
        )
    process = subprocess.Popen(
        ["sh", "-c", f"exec {commands['web']}"],
        cwd=project,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        while True:
            if process.poll() is not None:
                raise RuntimeError("the web process exited before answering /health")
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200:
                    return time.perf_counter() - start
            except httpx.TransportError:
                pass
            if time.perf_counter() - start > 120:
                raise RuntimeError("no 200 on /health within 120 s")
            time.sleep(0.05)
    finally:
        stop_process_group(process)


def measure_framework(framework: str, runs: int, server: PostgresServer | None) -> dict[str, Any]:
    combination = fullest(framework)
    if combination["database"] == "postgresql" and server is None:
        combination = richest(framework, lambda c: c["database"] != "postgresql") or combination
    root = work_dir(f"firstgreen-{framework}")
    pristine = render(combination, root / "pristine")
    readme = (pristine / "README.md").read_text()
    steps = {"install": readme_block(readme, "Install"), "test": readme_block(readme, "Test")}
    found = {
        "framework": framework,
        "combination": combination_id(combination),
        "commands": steps,
        **timed_runs(framework, "pip", pristine, steps, runs, combination, server),
    }
    if UV.exists() and "uv sync" in readme:
        # The README's alternative: `uv sync`, then the same test commands in the venv it made.
        uv_steps = {"install": [f"{UV} sync", ". .venv/bin/activate"], "test": steps["test"]}
        found["uv"] = timed_runs(framework, "uv", pristine, uv_steps, runs, combination, server)
        found["uv"]["commands"] = uv_steps
    shutil.rmtree(root, ignore_errors=True)
    return found


def timed_runs(
    framework: str,
    label: str,
    pristine: Path,
    steps: dict[str, list[str]],
    runs: int,
    combination: dict[str, Any],
    server: PostgresServer | None,
) -> dict[str, Any]:
    """Warm-up (fills the package cache), then `runs` timed runs, each in a fresh copy."""
    root = pristine.parent
    samples = []
    for attempt in range(runs + 1):
        project = root / f"copy-{label}-{attempt}"
        shutil.copytree(pristine, project)
        extra = {}
        database = None
        if combination["database"] == "postgresql" and server is not None:
            database = server.create_database("firstgreen")
            extra["DATABASE_URL"] = database
        env = user_env(**extra)
        times = run_steps(project, steps, env)
        times["serve"] = serve_until_healthy(project, env)
        times["total"] = times["install"] + times["test"] + times["serve"]
        if database and server:
            server.drop_database(database)
        which = "warm-up" if attempt == 0 else f"run {attempt}"
        log(f"first green {framework} ({label}) {which}: {times['total']:.1f} s ({times['tests']})")
        if attempt:
            samples.append(times)
        shutil.rmtree(project, ignore_errors=True)
    best = sorted(samples, key=lambda t: t["total"])[len(samples) // 2]  # the median run
    return {"runs": samples, "median": best}


def run(*, quick: bool) -> dict[str, Any]:
    runs = 1 if quick else 3
    server = None
    try:
        find_bindir()
        server = PostgresServer()
        server.start()
    except (PostgresUnavailable, subprocess.CalledProcessError) as error:
        log(f"no PostgreSQL server ({error}): using each framework's fullest SQLite combination")
        server = None
    try:
        frameworks = [measure_framework(f, runs, server) for f in enabled_frameworks()]
    finally:
        if server is not None:
            server.stop()
    python = subprocess.run(
        ["python", "--version"], capture_output=True, text=True, env=user_env(), check=False
    ).stdout.strip()
    return {"runs": runs, "python": python, "frameworks": frameworks}
