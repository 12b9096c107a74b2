"""Run a built Lambda function as the Lambda runtime would: `python -I -S -B lambda_driver.py
IMPORT_PATH MODULE.FUNCTION`, with the function's artifact folder as the working directory;
IMPORT_PATH is the function's folder, then its layers' python/ folders (os.pathsep-separated).

Standard library only: it runs in a clean interpreter of the runtime's Python version, where
nothing but the artifact is importable. It imports the handler (timed), prints one JSON line
`{"import_s": ...}`, then reads one JSON event per line on stdin and prints one JSON line per
event: `{"response": <what the handler returned>, "seconds": ...}` or `{"error": <traceback>}`.
The framework, its adapter and the request flow are the caller's business
(tests/support/lambda_client.py); this file knows none of them.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import time
import traceback
from typing import Any


class Context:
    """The attributes of Lambda's context object that adapters read."""

    function_name = "scaffold-test"
    function_version = "$LATEST"
    aws_request_id = "scaffold-test"
    memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:eu-west-1:123456789012:function:scaffold-test"
    log_group_name = "/aws/lambda/scaffold-test"
    log_stream_name = "scaffold-test"

    @staticmethod
    def get_remaining_time_in_millis() -> int:
        return 30_000


def main() -> None:
    import_path, target = sys.argv[1].split(os.pathsep), sys.argv[2]
    sys.path[:0] = import_path  # LAMBDA_TASK_ROOT first, then /opt/python: the layers
    out = sys.stdout
    sys.stdout = sys.stderr  # whatever the app prints must not mix with the answers
    module_name, _, function_name = target.rpartition(".")
    started = time.perf_counter()
    function = getattr(importlib.import_module(module_name), function_name)
    out.write(json.dumps({"import_s": time.perf_counter() - started}) + "\n")
    out.flush()
    for line in sys.stdin:
        event: Any = json.loads(line)
        started = time.perf_counter()
        try:
            answer = {"response": function(event, Context()), "seconds": 0.0}
            answer["seconds"] = time.perf_counter() - started
        except Exception:  # noqa: BLE001  (the caller shows it; the runtime would log it)
            answer = {"error": traceback.format_exc()}
        out.write(json.dumps(answer) + "\n")
        out.flush()


if __name__ == "__main__":
    main()
