"""Matrix timing: the full matrix on 2 cores, per framework and per phase, and where it goes.

Runs `pytest -n 2 --dist loadgroup tests/matrix tests/contract tests/serverless` (the matrix as
scripts/test runs it) with bench/matrix_plugin.py recording each test and each helper; then
profiles the slowest phase inside one combination, and measures prototypes of the changes it
recommends. `--quick` runs a labelled sample (every 8th combination) and scales it up.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import time
from collections import defaultdict
from itertools import combinations as pairs
from pathlib import Path
from typing import Any

import httpx

from bench.common import (
    REPO,
    VENV_BIN,
    combination_id,
    log,
    render,
    richest,
    timed_process,
    work_dir,
)
from scaffold.combinations import valid_combinations
from scaffold.frameworks import FRAMEWORK
from scaffold.questionnaire import load
from tests.support import contract
from tests.support.processes import STRONG_SECRET, project_env, run_release, web_process

SUITES = ["tests/matrix", "tests/contract", "tests/serverless"]
WORKERS = 2
CHEAP_ARGON2 = Path(__file__).parent / "prototypes" / "cheap_argon2"
# Phase of each test: (node id prefix, test function or "" for all), first match wins.
PHASES: list[tuple[str, str, str]] = [
    ("tests/matrix/test_render.py", "test_ruff_is_clean", "lint"),
    ("tests/matrix/test_render.py", "", "render"),
    ("tests/matrix/test_config_files.py", "", "lint"),
    ("tests/matrix/test_dependencies.py", "", "lint"),
    ("tests/matrix/test_own_suite.py", "", "own suite"),
    ("tests/contract/", "", "contract"),
    ("tests/serverless/", "", "serverless"),
]
# Helper time moved out of the test that happened to pay it, into the phase it belongs to.
HELPER_PHASES = {"render (Copier)": "render", "PostgreSQL server start": "fixtures (PostgreSQL)"}


def phase_of(record: dict[str, Any]) -> str:
    for prefix, function, phase in PHASES:
        if record["module"].startswith(prefix) and function in ("", record["function"]):
            return phase
    return f"other ({record['module']})"


def run_matrix(sample: int, label: str = "", workers: int = WORKERS) -> dict[str, Any]:
    """Run the matrix (every `sample`-th combination) and return the plugin's records, merged."""
    out = work_dir("matrix")
    env = {
        **os.environ,
        "BENCH_MATRIX_OUT": str(out),
        "BENCH_MATRIX_SAMPLE": str(sample),
        "PYTHONPATH": str(REPO),
    }
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-n",
        str(workers),
        "--dist",
        "loadgroup",
        *SUITES,
        "-p",
        "bench.matrix_plugin",
        "-p",
        "no:cacheprovider",
        "-q",
    ]
    log(f"matrix{label}: {' '.join(command[2:])} (sample 1/{sample})")
    timed = timed_process(command, cwd=REPO, env=env, timeout=3600)
    summary = [
        line for line in timed.output.splitlines() if re.search(r"\d+ (passed|failed)", line)
    ]
    records = [json.loads(path.read_text()) for path in sorted(out.glob("gw*.json"))]
    shutil.rmtree(out, ignore_errors=True)
    return {
        "command": "python -m pytest " + " ".join(command[3:]),
        "wall_s": timed.wall,
        "cpu_s": timed.cpu_s,
        "max_rss_mib": timed.max_rss_mib,
        "returncode": timed.returncode,
        "summary": summary[-1].strip("= ") if summary else timed.output[-500:],
        "workers": records,
        "sample": sample,
    }


def aggregate(run: dict[str, Any]) -> dict[str, Any]:
    """Worker-seconds per phase, framework, test function and helper; renders and combinations."""
    phases: dict[str, float] = defaultdict(float)
    frameworks: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    functions: dict[str, list[float]] = defaultdict(lambda: [0, 0.0])
    helpers: dict[str, list[float]] = defaultdict(lambda: [0, 0.0])
    combos: set[str] = set()
    renders = 0
    startup = []
    for worker in run["workers"]:
        if worker["first_test_start"]:
            startup.append(worker["first_test_start"] - worker["process_start"])
            phases["pytest start-up + collection"] += startup[-1]
        for name, (count, seconds) in worker["helpers"].items():
            helpers[name][0] += count
            helpers[name][1] += seconds
        for record in worker["records"]:
            phase = phase_of(record)
            wall = record["wall"]
            framework = record["framework"] or "(none)"
            for helper, (count, seconds) in record["helpers"].items():
                if helper in HELPER_PHASES:
                    wall -= seconds
                    phases[HELPER_PHASES[helper]] += seconds
                    frameworks[framework][HELPER_PHASES[helper]] += seconds
                    renders += count if helper == "render (Copier)" else 0
            phases[phase] += wall
            frameworks[framework][phase] += wall
            key = f"{record['module'].split('/')[-1]}::{record['function']}"
            functions[key][0] += 1
            functions[key][1] += wall
            if record["combination"]:
                combos.add(combination_id(record["combination"]))
    worker_seconds = sum(phases.values())
    return {
        "phases": dict(sorted(phases.items(), key=lambda kv: -kv[1])),
        "frameworks": {k: dict(v) for k, v in frameworks.items()},
        "functions": dict(sorted(functions.items(), key=lambda kv: -kv[1][1])),
        "helpers": dict(sorted(helpers.items(), key=lambda kv: -kv[1][1])),
        "combinations": len(combos),
        "renders": renders,
        "worker_seconds": worker_seconds,
        "startup_s": startup,
    }


