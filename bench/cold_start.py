"""Serverless cold start: import + first event through the handler of the *built* function
(`sam build`, as the project's README deploys it), against the framework's bare app behind the
same adapter, installed the same way at the same versions.

Each sample is a fresh interpreter of the Lambda runtime's Python (`-I -S`: nothing importable but
the artifact, as on Lambda), started in the artifact folder; the handler module is imported and
sent one API Gateway HTTP API (v2) GET /health. `-B` as well: Lambda's code folder is read-only
and the artifact carries no byte-code, so every cold start compiles what it imports, and so does
every sample.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

from bench.common import combination_id, log, median, render, richest, timed_process, work_dir
from tests.support.combinations import enabled_frameworks
from tests.support.frameworks import framework as framework_facts
from tests.support.lambda_client import LambdaFunction
from tests.support.locking import UV, lock_project
from tests.support.postgres import PostgresServer, PostgresUnavailable
from tests.support.processes import STRONG_SECRET, project_env
from tests.support.sam import (
    SamBuild,
    install_sam_cli,
    installed_distributions,
    runtime_python,
    sam_build,
)

DRIVER = Path(__file__).with_name("cold_start_driver.py")
LAMBDA_ENV = {"AWS_LAMBDA_FUNCTION_NAME": "bench"}


def sample(python: Path, directory: Path, module: str, env: dict[str, str]) -> dict[str, float]:
    """One fresh process: whole-process wall, and the import and first-event times inside it."""
    timed = timed_process(
        [python, "-I", "-S", "-B", DRIVER, module], cwd=directory, env=env, timeout=120
    )
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


def import_profile(
    python: Path, directory: Path, module: str, env: dict[str, str], top: int = 12
) -> list[Any]:
    """`python -X importtime`: the top-level imports that cost the most (cumulative)."""
    timed = timed_process(
        [python, "-I", "-S", "-B", "-X", "importtime", "-c",
         "import os, sys; sys.path[:0] = os.environ['BENCH_IMPORT_PATH'].split(os.pathsep); "
         f"import {module}"],
        cwd=directory, env=env, timeout=120,
    )  # fmt: skip
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


def bare_artifact(framework: str, built: SamBuild, python: Path, directory: Path) -> Path:
    """The bare app and its adapter, installed and compiled as the project's Makefile does its
    dependencies (same platform, same Python, the artifact's versions, byte-code)."""
    spec = framework_facts(framework)
    assert spec.bare_lambda is not None
    directory.mkdir()
    (directory / "bare_app.py").write_text(spec.bare_app)
    (directory / "bare_handler.py").write_text(spec.bare_lambda)
    versions = {
        name: version
        for folder in built.functions["WebFunction"].path
        for name, version in installed_distributions(folder).items()
    }
    platform = re.search(r"^PLATFORM := (\S+)", (built.project / "Makefile").read_text(), re.M)
    assert platform, "no PLATFORM in the project's Makefile"
    subprocess.run(
        [UV, "pip", "install", "--quiet", "--target", directory,
         "--python-version", built.python_version, "--python-platform", platform.group(1),
         "--only-binary", ":all:",
         *(f"{name}=={versions[name]}" for name in spec.lambda_requirements)],
        cwd=directory, env=project_env(), check=True, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    subprocess.run(
        [python, "-m", "compileall", "-q", "-j", "0", "--invalidation-mode", "unchecked-hash",
         directory],
        check=True, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    return directory


def measure_framework(framework: str, runs: int, postgres: PostgresServer | None) -> Any:
    spec = framework_facts(framework)
    if spec.bare_lambda is None:
        return None
    root = work_dir(f"coldstart-{framework}")
    env = project_env(SECRET_KEY=STRONG_SECRET, APP_ENV="production", **LAMBDA_ENV)
    variants: list[dict[str, Any]] = []
    sam = install_sam_cli(root)
    for label, where in (
        ("generated, PostgreSQL", lambda c: c["serverless"] and c["database"] == "postgresql"),
        ("generated, no database", lambda c: c["serverless"] and c["database"] == "none"),
    ):
        combination = richest(framework, where)
        if combination is None or (combination["database"] != "none" and postgres is None):
            continue
        project = render(combination, root / combination_id(combination))
        lock_project(project)
        built = sam_build(project, sam)
        variant_env = dict(env)
        python = runtime_python(built.python_version)
        if python is None:
            raise RuntimeError(f"no Python {built.python_version} for the {built.runtime} runtime")
        if postgres is not None and combination["database"] != "none":
            variant_env["DATABASE_URL"] = postgres.create_database("coldstart")
            migrate = built.functions["MigrateFunction"]
            with LambdaFunction(python, migrate, variant_env) as function:
                function.invoke({})  # the README's `sam remote invoke MigrateFunction`
        web = built.functions["WebFunction"]
        variants.append(
            {
                "label": label,
                "id": combination_id(combination),
                "dir": web.artifact,
                "path": web.path,
                "module": web.handler.rpartition(".")[0],
                "env": variant_env,
                "python": python,
                "build_s": built.seconds,
                "built": built,
            }
        )
    if not variants:
        return None
    first = variants[0]
    bare_dir = bare_artifact(framework, first["built"], first["python"], root / "bare")
    for variant in variants:
        variant["env"] = {
            **variant["env"],
            "BENCH_IMPORT_PATH": os.pathsep.join(map(str, variant["path"])),
        }
    variants.insert(
        0,
        {"label": "bare + adapter", "id": "bare", "dir": bare_dir, "path": (bare_dir,),
         "module": "bare_handler",
         "env": {**env, "BENCH_IMPORT_PATH": str(bare_dir)}, "python": first["python"],
         "build_s": None},
    )  # fmt: skip

    samples: dict[str, list[dict[str, float]]] = {v["label"]: [] for v in variants}
    for variant in variants:  # warm-up: files in the page cache
        sample(variant["python"], variant["dir"], variant["module"], variant["env"])
    for run_number in range(runs):
        for variant in variants if run_number % 2 == 0 else reversed(variants):
            samples[variant["label"]].append(
                sample(variant["python"], variant["dir"], variant["module"], variant["env"])
            )
    rows = []
    for variant in variants:
        got = samples[variant["label"]]
        keys = ("handler_s", "import_s", "first_event_s", "process_s", "max_rss_mib")
        rows.append(
            {
                "variant": variant["label"],
                "combination": variant["id"],
                "runs": len(got),
                "sam_build_s": variant["build_s"],
                **{key: median([s[key] for s in got]) for key in keys},
                "handler_s_all": [s["handler_s"] for s in got],
            }
        )
        log(f"cold start {framework} {variant['label']}: {rows[-1]['handler_s'] * 1000:.0f} ms")
    base = rows[0]["handler_s"]
    for row in rows:
        row["ratio"] = row["handler_s"] / base
    generated = variants[1]
    imports = import_profile(
        generated["python"], generated["dir"], generated["module"], generated["env"]
    )
    bare_imports = import_profile(first["python"], bare_dir, "bare_handler", variants[0]["env"])
    profiles = {}
    for variant in variants[1:]:
        timed = timed_process(
            [variant["python"], "-I", "-S", "-B", DRIVER, variant["module"], "--profile"],
            cwd=variant["dir"], env=variant["env"], timeout=120,
        )  # fmt: skip
        if timed.returncode == 0:
            profiles[variant["label"]] = json.loads(timed.output.strip().splitlines()[-1])
    shutil.rmtree(root, ignore_errors=True)
    return {
        "framework": framework,
        "python": first["built"].runtime,
        "rows": rows,
        "imports": imports,
        "bare_imports": bare_imports,
        "profiles": profiles,
    }


def run(*, quick: bool) -> dict[str, Any]:
    runs = 5 if quick else 9
    try:
        postgres: PostgresServer | None = PostgresServer()
    except PostgresUnavailable:
        postgres = None
    if postgres is not None:
        postgres.start()
    try:
        measured = [measure_framework(f, runs, postgres) for f in enabled_frameworks()]
    finally:
        if postgres is not None:
            postgres.stop()
    return {
        "runs": runs,
        "frameworks": [m for m in measured if m is not None],
        "without_lambda": [
            f for f in enabled_frameworks() if framework_facts(f).bare_lambda is None
        ],
    }
