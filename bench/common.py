"""Shared helpers: paths, statistics, timed processes, rendering a combination, the machine."""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
WORK = REPO / "bench" / ".work"
VENV_BIN = Path(sys.executable).parent


def scrub(text: str) -> str:
    """Name no machine paths in results and the report: this checkout becomes `.`, the
    cookiecutter-django checkout `$BENCH_COOKIECUTTER_DJANGO`, the temporary folder `$TMPDIR`."""
    text = text.replace(str(REPO) + "/", "").replace(str(REPO), ".")
    other = os.environ.get("BENCH_COOKIECUTTER_DJANGO")
    if other:
        text = text.replace(str(Path(other).resolve()), "$BENCH_COOKIECUTTER_DJANGO")
    return text.replace(tempfile.gettempdir() + "/", "$TMPDIR/")


def work_dir(name: str) -> Path:
    """Return a fresh scratch directory under bench/.work (git-ignored)."""
    WORK.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f"{name}-", dir=WORK))


def log(message: str) -> None:
    """Progress on stderr (the report goes to docs/benchmarks.md)."""
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def spread(values: Sequence[float]) -> str:
    """min–max, for the tables."""
    return f"{min(values):.2f}–{max(values):.2f}" if values else "–"


@dataclass
class Timed:
    """One finished process: wall seconds, peak RSS of it and its descendants, exit code."""

    wall: float
    max_rss_mib: float
    returncode: int
    output: str
    cpu_s: float = 0.0
    """User + system CPU seconds of the process and its waited-for descendants."""


def timed_process(
    command: Sequence[str | Path],
    *,
    cwd: Path,
    env: Mapping[str, str] | None = None,
    timeout: float = 600,
) -> Timed:
    """Run a command; measure its wall time and peak memory (wait4's rusage of that child).

    Linux folds the peak RSS of the child's own waited-for children into its rusage, so a
    process tree is measured whole.
    """
    with tempfile.TemporaryFile(mode="w+") as output:
        start = time.perf_counter()
        process = subprocess.Popen(
            [str(part) for part in command],
            cwd=cwd,
            env=dict(env) if env is not None else None,
            stdout=output,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        timer = threading.Timer(timeout, process.kill)
        timer.start()
        try:
            _, status, usage = os.wait4(process.pid, 0)
        finally:
            timer.cancel()
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        output.seek(0)
        return Timed(
            wall,
            usage.ru_maxrss / 1024,
            process.returncode,
            output.read(),
            usage.ru_utime + usage.ru_stime,
        )


def render(combination: Mapping[str, Any], destination: Path) -> Path:
    """Render a combination of this repo's working tree (as the tests do: vcs_ref HEAD)."""
    import copier
    from copier.errors import DirtyLocalWarning

    from scaffold.questionnaire import load

    data = {**load().answers_for_defaults(), **combination}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DirtyLocalWarning)
        copier.run_copy(
            str(REPO),
            destination,
            data=data,
            defaults=True,
            unsafe=True,
            quiet=True,
            vcs_ref="HEAD",
        )
    return destination


def combination_id(combination: Mapping[str, Any]) -> str:
    from scaffold import combinations

    return combinations.combination_id(combination)


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} / {five:.2f} / {fifteen:.2f}"


def version(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "not installed"


def tool_version(command: Sequence[str]) -> str:
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=30, check=False)
    except OSError:
        return "not installed"
    return (
        (result.stdout or result.stderr).strip().splitlines()[0]
        if result.returncode in (0, 1)
        else "?"
    )


def machine() -> dict[str, str]:
    """The machine and the versions the figures were taken with."""
    cpu = "?"
    with Path("/proc/cpuinfo").open() as info:
        for line in info:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = "?"
    with Path("/proc/meminfo").open() as info:
        for line in info:
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.0f} GiB"
                break
    os_name = "?"
    release = Path("/etc/os-release")
    if release.exists():
        for line in release.read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                os_name = line.split("=", 1)[1].strip('"')
    from tests.support.combinations import enabled_frameworks
    from tests.support.frameworks import framework

    packages = ["copier", "jinja2", "pytest", "pytest-xdist", "argon2-cffi"]
    for name in enabled_frameworks():
        packages += [p for p in framework(name).packages if p not in packages]
    return {
        "cores": str(os.cpu_count()),
        "cpu": cpu,
        "memory": memory,
        "os": f"{os_name}, Linux {platform.release()}",
        "python": platform.python_version(),
        "wrk": tool_version(["wrk", "-v"]).split(" [")[0],
        **{name: version(name) for name in packages},
    }


def richest(framework: str, where: Callable[[dict[str, Any]], bool]) -> dict[str, Any] | None:
    """The tests' `fullest` combination among those `where` keeps, or None when none is kept."""
    from tests.support.combinations import fullest

    try:
        return fullest(framework, where)
    except ValueError:  # max() of nothing: e.g. no Lambda handler for this framework
        return None
