"""The whole suite on 2 cores, per phase and per framework, and its projection to 168.

Runs `pytest -n 2 --dist loadgroup tests` (everything scripts/test runs) with
bench/matrix_plugin.py recording each test and each step of the harness; then profiles the
largest per-combination phase (a project's own suite) inside one combination. `--quick` runs a
labelled sample (every 8th combination) and scales it up.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

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
from scaffold.questionnaire import load
from tests.support.processes import declared_pytest_plugins, project_env

SUITES = ["tests"]
WORKERS = 2
# Phase of each test: (node id prefix, test function or "" for all), first match wins.
PHASES: list[tuple[str, str, str]] = [
    ("tests/matrix/test_render.py", "test_ruff_is_clean", "lint"),
    ("tests/matrix/test_render.py", "", "render"),
    ("tests/matrix/test_config_files.py", "", "lint"),
    ("tests/matrix/test_dependencies.py", "", "lint"),
    ("tests/matrix/test_own_suite.py", "", "own suite"),
    ("tests/contract/test_production_mode.py", "", "production mode"),
    ("tests/contract/", "", "contract"),
    ("tests/security/test_api_fuzzing.py", "", "schemathesis"),
    ("tests/security/test_generator_bad_input.py", "", "generator bad input"),
    ("tests/security/", "", "security"),
    ("tests/serverless/", "", "serverless"),
    ("tests/production/", "", "container start"),
    ("tests/standalone/", "", "standalone install"),
    ("tests/update/", "", "update"),
    ("tests/e2e/", "", "e2e"),
    ("tests/", "", "unit"),
]
# Step time moved out of the test that happened to pay it, into the phase it belongs to.
HELPER_PHASES = {
    "render (Copier)": "render",
    "PostgreSQL server start": "fixtures (PostgreSQL)",
    "deployment: migrate and start": "deployment",
}


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
    # CI's own limit: on a slow machine the suite outlasts an hour, and a run cut short says little.
    timed = timed_process(command, cwd=REPO, env=env, timeout=90 * 60)
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
        "failed": sorted(
            record["nodeid"]
            for worker in records
            for record in worker["records"]
            if record.get("failed")
        ),
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
    # How each test function grows: with the combinations (parametrized over them), with the
    # frameworks (a few per framework: its fullest, one per database kind), or not at all.
    frameworks_enabled = max(
        len({r["framework"] for w in run["workers"] for r in w["records"] if r["framework"]}), 1
    )
    touched: dict[str, set[str]] = defaultdict(set)
    for worker in run["workers"]:
        for record in worker["records"]:
            if record["combination"]:
                key = f"{record['module'].split('/')[-1]}::{record['function']}"
                touched[key].add(combination_id(record["combination"]))
    scaling = {
        key: "combination" if len(ids) > 3 * frameworks_enabled else "framework"
        for key, ids in touched.items()
    }
    return {
        "phases": dict(sorted(phases.items(), key=lambda kv: -kv[1])),
        "frameworks": {k: dict(v) for k, v in frameworks.items()},
        "functions": dict(sorted(functions.items(), key=lambda kv: -kv[1][1])),
        "scaling": scaling,
        "helpers": dict(sorted(helpers.items(), key=lambda kv: -kv[1][1])),
        "combinations": len(combos),
        "renders": renders,
        "worker_seconds": worker_seconds,
        "startup_s": startup,
    }


def own_suite_profile(project: Path, env: dict[str, str]) -> dict[str, Any]:
    """Inside one project's own suite: interpreter, app import, pytest start-up and collection,
    the tests themselves by file, and the functions that take the most time (cProfile)."""
    python = str(VENV_BIN / "python")
    # As the harness runs it: the project's own pytest plugins only.
    plugins = ["-p", "no:cacheprovider"]
    plugins += [arg for module in declared_pytest_plugins(project) for arg in ("-p", module)]
    env = {**env, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
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
    from tests.support.frameworks import FRAMEWORKS

    answers = (project / ".copier-answers.yml").read_text()
    framework = re.search(r"^framework: (\w+)", answers, re.M)
    spec = FRAMEWORKS.get(framework.group(1)) if framework else None
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
    except Exception as error:  # the main measurement stands without the profile
        log(f"matrix profile failed: {error!r}")
        result["prototype_error"] = repr(error)
    return result
