"""App overhead: requests/s and p99 of the generated app vs the framework's bare minimal app.

Both are started the same way (the generated Procfile's `web:` line, the bare app swapped in for
the project's), on 127.0.0.1, loaded by wrk in turn with the same threads, connections and
duration. Rounds rotate the order so that drift of a shared CPU falls on every variant alike,
and a variant's ratio to the bare app is the median of its ratios within each round: a shared
CPU's speed drifts by more than 10% over a minute, and a round holds the runs closest in time.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import time
from contextlib import ExitStack
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from bench.common import (
    combination_id,
    load_average,
    log,
    median,
    render,
    richest,
    work_dir,
)
from scaffold.project import read_procfile
from tests.support.combinations import enabled_frameworks
from tests.support.frameworks import framework as framework_facts
from tests.support.processes import (
    STRONG_SECRET,
    project_env,
    run_release,
    web_process,
)

ENDPOINTS = ("/health", "/api/hello")
DRIVER = Path(__file__).with_name("inprocess_driver.py")
THREADS, CONNECTIONS = 2, 32
_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3}


@dataclass
class WrkResult:
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    requests: int
    non_2xx: int
    socket_errors: int


def wrk(url: str, seconds: int) -> WrkResult:
    """Load `url` for a bounded time; parse wrk's report."""
    result = subprocess.run(
        ["wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency", url],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
        check=True,
    )
    out = result.stdout

    def latency(percent: str) -> float:
        match = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s)\s*$", out, re.MULTILINE)
        return float(match.group(1)) * _UNITS[match.group(2)] if match else float("nan")

    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    count = re.search(r"(\d+) requests in", out)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return WrkResult(
        requests_per_s=float(rate.group(1)) if rate else 0.0,
        p50_ms=latency("50"),
        p99_ms=latency("99"),
        requests=int(count.group(1)) if count else 0,
        non_2xx=int(non_2xx.group(1)) if non_2xx else 0,
        socket_errors=sum(int(n) for n in errors.groups()) if errors else 0,
    )


def bare_project(framework: str, generated: Path, directory: Path) -> Path | None:
    """A directory serving the bare app with the generated project's own `web:` command."""
    spec = framework_facts(framework)
    web = read_procfile(generated)["web"]
    if spec.procfile_target not in web:
        raise RuntimeError(f"{framework}: {spec.procfile_target!r} not in the Procfile's {web!r}")
    directory.mkdir(parents=True)
    (directory / "bare_app.py").write_text(spec.bare_app)
    if spec.bare_setup is not None:
        spec.bare_setup(generated, directory)
    (directory / "Procfile").write_text(
        f"web: {web.replace(spec.procfile_target, spec.bare_target)}\n"
    )
    return directory


def variants(framework: str, root: Path) -> list[dict[str, Any]]:
    """The apps to compare: bare, then the generated fullest with SQLite and without a database."""
    chosen = []
    for label, where in (
        ("generated, SQLite", lambda c: c["database"] == "sqlite"),
        ("generated, no database", lambda c: c["database"] == "none"),
    ):
        combination = richest(framework, where)
        if combination is not None:
            chosen.append((label, combination))
    found: list[dict[str, Any]] = []
    for label, combination in chosen:
        project = render(combination, root / combination_id(combination))
        env = project_env(SECRET_KEY=STRONG_SECRET)
        if combination["database"] != "none":
            env["DATABASE_URL"] = f"sqlite:///{root / (combination_id(combination) + '.db')}"
            run_release(project, env=env)
        found.append(
            {"label": label, "id": combination_id(combination), "dir": project, "env": env}
        )
    if found:
        directory = bare_project(framework, found[0]["dir"], root / "bare")
        if directory is not None:
            found.insert(0, {"label": "bare", "id": "bare", "dir": directory, "env": project_env()})
    return found


