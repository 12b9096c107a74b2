"""docs/benchmarks.md from bench/results.json: the tables, the machine, the method, the reasons."""

from __future__ import annotations

from typing import Any

from bench.first_green import UV as UV_PATH
from tests.support.questionnaires import combinations_once_all_enabled

# CI stops at 90 minutes; the suite keeps well inside it with all five frameworks.
SUITE_TARGET_S = 40 * 60
PROJECTED_TARGET_S = 35 * 60
PER_COMBINATION_TARGET_S = 20
WORKERS = 2
STARTUP_TARGET_S = 0.15
# What copier.yml allows once all five frameworks are enabled (docs/contract.md gives 168).
ALL_FRAMEWORKS_COMBINATIONS = combinations_once_all_enabled()


def _f(value: float | None, digits: int = 2) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _met(ok: bool | None) -> str:
    return "–" if ok is None else ("**met**" if ok else "**missed**")


def _table(header: list[str], rows: list[list[Any]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return lines + [""]


def _meta(part: dict[str, Any]) -> str:
    meta = part.get("_meta", {})
    quick = " — **quick run (`--quick`): indicative only**" if meta.get("quick") else ""
    load = (
        f", load average {meta['load_start']} at start, {meta['load_end']} at end"
        if "load_start" in meta
        else ""
    )
    return (
        f"_Measured {meta.get('when', '?')} in {meta.get('seconds', 0) / 60:.1f} min{load}{quick}._"
    )


# --- summary ----------------------------------------------------------------------------------


def summary(results: dict[str, Any]) -> list[str]:
    rows: list[list[Any]] = []
    gen = results.get("generation")
    if gen:
        for fw in gen["frameworks"]:
            row = next(r for r in fw["rows"] if r["variant"] == fw["measured"])
            other = fw.get("against_cookiecutter_django")
            if other:  # the target: no slower than cookiecutter-django's default project
                rows.append(
                    [
                        f"Generation, {fw['framework']} fullest (`{fw['measured']}` / "
                        "cookiecutter-django default, the same no-op `uv` for both)",
                        f"{other['ratio']:.2f}× ({other['scaffold_s']:.2f} s vs "
                        f"{other['cookiecutter_django_s']:.2f} s; with its real `uv lock`: "
                        f"{other['scaffold_as_run_s']:.2f} s)",
                        "≤ 1.00×",
                        _met(other["ratio"] <= 1.0),
                    ]
                )
                continue
            rows.append(
                [
                    f"Generation, {fw['framework']} fullest (`{fw['measured']}` / floor)",
                    f"{row['ratio']:.2f}× ({row['wall_s']:.2f} s vs {fw['rows'][0]['wall_s']:.2f} "
                    "s)",
                    "≤ 1.15×",
                    _met(row["ratio"] <= 1.15),
                ]
            )
    for name, row in ((gen or {}).get("startup") or {}).items():
        if name.startswith("scaffold"):
            rows.append(
                [
                    f"Start-up, `{name}` (whole process)",
                    f"{row['wall_s']:.3f} s",
                    f"≤ {STARTUP_TARGET_S:.2f} s",
                    _met(row["wall_s"] <= STARTUP_TARGET_S),
                ]
            )
    mx = results.get("matrix")
    if mx:
        projection = matrix_projection(mx)
        rows.append(
            [
                f"Whole suite, all {projection['enabled']} enabled combinations, 2 cores",
                f"{projection['enabled_wall'] / 60:.1f} min"
                + (" (scaled from a sample)" if projection["scaled"] else ""),
                "≤ 40 min",
                _met(projection["enabled_wall"] <= SUITE_TARGET_S),
            ]
        )
        rows.append(
            [
                "Whole suite, worker-seconds per combination (average, everything included)",
                f"{projection['average_worker_s']:.1f} worker-s",
                f"≤ {PER_COMBINATION_TARGET_S} worker-s",
                _met(projection["average_worker_s"] <= PER_COMBINATION_TARGET_S),
            ]
        )
        rows.append(
            [
                f"Whole suite, projected to {ALL_FRAMEWORKS_COMBINATIONS} combinations (5 "
                "frameworks)",
                f"{projection['all_wall'] / 60:.0f} min",
                "≤ 35 min",
                _met(projection["all_wall"] <= PROJECTED_TARGET_S),
            ]
        )
    ov = results.get("overhead")
    if ov:
        for fw in ov["frameworks"]:
            bare = {r["endpoint"]: r for r in fw["rows"] if r["variant"] == "bare"}
            for row in fw["rows"]:
                if row["variant"] != "bare" and row["ratio"] is not None:
                    base = bare[row["endpoint"]]
                    rows.append(
                        [
                            f"App overhead, {fw['framework']} {row['variant']}, `GET "
                            f"{row['endpoint']}` req/s",
                            f"{row['ratio']:.2f}× bare ({row['requests_per_s']:.0f} vs "
                            f"{base['requests_per_s']:.0f} req/s; p99 {row['p99_ms']:.0f} vs "
                            f"{base['p99_ms']:.0f} ms)",
                            "≥ 0.9×",
                            _met(row["ratio"] >= 0.9),
                        ]
                    )
    cs = results.get("coldstart")
    if cs:
        for fw in cs["frameworks"]:
            for row in fw["rows"][1:]:
                rows.append(
                    [
                        f"Cold start, {fw['framework']} {row['variant']}",
                        f"{row['ratio']:.2f}× bare + adapter ({row['handler_s'] * 1000:.0f} vs "
                        f"{fw['rows'][0]['handler_s'] * 1000:.0f} ms)",
                        "≤ 1.3×",
                        _met(row["ratio"] <= 1.3),
                    ]
                )
    fg = results.get("firstgreen")
    if fg:
        for fw in fg["frameworks"]:
            total = fw["median"]["total"]
            if not fw["median"].get("green", True):
                rows.append(
                    [
                        f"Time to first green, {fw['framework']} `{fw['combination']}`",
                        f"{total:.0f} s, **tests not green** ({fw['median']['tests']})",
                        "≤ 60 s",
                        "not valid",
                    ]
                )
                continue
            rows.append(
                [
                    f"Time to first green, {fw['framework']} `{fw['combination']}`",
                    f"{total:.0f} s",
                    "≤ 60 s",
                    _met(total <= 60),
                ]
            )
    ws = results.get("websockets")
    if ws:
        for fw in ws["frameworks"]:
            rows.append(
                [
                    f"Idle WebSocket connections, {fw['framework']}, one process",
                    f"{fw['held']} held, {fw['kib_per_connection']:.0f} KiB each; broadcast "
                    f"reached {fw['broadcast_received']}",
                    "every client reached",
                    _met(fw["broadcast_received"] == fw["held"]),
                ]
            )
    return ["## Summary", "", *_table(["measure", "figure", "target", ""], rows)]


# --- machine and method -----------------------------------------------------------------------


def machine_section(results: dict[str, Any]) -> list[str]:
    m = results.get("machine", {})
    run = results.get("last_run", {})
    lines = ["## The machine", ""]
    lines += [
        f"- {m.get('cores')} cores ({m.get('cpu')}), {m.get('memory')}, {m.get('os')}",
        f"- Python {m.get('python')} (the dev venv); {m.get('wrk')}",
        "- "
        + ", ".join(
            f"{k} {v}"
            for k, v in m.items()
            if k not in {"cores", "cpu", "memory", "os", "python", "wrk"}
        ),
        f"- Last invocation of bench/run: {run.get('started')} → {run.get('finished')}, parts: "
        f"{', '.join(run.get('parts', []))}" + (" (quick)" if run.get("quick") else ""),
        f"- Load average (1 / 5 / 15 min) at start: {run.get('load_start')}; at end: "
        f"{run.get('load_end')}. "
        "Each section below gives its own time and load average. The CPU is shared with other "
        "work (other engineers' test suites ran during some parts): absolute times move with it, "
        "which is why every target except the matrix's is a ratio of two things measured side by "
        "side in the same run.",
        "",
    ]
    return lines


HOW_TO = """## How to rerun

```bash
bench/run                       # everything (35-50 min on 2 cores), rewrites this page
bench/run --quick               # short runs, a 1-in-8 sample of the matrix (about 15 min)
bench/run --only overhead       # one part: generation, matrix, overhead, coldstart,
                                #   firstgreen, websockets
bench/run --report-only         # rewrite this page from bench/results.json
```

`bench/run` installs what it needs (Debian's `wrk` and `postgresql` when missing, the dev venv
with `--group dev --group templates`), then runs `python -m bench`. Results are kept in
`bench/results.json`, so `--only` refreshes one part and keeps the others. Frameworks and
combinations come from copier.yml (`scaffold.combinations`,
`tests/support/combinations.py`); the one
per-framework table, shared with the tests, is `tests/support/frameworks.py` (the bare minimal
app, its Lambda adapter, the app target in the Procfile...), which a new framework extends with
one entry.
"""


# --- generation -------------------------------------------------------------------------------


def generation_section(part: dict[str, Any]) -> list[str]:
    lines = ["## 1. Generation", "", _meta(part), ""]
    lines.append(
        f"Whole process, as a user runs it, median of {part['runs']} runs after a warm-up round, "
        "runs "
        f"of the variants interleaved. Floor: `copier copy` of a minimal template (one question, "
        f"{part['floor_files']} one-line files). Peak memory: the process tree's max RSS (wait4)."
    )
    if any(fw.get("against_cookiecutter_django") for fw in part["frameworks"]):
        lines[-1] += (
            " Side by side: cookiecutter-django's default project (`cookiecutter --no-input`, "
            "a checkout named by `BENCH_COOKIECUTTER_DJANGO`). Both end by resolving "
            "dependencies against the package index (its post-generation `uv add`, scaffold's "
            "`uv lock`): the side-by-side figure gives both the same `uv` that does nothing "
            "(the row `scaffold new, uv stood in`); `scaffold new` is also timed as a user runs "
            "it, `uv lock` included. cookiecutter-django's `uv add` cannot run here: it asks for a "
            "Python that uv downloads from outside the package registries."
        )
    if not part["scaffold_new"]:
        lines.append(
            "**`scaffold new --no-input` did not exist when this ran: `copier copy` stands in.**"
        )
    lines.append("")
    for fw in part["frameworks"]:
        lines.append(f"### {fw['framework']}: `{fw['combination']}` ({fw['files']} files)")
        lines.append("")
        lines += _table(
            ["variant", "median wall (s)", "min–max (s)", "peak RSS (MiB)", "× floor"],
            [
                [
                    r["variant"],
                    _f(r["wall_s"]),
                    f"{min(r['walls']):.2f}–{max(r['walls']):.2f}",
                    _f(r["max_rss_mib"], 0),
                    _f(r["ratio"]),
                ]
                for r in fw["rows"]
            ],
        )
        for name, profile in fw["profiles"].items():
            shares = ", ".join(f"{k} {v:.2f} s" for k, v in profile["shares"].items())
            lines.append(
                f"- cProfile of `{name}` ({profile['total_s']:.2f} s under the profiler, "
                f"{profile['jinja_compiles']} Jinja compilations): {shares}"
            )
            sources = profile.get("by_source") or {}
            if sources:
                lines[-1] += "; Jinja work by what is rendered: " + ", ".join(
                    f"{k} {v['seconds']:.2f} s ({v['calls']} renders)" for k, v in sources.items()
                )
        measured = fw["profiles"].get(fw["measured"])
        if measured:
            lines += [
                "",
                f"Top cumulative frames of `{fw['measured']}` (copier, jinja2, scaffold):",
                "",
                *_table(
                    ["cumulative (s)", "calls", "function"],
                    [
                        [_f(t["cumtime_s"], 3), t["calls"], f"`{t['function']}`"]
                        for t in measured["top"]
                    ],
                ),
            ]
        lines += generation_reason(fw)
    startup = part.get("startup")
    if startup:
        lines += [
            "### Start-up",
            "",
            "Whole process, median of the runs, beside a bare interpreter: only the module of the "
            "command run is imported, and `--version` and `--help` import none.",
            "",
            *_table(
                ["command", "median wall (s)", "min–max (s)"],
                [
                    [
                        f"`{name}`",
                        _f(row["wall_s"], 3),
                        f"{min(row['walls']):.3f}–{max(row['walls']):.3f}",
                    ]
                    for name, row in startup.items()
                ],
            ),
        ]
    return lines


def generation_reason(fw: dict[str, Any]) -> list[str]:
    """Where the measured command's time goes beyond a plain render, from its rows and profile."""
    rows = {r["variant"]: r for r in fw["rows"]}
    measured = rows[fw["measured"]]
    other = fw.get("against_cookiecutter_django")
    if other is None or other["ratio"] <= 1.0 or "copier copy" not in rows:
        return []
    ours = fw["profiles"][fw["measured"]]
    render = rows["copier copy"]["wall_s"]
    jinja = (
        ours["shares"]["Jinja compile (parse + codegen + compile)"] + ours["shares"]["Jinja render"]
    )
    lines = [
        f"**Why the target is missed.** `{other['compared']}` takes "
        f"{other['scaffold_s']:.2f} s against cookiecutter-django's "
        f"{other['cookiecutter_django_s']:.2f} s "
        f"({other['scaffold_files']} files against {other['cookiecutter_django_files']}). "
        f"Copier's render alone (`copier copy` of this repository, its clone included) takes "
        f"{render:.2f} s "
        f"({render / other['cookiecutter_django_s']:.2f}× cookiecutter-django); under the "
        f"profiler, Jinja work is {jinja:.2f} s of `{fw['measured']}`'s {ours['total_s']:.2f} s "
        f"({ours['jinja_compiles']} compilations: the rest comes from the compile cache), its "
        f"imports {ours['shares']['imports']:.2f} s, and the processes it waits for: "
        f"`uv lock` {ours['shares']['processes: uv lock']:.2f} s, which resolves the project's "
        "dependencies against the package index (stood in for, as cookiecutter-django's `uv add` "
        "is, in the side-by-side figure), and git (the template read at its "
        "tag when the checkout is not a clean one of it, `git init`, the first commit) "
        f"{ours['shares']['processes: git and others']:.2f} s."
    ]
    if "scaffold new --no-git" in rows:
        saved = measured["wall_s"] - rows["scaffold new --no-git"]["wall_s"]
        lines[-1] += (
            f" `--no-git` saves {saved:.2f} s of wall time."
            if saved >= 0.01
            else " `--no-git` saves nothing measurable."
        )
    return lines + [""]


# --- matrix -----------------------------------------------------------------------------------


def matrix_projection(part: dict[str, Any]) -> dict[str, Any]:
    """Worker-seconds by how they grow (per combination, per framework, once), and the wall
    time they give for all enabled combinations and for every framework's."""
    agg = part["aggregate"]
    run = part["run"]
    measured = max(agg["combinations"], 1)
    enabled = part["total_combinations"]
    scaling = agg.get("scaling", {})
    frameworks = max(len([f for f in agg["frameworks"] if f != "(none)"]), 1)
    per_combination = sum(
        seconds for key, (_count, seconds) in agg["functions"].items()
        if scaling.get(key) == "combination"
    )  # fmt: skip
    per_framework = sum(
        seconds for key, (_count, seconds) in agg["functions"].items()
        if scaling.get(key) == "framework"
    )  # fmt: skip
    # Steps moved to their own phase (renders, deployments) belong to the combinations.
    per_combination += sum(agg["phases"].get(p, 0.0) for p in ("render", "deployment"))
    once = agg["worker_seconds"] - per_combination - per_framework
    per_combo = per_combination / measured
    # Wall per worker-second of tests: idle workers at the end, the controller, scheduling.
    factor = run["wall_s"] / (agg["worker_seconds"] / WORKERS)

    def wall(combinations: int, framework_count: int = 5, per: float = per_combo) -> float:
        total = once + per_framework / frameworks * framework_count + per * combinations
        return float(total / WORKERS * factor)

    return {
        "enabled": enabled,
        "enabled_wall": run["wall_s"] if run["sample"] == 1 else wall(enabled, frameworks),
        "scaled": run["sample"] > 1,
        "average_worker_s": agg["worker_seconds"] / measured,
        "per_combo_worker_s": per_combo,
        "per_framework_worker_s": per_framework / frameworks,
        "once_worker_s": once,
        "factor": factor,
        "wall": wall,
        "all_wall": wall(ALL_FRAMEWORKS_COMBINATIONS),
    }


def matrix_section(part: dict[str, Any]) -> list[str]:
    agg = part["aggregate"]
    run = part["run"]
    projection = matrix_projection(part)
    workers = 2
    n = max(agg["combinations"], 1)
    lines = ["## 2. The whole suite", "", _meta(part), ""]
    lines += [
        f"`{run['command']}` with `-p bench.matrix_plugin`, which times every test (setup, call "
        "with its subtests, teardown) and the steps the harness names (tests/support/timing.py), "
        "without changing tests/. "
        + (
            f"**Sample: every {run['sample']}th combination ({agg['combinations']} of "
            f"{part['total_combinations']}); the figures for all combinations are projected from "
            "it.** "
            if run["sample"] > 1
            else ""
        )
        + f"Result: {run['summary']}."
        + (f" Failed: {', '.join(f'`{n}`' for n in run['failed'])}." if run.get("failed") else ""),
        "",
        f"- Wall time: **{run['wall_s'] / 60:.1f} min** for {agg['combinations']} combinations; "
        f"CPU {run['cpu_s'] / 60:.1f} min, i.e. "
        f"{run['cpu_s'] / (run['wall_s'] * workers) * 100:.0f} % of 2 cores; peak RSS "
        f"{run['max_rss_mib']:.0f} MiB.",
        f"- {agg['worker_seconds'] / 60:.1f} worker-minutes in all: **"
        f"{projection['average_worker_s']:.1f} worker-seconds per combination** on average, "
        "everything included. Of that, "
        f"{projection['per_combo_worker_s']:.1f} grow with the combinations (tests parametrized "
        f"over them, their renders and deployments), {projection['per_framework_worker_s']:.0f} "
        "per framework (each framework's fullest project, or one per database kind: production "
        "mode, standalone install, update, browser, load), and "
        f"{projection['once_worker_s']:.0f} once per run (unit tests, e2e, start-up).",
        f"- Projection: {ALL_FRAMEWORKS_COMBINATIONS} combinations of five frameworks take "
        f"**{projection['all_wall'] / 60:.0f} min** on 2 workers (wall = worker-seconds ÷ 2 × "
        f"{projection['factor']:.2f} for idle workers and scheduling), if the other frameworks "
        "cost what this one does.",
        f"- Renders: {agg['renders']} Copier renders for {agg['combinations']} combinations.",
        "",
        "Per phase (worker-seconds; render = Copier renders + the file checks of test_render.py; "
        "lint = ruff, check-jsonschema, cfn-lint, hadolint and the dependency checks; deployment "
        "= migrating and starting each combination's one app):",
        "",
    ]
    total = agg["worker_seconds"] or 1
    lines += _table(
        ["phase", "worker-s", "share", "per combination (s)"],
        [[k, _f(v, 0), f"{v / total * 100:.0f} %", _f(v / n, 1)] for k, v in agg["phases"].items()],
    )
    lines += ["Per framework (worker-seconds):", ""]
    phases = list(agg["phases"])
    lines += _table(
        ["framework", *phases, "total"],
        [
            [fw, *[_f(v.get(p, 0), 0) for p in phases], _f(sum(v.values()), 0)]
            for fw, v in agg["frameworks"].items()
            if sum(v.values()) >= 0.5
        ],
    )
    lines += [
        "Checked once per framework rather than per combination, each for the reason its test "
        "gives: production mode (headers, and the settings it refuses: "
        "tests/contract/test_production_mode.py, once per framework and database kind) and "
        "production-strength password hashes (tests/security/test_http_guarantees.py; the "
        "deployments hash cheaply). Every other check runs on every combination it applies to.",
        "",
        "Slowest test functions and steps (all combinations together):",
        "",
    ]
    lines += _table(
        ["test function", "tests", "grows with", "worker-s"],
        [
            [f"`{k}`", int(c), agg.get("scaling", {}).get(k, "–"), _f(s, 0)]
            for k, (c, s) in list(agg["functions"].items())[:12]
        ],
    )
    lines += _table(
        ["step (inside the tests above)", "calls", "seconds", "mean (s)"],
        [
            [k, int(c), _f(s, 0), _f(s / max(c, 1), 2)]
            for k, (c, s) in list(agg["helpers"].items())[:14]
        ],
    )
    lines += matrix_profile(part)
    return lines


def matrix_profile(part: dict[str, Any]) -> list[str]:
    prof = part.get("profile")
    if not prof:
        return []
    own = prof["own_suite"]
    lines = [f"### Inside one project's own suite (`{prof['combination']}`)", ""]
    lines += [
        f"- Whole suite {own['suite_s']:.1f} s ({own['summary']}). Interpreter start "
        f"{own['interpreter_s']:.2f} s; importing the app {own['app_import_s']:.2f} s; pytest "
        f"start-up + collection (`--collect-only`, app import included) "
        f"**{own['collect_s']:.1f} s**, paid once per combination.",
        "- Test time by file: "
        + ", ".join(f"{k} {v:.1f} s" for k, v in list(own["by_file"].items())[:5])
        + ".",
        "- Slowest: " + "; ".join(f"`{s}`" for s in own["slowest"][:4]) + ".",
        "",
    ]
    tops = own["profile"]
    lines += ["cProfile of the whole suite, by own time:", ""]
    lines += _table(
        ["own time (s)", "calls", "function"],
        [
            [_f(r["tottime_s"], 2), r["calls"], f"`{r['function']}`"]
            for r in tops[1]["by_tottime"][:8]
        ],
    )
    renders = prof.get("render")
    if renders:
        lines += ["In-process render of that combination (median of 5):", ""]
        lines += _table(["source", "seconds"], [[k, _f(v)] for k, v in renders.items()])
    return lines


# --- app overhead -----------------------------------------------------------------------------


def overhead_section(part: dict[str, Any]) -> list[str]:
    lines = ["## 3. App overhead", "", _meta(part), ""]
    lines.append(
        f"Load: {part['load']}, on 127.0.0.1 (wrk and the server share the 2 cores). Each app is "
        "started "
        "from a Procfile `web:` line; the bare app's is the generated project's own line with "
        "only the app "
        "target swapped, so server, flags and worker count are identical. Generated apps run with "
        "`APP_ENV=development` (their default) and a strong SECRET_KEY; the SQLite one on a "
        "migrated temporary "
        "database (the Procfile's `release:` first)."
    )
    lines.append("")
    for fw in part["frameworks"]:
        lines += [f"### {fw['framework']}: `{fw['server']}`", ""]
        if "measured" in fw:
            m = fw["measured"]
            lines += [
                f"_Measured {m['when']}, load average {m['load_start']} at start, "
                f"{m['load_end']} at end._",
                "",
            ]
        lines += _table(
            [
                "app",
                "combination",
                "endpoint",
                "req/s",
                "p50 (ms)",
                "p99 (ms)",
                "non-2xx",
                "socket errors",
                "× bare",
            ],
            [
                [
                    r["variant"],
                    f"`{r['combination']}`",
                    r["endpoint"],
                    _f(r["requests_per_s"], 0),
                    _f(r["p50_ms"], 1),
                    _f(r["p99_ms"], 1),
                    r["non_2xx"],
                    r["socket_errors"],
                    _f(r["ratio"]),
                ]
                for r in fw["rows"]
            ],
        )
        explain = fw.get("explain") or []
        if explain:
            lines += [
                "In-process, without server or load generator (`bench/inprocess_driver.py`, best "
                "of 3 × 2000 "
                "requests through the app's ASGI or WSGI callable): microseconds per request, and "
                "the generated app again "
                "without each of its middlewares:",
                "",
            ]
            rows = []
            for e in explain:
                ablation = ", ".join(
                    f"without {a['without']}: {a['us_per_request']:.0f}"
                    for a in e.get("ablation", [])
                )
                rows.append(
                    [
                        e["variant"],
                        e["endpoint"],
                        _f(e["us_per_request"], 0),
                        _f(e["ratio_to_bare"]),
                        ablation or "–",
                    ]
                )
            lines += _table(
                ["app", "endpoint", "µs/request", "bare ÷ this", "µs/request without a middleware"],
                rows,
            )
            for e in explain:
                if e["variant"] != "bare" and e.get("profile"):
                    lines += [
                        f"Top own-time frames, {e['variant']} `{e['endpoint']}` (µs per request):",
                        "",
                    ]
                    bare_calls = {
                        p["function"]: p["calls_per_request"]
                        for b in explain
                        if b["variant"] == "bare" and b["endpoint"] == e["endpoint"]
                        for p in b.get("profile", [])
                    }
                    lines += _table(
                        ["own µs", "cumulative µs", "calls/request", "in bare", "function"],
                        [
                            [
                                _f(p["tottime_us"], 1),
                                _f(p["cumtime_us"], 1),
                                _f(p["calls_per_request"], 1),
                                _f(bare_calls.get(p["function"]), 1),
                                f"`{p['function']}`",
                            ]
                            for p in e["profile"][:8]
                        ],
                    )
        lines += overhead_reason(fw)
    return lines


# What a generated app's own frames show its route time went to: (frame fragments, why).
ROUTE_COSTS = (
    (
        ("asgiref/sync.py:261(__call__)",),
        "an async view run through asgiref's async_to_sync: a thread and an event loop per "
        "request, which is how Flask runs `async def` views (the project README's Async views)",
    ),
    (("(solve_dependencies)",), "dependencies solved per request"),
    (("(_match)", "(matches)"), "route matching through nested routers"),
    (("pydantic", "(validate_python)"), "pydantic validation and serialisation"),
    (("aiosqlite/core.py",), "the database round trip through the async driver's thread"),
)


def route_costs(e: dict[str, Any]) -> list[str]:
    """What the generated app's top frames show its route time went to."""
    frames = [p["function"] for p in e.get("profile", [])]
    return [
        why
        for fragments, why in ROUTE_COSTS
        if any(fragment in frame for frame in frames for fragment in fragments)
    ]


def overhead_reason(fw: dict[str, Any]) -> list[str]:
    missed = [r for r in fw["rows"] if r["ratio"] is not None and r["ratio"] < 0.9]
    if not missed:
        return []
    explain = {(e["variant"], e["endpoint"]): e for e in fw.get("explain") or []}
    lines = ["**Why generated < 0.9× bare.**"]
    for row in missed:
        e = explain.get((row["variant"], row["endpoint"]))
        base = explain.get(("bare", row["endpoint"]))
        if not e or not base:
            lines.append(
                f"- {row['variant']} `{row['endpoint']}`: {row['ratio']:.2f}× (no in-process "
                "figures)."
            )
            continue
        gap = e["us_per_request"] - base["us_per_request"]
        without_all = next(
            (a["us_per_request"] for a in e.get("ablation", []) if a["without"] == "all of them"),
            None,
        )
        middleware = e["us_per_request"] - without_all if without_all else 0.0
        rest = gap - middleware
        worst = max(
            e.get("ablation", [])[:-1] or [{"without": "–", "us_per_request": e["us_per_request"]}],
            key=lambda a: e["us_per_request"] - a["us_per_request"],
        )
        lines.append(
            f"- {row['variant']} `{row['endpoint']}` ({row['ratio']:.2f}×): in-process the "
            "generated app takes "
            f"{e['us_per_request']:.0f} µs vs the bare {base['us_per_request']:.0f} µs "
            f"(+{gap:.0f} µs). "
            + (
                "Middlewares: not timed one by one (the driver takes apart Starlette apps "
                "only). "
                + (
                    f"From the frames above: {'; '.join(route_costs(e))}."
                    if route_costs(e)
                    else "The frames above show where the time goes."
                )
                if without_all is None
                else "Middlewares: within the noise of a request this slow (over 1 ms, the "
                "ablation varies by more than the middlewares cost). "
                if e["us_per_request"] >= 1000
                else f"Middlewares: {middleware:.0f} µs together (the costliest, "
                f"{worst['without']}, {e['us_per_request'] - worst['us_per_request']:.0f} µs). "
            )
            + (
                ""
                if without_all is None
                else f"The other {rest:.0f} µs are the route itself"
                + (f" ({'; '.join(route_costs(e))})" if route_costs(e) else "")
                + ": see the frames above."
            )
        )
    explain_rows = fw.get("explain") or []
    # Endpoints that wait on a database thread are too noisy to time a middleware with.
    cors = sorted(
        e["us_per_request"] - a["us_per_request"]
        for e in explain_rows
        if e["us_per_request"] < 1000
        for a in e.get("ablation", [])
        if a["without"] == "CORSMiddleware"
    )

    def calls(variant_is_bare: bool, suffixes: tuple[str, ...], endpoint: str) -> float:
        """Calls per request of the functions ending with `suffixes` (most of any variant)."""
        return max(
            (
                sum(
                    p["calls_per_request"]
                    for p in e.get("profile", [])
                    if p["function"].endswith(suffixes)
                )
                for e in explain_rows
                if (e["variant"] == "bare") == variant_is_bare and e["endpoint"] == endpoint
            ),
            default=0.0,
        )

    advice = []
    if cors:
        advice.append(
            f"CORSMiddleware costs {min(cors):.0f}–{max(cors):.0f} µs per request (the endpoints "
            "that do not wait on the database) and is installed "
            "even with `CORS_ORIGINS=[]`, the default, where it can only refuse: add it only when "
            "origins are configured"
        )
    solve = ("(solve_dependencies)",)
    if calls(False, solve, "/api/hello") > max(calls(True, solve, "/api/hello"), 1):
        advice.append(
            f"`GET /api/hello` solves dependencies {calls(False, solve, '/api/hello'):.0f}× per "
            "request in a generated variant against once in the bare app: a router-level "
            "dependency on `/api` (the session variant's CSRF check) runs on safe methods too, "
            "returning at once; it stays on the router on purpose, so that no new unsafe route "
            "can miss it"
        )
    matching = ("(_match)", "(matches)")
    generated_matching = calls(False, matching, "/api/hello")
    bare_matching = calls(True, matching, "/api/hello")
    if generated_matching > 1.5 * bare_matching > 0:
        advice.append(
            f"routing `GET /api/hello` takes {generated_matching:.0f} route-matching calls per "
            f"request against {bare_matching:.0f} in the bare app: the docs routes FastAPI adds "
            "come first, then the probes, then the API routers nested app → /api → module "
            "(before the pages and the static files); flattening the routers "
            "would give up the one-module-per-resource layout of FastAPI's own guide for a few "
            "µs per request"
        )
    if any(
        e["variant"].endswith("SQLite")
        and e["endpoint"] == "/health"
        and any("aiosqlite" in p["function"] for p in e.get("profile", []))
        for e in explain_rows
    ):
        advice.append(
            "the SQLite `/health` is dominated by its database round trip through aiosqlite's "
            "thread (queue hand-offs and greenlet switches in its frames): that is the point of a "
            "health check with a database; explained, not a defect"
        )
    if advice:
        lines.append("- What to change (template owners): " + "; ".join(advice) + ".")
    lines.append("")
    return lines


# --- cold start -------------------------------------------------------------------------------


def coldstart_section(part: dict[str, Any]) -> list[str]:
    lines = ["## 4. Serverless cold start", "", _meta(part), ""]
    lines.append(
        f"The functions as `sam build` builds them (the project's README command). Fresh "
        f"interpreter of the runtime's Python per sample (median of {part['runs']}, variants "
        "alternated, after one warm-up each): `python -I -S -B` in the artifact folder, so "
        "nothing but the artifact is importable and no byte-code is written, as on Lambda's "
        "read-only code folder; import the handler module, then one API Gateway HTTP API (v2) "
        "`GET /health` event through it; timed inside the process. `APP_ENV=production`. The "
        "artifacts carry the byte-code the Makefile compiles at build time; the bare app is "
        "installed next to its adapter and compiled the way the Makefile does the project's "
        "dependencies, at the artifact's versions. The PostgreSQL function runs against a "
        "database its MigrateFunction migrated first: nothing migrates at cold start. The "
        "machine's load sets the absolute times: compare the ratios."
    )
    if part.get("without_lambda"):
        lines.append(
            "Not measured (no Lambda adapter in tests/support/frameworks.py): "
            f"{', '.join(part['without_lambda'])}."
        )
    lines.append("")
    for fw in part["frameworks"]:
        lines += [f"### {fw['framework']}", ""]
        lines += _table(
            [
                "handler",
                "combination",
                "import + first event (ms)",
                "import (ms)",
                "first event (ms)",
                "whole process (ms)",
                "peak RSS (MiB)",
                "× bare",
            ],
            [
                [
                    r["variant"],
                    f"`{r['combination']}`",
                    _f(r["handler_s"] * 1000, 0),
                    _f(r["import_s"] * 1000, 0),
                    _f(r["first_event_s"] * 1000, 0),
                    _f(r["process_s"] * 1000, 0),
                    _f(r["max_rss_mib"], 0),
                    _f(r["ratio"]),
                ]
                for r in fw["rows"]
            ],
        )
        if fw.get("imports"):
            lines.append(
                "What the handler imports (`python -X importtime`, cumulative ms, direct imports "
                "and theirs): "
                + ", ".join(f"`{i['module']}` {i['cumulative_ms']:.0f}" for i in fw["imports"][:10])
                + "; bare: "
                + ", ".join(
                    f"`{i['module']}` {i['cumulative_ms']:.0f}" for i in fw["bare_imports"][:4]
                )
                + "."
            )
            lines.append("")
        for label, frames in (fw.get("profiles") or {}).items():
            lines += [
                f"cProfile of import + first event, {label} (cumulative, under the profiler):",
                "",
            ]
            lines += _table(
                ["cumulative (s)", "calls", "function"],
                [[_f(f["cumtime_s"], 3), f["calls"], f"`{f['function']}`"] for f in frames[:10]],
            )
        missed = [r for r in fw["rows"][1:] if r["ratio"] > 1.3]
        for row in missed:
            lines.append(
                f"**Why {row['variant']} is {row['ratio']:.2f}×:** the handler imports the "
                "whole application (settings, routers, schemas, middlewares"
                + (", the database engine and its driver" if "PostgreSQL" in row["variant"] else "")
                + "); the frames above show where the import goes."
            )
            lines.append("")
    return lines


# --- first green ------------------------------------------------------------------------------


def firstgreen_section(part: dict[str, Any]) -> list[str]:
    lines = ["## 5. Time to first green", "", _meta(part), ""]
    lines.append(
        "A fresh copy of the rendered project; the `## Install` and `## Test` command blocks of "
        "its "
        f"README run as written in one bash shell ({part['python']} as `python`, the dev venv off "
        "PATH), "
        "then the Procfile (`release:`, then `web:`) until `GET /health` answers 200. pip's cache "
        "is warmed "
        f"by one untimed run first; median of {part['runs']} timed run(s). A PostgreSQL project "
        "gets a "
        "database on a server started before the clock (as a developer's would be running)."
    )
    lines.append("")
    for fw in part["frameworks"]:
        m = fw["median"]
        lines += [f"### {fw['framework']}: `{fw['combination']}`", ""]
        lines += _table(
            ["step", "seconds"],
            [[f"`{line['command']}`", _f(line["seconds"], 1)] for line in m["lines"]]
            + [
                ["Procfile release + web until /health answers", _f(m["serve"], 1)],
                ["**total**", f"**{m['total']:.1f}**"],
            ],
        )
        if not m.get("green", True):
            lines.append(
                "**The project's tests did not pass in this run** (templates being changed while "
                "it ran?): the times are real but not a time to *green*."
            )
        lines.append(
            f"Tests: {m['tests']}. All runs (s): "
            + ", ".join(f"{r['total']:.1f}" for r in fw["runs"])
            + "."
        )
        uv = fw.get("uv")
        if uv:
            u = uv["median"]
            install = " && ".join(f"`{c}`" for c in uv["commands"]["install"]).replace(
                str(UV_PATH), "uv"
            )
            lines.append(
                f"With the README's uv alternative ({install}, then the same test commands): "
                f"install {u['install']:.1f} s, test {u['test']:.1f} s, serve {u['serve']:.1f} s, "
                f"**total {u['total']:.1f} s** (runs: "
                + ", ".join(f"{r['total']:.1f}" for r in uv["runs"])
                + ")."
            )
            if u["test"] + u["serve"] > m["test"] + m["serve"]:
                lines[-1] += (
                    " Its first test run and start are slower than pip's because uv does not "
                    "compile byte-code at install time (its default; `UV_COMPILE_BYTECODE=1` "
                    "moves that cost into the install)."
                )
        if m["total"] > 60:
            install = m["install"]
            lines.append(
                f"**Why over 60 s:** the install step is {install:.0f} s with a warm cache: pip "
                "resolves and "
                "installs the project's ~60 distributions one by one and builds the editable "
                "wheel in an "
                "isolated build environment (the per-command times above)."
                + (" The README's `uv sync` alternative is timed on the line above." if uv else "")
            )
        lines.append("")
    return lines


def websockets_section(part: dict[str, Any]) -> list[str]:
    lines = ["## 6. Idle WebSocket connections", "", _meta(part), ""]
    lines.append(
        "One process of each real-time framework's generated app (its fullest SQLite combination, "
        "started from its Procfile on 127.0.0.1) holds idle clients at `/ws`, opened in steps "
        f"({', '.join(map(str, part['steps']))}); the server's resident memory (its process tree, "
        "from /proc) is read after each step, and at the end one client broadcasts: every client "
        f"must receive the message. Open-file limit of the run: {part['open_files_limit']}."
    )
    lines.append("")
    for fw in part["frameworks"]:
        lines += [f"### {fw['framework']}: `{fw['combination']}`", ""]
        lines += _table(
            ["idle clients", "server RSS (MiB)"],
            [[row["connections"], _f(row["rss_mib"], 0)] for row in fw["steps"]],
        )
        lines += [
            "",
            f"- Held {fw['held']} idle connections; the broadcast after the last step reached "
            f"{fw['broadcast_received']} of them.",
            f"- Memory per connection: {fw['kib_per_connection']:.0f} KiB (RSS growth from no "
            "client to the last step, divided by the clients).",
            "",
        ]
    return lines


def render(results: dict[str, Any]) -> str:
    lines = [
        "# Benchmarks",
        "",
        "Written by `bench/run` (bench/report.py) from bench/results.json: rerun it rather than "
        "editing "
        "this page. Targets are ratios of things measured side by side in the same run; "
        "benchmarks are "
        "not timed tests.",
        "",
    ]
    lines += summary(results)
    lines += machine_section(results)
    lines += HOW_TO.splitlines() + [""]
    sections = (
        ("generation", generation_section),
        ("matrix", matrix_section),
        ("overhead", overhead_section),
        ("coldstart", coldstart_section),
        ("firstgreen", firstgreen_section),
        ("websockets", websockets_section),
    )
    for name, section in sections:
        if name in results:
            lines += section(results[name])
        else:
            lines += [f"## {name}", "", "Not measured yet: `bench/run --only " + name + "`.", ""]
    return "\n".join(lines).rstrip() + "\n"