def pairwise_subset(framework: str) -> list[dict[str, Any]]:
    """A small set of the framework's valid combinations covering every valid pair of option
    values (greedy): the candidates for the slow phases under a tiered matrix."""
    combos = valid_combinations(framework=framework)
    names = [q.name for q in load().option_questions() if q.name != FRAMEWORK]

    def pairs_of(combination: dict[str, Any]) -> set[tuple[Any, ...]]:
        return {(a, combination[a], b, combination[b]) for a, b in pairs(names, 2)}

    needed = set().union(*(pairs_of(c) for c in combos)) if combos else set()
    chosen: list[dict[str, Any]] = []
    while needed:
        best = max(combos, key=lambda c: len(pairs_of(c) & needed))
        chosen.append(best)
        needed -= pairs_of(best)
    return chosen


def own_suite_profile(project: Path, env: dict[str, str]) -> dict[str, Any]:
    """Inside one project's own suite: interpreter, app import, pytest start-up and collection,
    the tests themselves by file, and the functions that take the most time (cProfile)."""
    python = str(VENV_BIN / "python")
    plugins = [
        "-p",
        "no:cacheprovider",
        "-p",
        "no:schemathesis",
        "-p",
        "no:copie",
        "-p",
        "no:xdist",
    ]
    target = _procfile_import(project)

    def wall(command: list[str], runs: int = 3) -> float:
        return min(timed_process(command, cwd=project, env=env).wall for _ in range(runs))

    found: dict[str, Any] = {
        "interpreter_s": wall([python, "-c", "pass"]),
        "app_import_s": wall(
            [python, "-c", f"import sys; sys.path.insert(0, '.'); import {target}"]
        ),
        "collect_s": wall([python, "-m", "pytest", "--collect-only", "-q", *plugins]),
    }
    full = timed_process(
        [python, "-m", "pytest", "-q", "--durations=0", "--durations-min=0", *plugins],
        cwd=project,
        env=env,
    )
    found["suite_s"] = full.wall
    found["summary"] = next(
        (line.strip("= ") for line in full.output.splitlines()[::-1] if " passed" in line), "?"
    )
    by_file: dict[str, float] = defaultdict(float)
    for seconds, _phase, nodeid in re.findall(
        r"^([\d.]+)s (setup|call|teardown)\s+(\S+)", full.output, re.M
    ):
        by_file[nodeid.split("::")[0]] += float(seconds)
    found["by_file"] = dict(sorted(by_file.items(), key=lambda kv: -kv[1]))
    found["slowest"] = re.findall(r"^([\d.]+s (?:setup|call|teardown)\s+\S+)", full.output, re.M)[
        :6
    ]
    stats_file = project.parent / f"{project.name}.pstats"
    timed_process(
        [python, "-m", "cProfile", "-o", stats_file, "-m", "pytest", "-q", *plugins],
        cwd=project,
        env=env,
    )
    found["profile"] = _top_functions(stats_file)
    return found


def _procfile_import(project: Path) -> str:
    """The module the Procfile's web: line serves (`app.main` from `app.main:app`)."""
    from bench.frameworks import bare

    answers = (project / ".copier-answers.yml").read_text()
    framework = re.search(r"^framework: (\w+)", answers, re.M)
    spec = bare(framework.group(1)) if framework else None
    return spec.procfile_target.split(":")[0] if spec else "app"


