"""Load smoke: each framework's fullest project holds 64 connections on loopback without an error.

wrk (the Debian package) drives the app, started from its Procfile on 127.0.0.1, for 4 s at 64
connections: once against GET /health, once against a valid POST /api/items sent by a logged-in
user (logged in once, before the load: Argon2 is slow by design). The frameworks built for real
time (docs/contract.md) hold idle WebSocket clients at /ws all the while, and each of them still
gets a broadcast sent after the load. Passing means no socket error (connect, read, write,
timeout), every response a 2xx, and no traceback in the app's log. Throughput is reported, not
gated: the load generator shares the machine's cores with the app.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from websockets.sync.client import ClientConnection
from websockets.sync.client import connect as websocket_connect

from tests.security.served import auth_headers
from tests.support.combinations import fullest_combinations
from tests.support.deployments import Deployment
from tests.support.frameworks import framework

pytestmark = pytest.mark.slow
# Thousands of requests over every connection: what a smoke test needs (it was 10 s; bench/
# measures throughput, with longer runs and nothing else on the machine).
DURATION_SECONDS = 4
CONNECTIONS = 64
THREADS = 2
# A response slower than this counts as a timeout error.
TIMEOUT_SECONDS = 10
# Idle WebSocket clients held open during the load, where the framework has /ws.
WEBSOCKET_CLIENTS = 100

# Counts every response by status in each wrk thread, and prints one JSON line at the end.
COUNTING = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) responses = 0; not_2xx = 0 end
function response(status, headers, body)
  responses = responses + 1
  if status < 200 or status > 299 then not_2xx = not_2xx + 1 end
end
function done(summary, latency, requests)
  local responses, not_2xx = 0, 0
  for _, thread in ipairs(threads) do
    responses = responses + thread:get("responses")
    not_2xx = not_2xx + thread:get("not_2xx")
  end
  local e = summary.errors
  io.write(string.format(
    '\\nRESULT {"requests": %d, "responses": %d, "not_2xx": %d, "connect": %d, "read": %d, '
    .. '"write": %d, "timeout": %d, "seconds": %.2f, "p99_ms": %.1f}\\n',
    summary.requests, responses, not_2xx, e.connect, e.read, e.write, e.timeout,
    summary.duration / 1e6, latency:percentile(99) / 1e3))
end
"""


def lua_string(value: str) -> str:
    """A Lua long-bracket string literal: no escapes to get wrong."""
    assert "]==]" not in value
    return f"[==[{value}]==]"


def request_script(method: str, body: Any = None, headers: dict[str, str] | None = None) -> str:
    """A wrk script sending one request again and again, and counting the responses."""
    lines = [f"wrk.method = {lua_string(method)}"]
    if body is not None:
        lines.append(f"wrk.body = {lua_string(json.dumps(body))}")
        lines.append('wrk.headers["Content-Type"] = "application/json"')
    # The spaces matter: `[[` would open a long string in Lua.
    lines += [
        f"wrk.headers[ {lua_string(k)} ] = {lua_string(v)}" for k, v in (headers or {}).items()
    ]
    return "\n".join(lines) + "\n" + COUNTING


def wrk(url: str, script: str, workdir: Path, name: str) -> dict[str, Any]:
    """Run wrk against a URL with a script; return its counts."""
    binary = shutil.which("wrk")
    if binary is None:
        pytest.fail("wrk not found: install the Debian package `wrk` (scripts/test does)")
    path = workdir / f"{name}.lua"
    path.write_text(script)
    result = subprocess.run(
        [binary, f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{DURATION_SECONDS}s",
         f"--timeout={TIMEOUT_SECONDS}s", "-s", str(path), url],
        capture_output=True, text=True, timeout=DURATION_SECONDS + 120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    line = next((line for line in result.stdout.splitlines() if line.startswith("RESULT ")), None)
    assert line, result.stdout + result.stderr
    return {"output": result.stdout, **json.loads(line.removeprefix("RESULT "))}


def assert_clean(counts: dict[str, Any], deployment: Deployment, mark: int) -> None:
    """No socket error, every response a 2xx, and nothing went wrong in the app."""
    errors = {kind: counts[kind] for kind in ("connect", "read", "write", "timeout")}
    assert errors == dict.fromkeys(errors, 0), counts["output"]
    assert counts["responses"] > 0, counts["output"]
    assert counts["not_2xx"] == 0, counts["output"] + deployment.app.log()[-4000:]
    assert not deployment.tracebacks_since(mark), deployment.tracebacks_since(mark)


@contextlib.contextmanager
def websocket_clients(base_url: str, count: int) -> Iterator[list[ClientConnection]]:
    """`count` clients connected to the app's /ws, closed on the way out."""
    url = base_url.replace("http://", "ws://", 1) + "/ws"
    with contextlib.ExitStack() as stack:
        yield [stack.enter_context(websocket_connect(url, open_timeout=10)) for _ in range(count)]


@pytest.mark.parametrize("combination", fullest_combinations())
def test_health_and_a_valid_post_hold_64_connections(
    deployment: Deployment, tmp_path: Path
) -> None:
    assert deployment.combination["database"] != "none", "the fullest combination has /api/items"
    base_url = deployment.base_url
    mark = deployment.log_mark()
    realtime = framework(deployment.combination["framework"]).realtime
    with websocket_clients(base_url, WEBSOCKET_CLIENTS if realtime else 0) as clients:
        health = wrk(f"{base_url}/health", request_script("GET"), tmp_path, "health")
        assert_clean(health, deployment, mark)
        item = {"name": "Load test", "description": "wrk"}
        script = request_script("POST", item, auth_headers(base_url, deployment.combination))
        post = wrk(f"{base_url}/api/items", script, tmp_path, "post")
        assert_clean(post, deployment, mark)
        if clients:
            # Every client stayed connected through the load: a broadcast reaches them all.
            clients[0].send("after the load")
            for client in clients:
                assert client.recv(timeout=10) == "after the load"
    assert not deployment.tracebacks_since(mark), deployment.tracebacks_since(mark)