def measure_framework(framework: str, *, seconds: int, rounds: int) -> dict[str, Any]:
    measured = {"when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}
    measured["load_start"] = load_average()
    root = work_dir(f"overhead-{framework}")
    apps = variants(framework, root)
    samples: dict[tuple[str, str], list[WrkResult]] = {}
    with ExitStack() as stack:
        urls = {}
        for app in apps:
            running = stack.enter_context(web_process(app["dir"], env=app["env"]))
            urls[app["label"]] = running.base_url
        web = read_procfile(apps[-1]["dir"])["web"]
        for round_number in range(rounds):
            for endpoint in ENDPOINTS:
                shift = round_number % len(apps)
                for app in apps[shift:] + apps[:shift]:
                    url = urls[app["label"]] + endpoint
                    if round_number == 0:
                        wrk(url, 1)  # warm-up: caches, the first lazy imports
                    result = wrk(url, seconds)
                    samples.setdefault((app["label"], endpoint), []).append(result)
                    log(
                        f"overhead {framework} {app['label']} {endpoint}: "
                        f"{result.requests_per_s:.0f} req/s, p99 {result.p99_ms:.1f} ms"
                    )
    explained = explain(framework, apps) if any(a["label"] == "bare" for a in apps) else []
    shutil.rmtree(root, ignore_errors=True)
    rows = []
    for app in apps:
        for endpoint in ENDPOINTS:
            runs = samples[(app["label"], endpoint)]
            rows.append(
                {
                    "variant": app["label"],
                    "combination": app["id"],
                    "endpoint": endpoint,
                    "requests_per_s": median([r.requests_per_s for r in runs]),
                    "p50_ms": median([r.p50_ms for r in runs]),
                    "p99_ms": median([r.p99_ms for r in runs]),
                    "non_2xx": sum(r.non_2xx for r in runs),
                    "socket_errors": sum(r.socket_errors for r in runs),
                    "runs": [asdict(r) for r in runs],
                }
            )
    for row in rows:
        bare_runs = samples.get(("bare", row["endpoint"]))
        if bare_runs is None:
            row["ratio"] = None
            continue
        runs = samples[(row["variant"], row["endpoint"])]
        row["ratio"] = median(
            [r.requests_per_s / b.requests_per_s for r, b in zip(runs, bare_runs, strict=True)]
        )
    measured["load_end"] = load_average()
    return {
        "framework": framework,
        "server": web,
        "rows": rows,
        "explain": explained,
        "measured": measured,
    }


def explain(framework: str, apps: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """In-process microseconds per request, bare vs generated, with the generated app's profile
    and the time without each of its middlewares: what the server-level gap is made of."""
    spec = framework_facts(framework)
    if spec.interface not in {"asgi", "wsgi"}:
        return []  # an app that is its own server cannot be called in process
    found = []
    for endpoint in ENDPOINTS:
        timings = {}
        for app in apps:
            target = spec.bare_target if app["label"] == "bare" else spec.procfile_target
            extra = ["--profile"] if app["label"] == "bare" else ["--profile", "--ablate"]
            result = subprocess.run(
                [
                    sys.executable,
                    str(DRIVER),
                    target,
                    spec.interface,
                    endpoint,
                    "--requests",
                    "2000",
                    *extra,
                ],
                cwd=app["dir"],
                env=app["env"],
                capture_output=True,
                text=True,
                timeout=600,
                check=False,
            )
            if result.returncode != 0:
                log(
                    f"in-process driver failed for {app['label']} {endpoint}: "
                    f"{result.stderr[-500:]}"
                )
                continue
            timings[app["label"]] = json.loads(result.stdout.strip().splitlines()[-1])
        base = timings.get("bare", {}).get("us_per_request")
        for label, timing in timings.items():
            found.append(
                {
                    "variant": label,
                    "endpoint": endpoint,
                    **timing,
                    "ratio_to_bare": (base / timing["us_per_request"]) if base else None,
                }
            )
    return found


def run(
    *, quick: bool, only: list[str] | None = None, earlier: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Measure every enabled framework, or `only` these: the others keep their figures from
    the `earlier` part, with when and under what load they were measured."""
    if shutil.which("wrk") is None:
        raise RuntimeError("wrk is not installed: bench/run installs it (apt-get install wrk)")
    # Many short rounds: a round's runs are seconds apart, so its ratios see the same CPU speed.
    seconds, rounds = (2, 2) if quick else (2, 15)
    frameworks = [
        measure_framework(f, seconds=seconds, rounds=rounds)
        for f in enabled_frameworks()
        if only is None or f in only
    ]
    if only is not None and earlier:
        taken = earlier.get("_meta", {})
        frameworks = [
            {"measured": {k: taken.get(k) for k in ("when", "load_start", "load_end")}, **fw}
            for fw in earlier["frameworks"]
            if fw["framework"] not in only
        ] + frameworks
    return {
        "load": f"wrk -t{THREADS} -c{CONNECTIONS} -d{seconds}s --latency, a 1 s warm-up before "
        f"the first, {rounds} round(s) in rotated order, median of rounds (ratios: median of "
        "each round's ratio to the bare app)",
        "frameworks": frameworks,
    }


def main() -> None:  # pragma: no cover - manual use
    import json

    print(json.dumps(run(quick=True), indent=2, default=str))


if __name__ == "__main__":
    main()
