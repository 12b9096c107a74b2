"""`python -m bench`: run the benchmarks, keep their results in bench/results.json and write
docs/benchmarks.md. `bench/run` installs what they need first; use that."""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from typing import Any

from bench import (
    app_overhead,
    cold_start,
    first_green,
    generation,
    idle_websockets,
    matrix,
    report,
)
from bench.common import REPO, load_average, log, machine, scrub

RESULTS = REPO / "bench" / "results.json"
PARTS: dict[str, Callable[..., dict[str, Any]]] = {
    "generation": generation.run,
    "matrix": matrix.run,
    "overhead": app_overhead.run,
    "coldstart": cold_start.run,
    "firstgreen": first_green.run,
    "websockets": idle_websockets.run,
}


def main() -> None:
    parser = argparse.ArgumentParser(prog="bench/run", description=__doc__)
    parser.add_argument(
        "--only",
        action="append",
        choices=list(PARTS),
        metavar="PART",
        help=f"run only this part (repeatable): {', '.join(PARTS)}",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="short runs for development: fewer rounds, a sample of the matrix",
    )
    parser.add_argument(
        "--framework",
        action="append",
        metavar="NAME",
        help="overhead only: measure this framework (repeatable), keep the others' figures",
    )
    parser.add_argument(
        "--report-only",
        action="store_true",
        help="rewrite docs/benchmarks.md from bench/results.json",
    )
    args = parser.parse_args()
    results: dict[str, Any] = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    if not args.report_only:
        results["machine"] = machine()
        run_info = {
            "started": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
            "load_start": load_average(),
            "quick": args.quick,
            "parts": args.only or list(PARTS),
        }
        for name in args.only or list(PARTS):
            log(f"--- {name} (load average {load_average()})")
            started = time.time()
            load_start = load_average()
            if name == "overhead" and args.framework:
                part = app_overhead.run(
                    quick=args.quick, only=args.framework, earlier=results.get(name)
                )
            else:
                part = PARTS[name](quick=args.quick)
            part["_meta"] = {
                "load_start": load_start,
                "load_end": load_average(),
                "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                "seconds": time.time() - started,
                "quick": args.quick,
            }
            results[name] = part
            RESULTS.write_text(scrub(json.dumps(results, indent=1, default=str)) + "\n")
        run_info["load_end"] = load_average()
        run_info["finished"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
        results["last_run"] = run_info
        RESULTS.write_text(scrub(json.dumps(results, indent=1, default=str)) + "\n")
    (REPO / "docs").mkdir(exist_ok=True)
    (REPO / "docs" / "benchmarks.md").write_text(scrub(report.render(results)))
    log("wrote docs/benchmarks.md")


if __name__ == "__main__":
    main()