def _top_functions(stats_file: Path, top: int = 12) -> list[dict[str, Any]]:
    import pstats

    stats = pstats.Stats(str(stats_file))
    total = max(v[3] for v in stats.stats.values())  # type: ignore[attr-defined]
    rows = []
    for (filename, line, name), (_cc, calls, tottime, cumtime, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        where = filename.split("site-packages/", 1)[-1].split("lib/python3.11/", 1)[-1]
        rows.append(
            {
                "function": f"{where}:{line}({name})",
                "calls": calls,
                "tottime_s": tottime,
                "cumtime_s": cumtime,
            }
        )
    interesting = [
        r
        for r in rows
        if not r["function"].startswith(("<frozen", "~", "<string>"))
        and not re.search(r"(pluggy|_pytest|runner|python_api|main)\.py|callers", r["function"])
    ]
    by_tottime = sorted(rows, key=lambda r: -r["tottime_s"])[:top]
    by_cumtime = sorted(interesting, key=lambda r: -r["cumtime_s"])[:top]
    return [{"total_s": total}, {"by_tottime": by_tottime}, {"by_cumtime": by_cumtime}]


def contract_prototype(project: Path, combination: dict[str, Any]) -> dict[str, Any]:
    """The HTTP contract checks of one combination against its app, as the tests run them, with
    the production Argon2 profile and with a cheap one (bench/prototypes/cheap_argon2)."""
    answers = {**combination, "project_name": "My Service"}
    found = {}
    for label, extra in (
        ("production Argon2", {}),
        ("cheap Argon2", {"PYTHONPATH": str(CHEAP_ARGON2)}),
    ):
        env = project_env(SECRET_KEY=STRONG_SECRET, **extra)
        if combination["database"] != "none":
            env["DATABASE_URL"] = f"sqlite:///{project.parent / (label.replace(' ', '-') + '.db')}"
        start = time.perf_counter()
        run_release(project, env=env)
        released = time.perf_counter()
        with web_process(project, env=env) as app:
            base_url = app.base_url
            started = time.perf_counter()
            failures = 0
            for check in contract.applicable_checks(answers).values():
                with httpx.Client(base_url=base_url, timeout=30) as client:
                    try:
                        check(client, answers)
                    except AssertionError:
                        failures += 1
            checked = time.perf_counter()
        found[label] = {
            "release_s": released - start,
            "start_s": started - released,
            "checks_s": checked - started,
            "failures": failures,
        }
    return found


def profile_and_prototypes() -> dict[str, Any]:
    """One representative combination (the richest SQLite one of the first framework)."""
    from tests.support.combinations import enabled_frameworks

    framework = enabled_frameworks()[0]
    combination = richest(framework, lambda c: c["database"] == "sqlite")
    assert combination is not None
    root = work_dir("matrix-profile")
    project = render(combination, root / combination_id(combination))
    env = project_env()
    result = {
        "combination": combination_id(combination),
        "own_suite": own_suite_profile(project, env),
        "contract": contract_prototype(project, combination),
        "render": render_prototype(combination, root),
    }
    shutil.rmtree(root, ignore_errors=True)
    return result


def render_prototype(combination: dict[str, Any], root: Path, runs: int = 5) -> dict[str, Any]:
    """In-process renders as the tests make them (pytest-copie: this git repo at vcs_ref HEAD,
    which Copier clones for every render) vs from a plain copy of the working tree made once."""
    import warnings

    import copier
    from copier.errors import DirtyLocalWarning

    plain = root / "template-copy"
    shutil.copytree(REPO / "templates", plain / "templates")
    shutil.copy2(REPO / "copier.yml", plain / "copier.yml")
    data = {**load().answers_for_defaults(), **combination}
    timings: dict[str, list[float]] = {
        "git repo, vcs_ref HEAD (as the tests)": [],
        "plain copy": [],
    }
    for number in range(runs + 1):
        for label, source, ref in (
            ("git repo, vcs_ref HEAD (as the tests)", REPO, "HEAD"),
            ("plain copy", plain, None),
        ):
            destination = root / f"render-{number}-{len(timings[label])}-{ref}"
            start = time.perf_counter()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DirtyLocalWarning)
                copier.run_copy(
                    str(source), destination, data=data, defaults=True, unsafe=True, quiet=True,
                    vcs_ref=ref,
                )  # fmt: skip
            if number:  # the first round warms up
                timings[label].append(time.perf_counter() - start)
            shutil.rmtree(destination, ignore_errors=True)
    return {label: sorted(values)[len(values) // 2] for label, values in timings.items()}


def run(*, quick: bool) -> dict[str, Any]:
    sample = 8 if quick else 1
    total = len(valid_combinations())
    measured = run_matrix(sample)
    aggregated = aggregate(measured)
    result: dict[str, Any] = {
        "run": {k: v for k, v in measured.items() if k != "workers"},
        "aggregate": aggregated,
        "total_combinations": total,
    }
    log(
        f"matrix: {measured['wall_s']:.0f} s wall for {aggregated['combinations']} combinations "
        f"({measured['summary']})"
    )
    try:
        result["profile"] = profile_and_prototypes()
        # More workers than cores, on every 8th combination, one run after the other: does
        # waiting on subprocesses and servers leave the cores idle?
        two = run_matrix(8, label=" (2 workers)")
        four = run_matrix(8, label=" (4 workers)", workers=4)
        result["workers"] = {
            "sample": two["sample"],
            "2": {"wall_s": two["wall_s"], **_renders(two), "summary": two["summary"]},
            "4": {"wall_s": four["wall_s"], **_renders(four), "summary": four["summary"]},
        }
    except Exception as error:  # the main measurement stands without the prototypes
        log(f"matrix prototypes failed: {error!r}")
        result["prototype_error"] = repr(error)
    result["pairwise"] = {
        framework: {
            "subset": len(pairwise_subset(framework)),
            "all": len(valid_combinations(framework=framework)),
        }
        for framework in {c["framework"] for c in valid_combinations()}
    }
    return result


def _renders(run: dict[str, Any]) -> dict[str, Any]:
    aggregated = aggregate(run)
    return {"renders": aggregated["renders"], "combinations": aggregated["combinations"]}
