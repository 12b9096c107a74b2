"""Serverless cold start: import + first event through the handler, generated vs bare adapter.

Each sample is a fresh interpreter (as a new Lambda container is): the handler module is imported
and sent one API Gateway HTTP API (v2) GET /health. The bare side is the framework's bare app behind
the same adapter (tests/support/frameworks.py). Byte-code is compiled by a warm-up run first, as a
deployment package would carry it.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path
from typing import Any

from bench.common import combination_id, log, median, render, richest, timed_process, work_dir
from tests.support.combinations import enabled_frameworks
from tests.support.frameworks import framework as framework_facts
from tests.support.processes import STRONG_SECRET, project_env

DRIVER = Path(__file__).with_name("cold_start_driver.py")


def sample(directory: Path, module: str, env: dict[str, str]) -> dict[str, float]:
    """One fresh process: whole-process wall, and the import and first-event times inside it."""
    timed = timed_process([sys.executable, DRIVER, module], cwd=directory, env=env, timeout=120)
    if timed.returncode != 0:
        raise RuntimeError(f"cold start of {directory.name} failed:\n{timed.output[-3000:]}")
    inner = json.loads(timed.output.strip().splitlines()[-1])
    if inner["status"] != 200:
        raise RuntimeError(f"{directory.name}: GET /health answered {inner['status']}")
    return {
        "process_s": timed.wall,
        "max_rss_mib": timed.max_rss_mib,
        "handler_s": inner["import_s"] + inner["first_event_s"],
        **inner,
    }


def import_profile(directory: Path, module: str, env: dict[str, str], top: int = 12) -> list[Any]:
    """`python -X importtime`: the top-level imports that cost the most (cumulative)."""
    timed = timed_process(
        [
            sys.executable,
            "-X",
            "importtime",
            "-c",
            f"import sys; sys.path.insert(0, '.'); import {module}",
        ],
        cwd=directory,
        env=env,
        timeout=120,
    )
    rows = []
    for line in timed.output.splitlines():
        match = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)", line)
        depth = (len(match.group(3)) - 1) // 2 if match else -1
        if match and 1 <= depth <= 2:  # what the handler imports, and what those import
            rows.append(
                {
                    "module": match.group(4),
                    "cumulative_ms": int(match.group(2)) / 1000,
                    "depth": depth,
                }
            )
    return sorted(rows, key=lambda row: row["cumulative_ms"], reverse=True)[:top]


def measure_framework(framework: str, runs: int) -> dict[str, Any] | None:
    spec = framework_facts(framework)
    if spec.bare_lambda is None:
        return None
    root = work_dir(f"coldstart-{framework}")
    env = project_env(SECRET_KEY=STRONG_SECRET, APP_ENV="production")
    bare_dir = root / "bare"
    bare_dir.mkdir()
    (bare_dir / "bare_app.py").write_text(spec.bare_app)
    (bare_dir / "bare_handler.py").write_text(spec.bare_lambda)
    variants: list[dict[str, Any]] = [
        {"label": "bare + adapter", "id": "bare", "dir": bare_dir, "module": "bare_handler"}
    ]
    for label, where in (
        ("generated, SQLite", lambda c: c["serverless"] and c["database"] == "sqlite"),
        ("generated, no database", lambda c: c["serverless"] and c["database"] == "none"),
    ):
        combination = richest(framework, where)
        if combination is not None:
            project = render(combination, root / combination_id(combination))
            variants.append(
                {
                    "label": label,
                    "id": combination_id(combination),
                    "dir": project,
                    "module": "handler",
                    "sqlite": combination["database"] == "sqlite",
                }
            )

    def env_for(variant: dict[str, Any], run_number: int) -> dict[str, str]:
        if not variant.get("sqlite"):
            return env
        # As on Lambda: an empty /tmp, where the handler creates the schema at cold start.
        empty = root / f"tmp-{variant['id']}-{run_number}"
        empty.mkdir()
        return {**env, "DATABASE_URL": f"sqlite:///{empty / 'app.db'}"}

    samples: dict[str, list[dict[str, float]]] = {v["label"]: [] for v in variants}
    for variant in variants:  # warm-up: byte-code compiled, files in the page cache
        sample(variant["dir"], variant["module"], env_for(variant, -1))
    for run_number in range(runs):
        for variant in variants if run_number % 2 == 0 else reversed(variants):
            samples[variant["label"]].append(
                sample(variant["dir"], variant["module"], env_for(variant, run_number))
            )
    rows = []
    for variant in variants:
        got = samples[variant["label"]]
        rows.append(
            {
                "variant": variant["label"],
                "combination": variant["id"],
                "runs": len(got),
                **{
                    key: median([s[key] for s in got])
                    for key in (
                        "handler_s",
                        "import_s",
                        "first_event_s",
                        "process_s",
                        "max_rss_mib",
                    )
                },
                "handler_s_all": [s["handler_s"] for s in got],
            }
        )
        log(f"cold start {framework} {variant['label']}: {rows[-1]['handler_s'] * 1000:.0f} ms")
    base = rows[0]["handler_s"]
    for row in rows:
        row["ratio"] = row["handler_s"] / base
    generated = variants[1] if len(variants) > 1 else None
    imports = (
        import_profile(generated["dir"], generated["module"], env_for(generated, 99))
        if generated
        else []
    )
    bare_imports = import_profile(bare_dir, "bare_handler", env)
    profiles = {}
    for variant in variants[1:]:
        timed = timed_process(
            [sys.executable, DRIVER, variant["module"], "--profile"],
            cwd=variant["dir"],
            env=env_for(variant, 100),
            timeout=120,
        )
        if timed.returncode == 0:
            profiles[variant["label"]] = json.loads(timed.output.strip().splitlines()[-1])
    shutil.rmtree(root, ignore_errors=True)
    return {
        "framework": framework,
        "rows": rows,
        "imports": imports,
        "bare_imports": bare_imports,
        "profiles": profiles,
    }


def run(*, quick: bool) -> dict[str, Any]:
    runs = 5 if quick else 9
    measured = [measure_framework(f, runs) for f in enabled_frameworks()]
    return {
        "runs": runs,
        "frameworks": [m for m in measured if m is not None],
        "without_lambda": [
            f for f in enabled_frameworks() if framework_facts(f).bare_lambda is None
        ],
    }
