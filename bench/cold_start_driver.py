"""One Lambda cold start, in a fresh process: import the handler, send it one event.

Run from the function's folder: python cold_start_driver.py MODULE, with BENCH_IMPORT_PATH the
folders Lambda puts on the import path (the function's, then its layers'), os.pathsep-separated.
Prints JSON: seconds to import MODULE (its `handler`), seconds for the first event, the status.
The event is an API Gateway HTTP API (payload 2.0) GET /health.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import time
from pathlib import Path

sys.path[:0] = os.environ.get("BENCH_IMPORT_PATH", ".").split(os.pathsep)
IMPORT_ROOTS = sorted(
    (str(Path(p).resolve()) for p in os.environ.get("BENCH_IMPORT_PATH", ".").split(os.pathsep)),
    key=len,
    reverse=True,
)

EVENT = {
    "version": "2.0",
    "routeKey": "$default",
    "rawPath": "/health",
    "rawQueryString": "",
    "headers": {"host": "example.execute-api.eu-west-1.amazonaws.com", "user-agent": "bench"},
    "requestContext": {
        "http": {
            "method": "GET",
            "path": "/health",
            "protocol": "HTTP/1.1",
            "sourceIp": "203.0.113.9",
            "userAgent": "bench",
        },
        "routeKey": "$default",
        "stage": "$default",
        "requestId": "bench",
        "domainName": "example.execute-api.eu-west-1.amazonaws.com",
        "accountId": "123456789012",
        "apiId": "example",
        "time": "01/Jan/2026:00:00:00 +0000",
        "timeEpoch": 1767225600000,
    },
    "isBase64Encoded": False,
}


class Context:
    function_name = "bench"
    aws_request_id = "bench"
    memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:eu-west-1:123456789012:function:bench"


def profiled(module: str, top: int = 15) -> None:
    """Print the functions with the most cumulative time during import + first event."""
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    importlib.import_module(module).handler(EVENT, Context())
    profiler.disable()
    rows = []
    for (filename, line, name), (_cc, calls, _tt, cumtime, _callers) in pstats.Stats(
        profiler
    ).stats.items():  # type: ignore[attr-defined]
        if filename.startswith(("<frozen", "~")) or name.startswith("<module>"):
            continue
        where = filename.split("site-packages/", 1)[-1].split("lib/python3.", 1)[-1]
        for root in IMPORT_ROOTS:  # the function's and the layers' folders: paths inside them
            if filename.startswith(root + os.sep):
                where = filename[len(root) + 1 :]
                break
        rows.append({"function": f"{where}:{line}({name})", "calls": calls, "cumtime_s": cumtime})
    rows.sort(key=lambda row: row["cumtime_s"], reverse=True)
    sys.stdout.write(json.dumps(rows[:top]) + "\n")


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[2] == "--profile":
        profiled(sys.argv[1])
        return
    start = time.perf_counter()
    handler = importlib.import_module(sys.argv[1]).handler
    imported = time.perf_counter()
    response = handler(EVENT, Context())
    done = time.perf_counter()
    sys.stdout.write(
        json.dumps(
            {
                "import_s": imported - start,
                "first_event_s": done - imported,
                "status": response["statusCode"],
            }
        )
        + "\n"
    )


if __name__ == "__main__":
    main()
