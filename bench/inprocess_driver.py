"""Drive an app in-process, without a server: microseconds per request, profile, ablation.

Run from a project's directory (its modules must import), in a process of its own:
    python inprocess_driver.py TARGET INTERFACE PATH [--requests N] [--profile] [--ablate]
TARGET is `module:attribute` or an ini file; INTERFACE is `asgi` or `wsgi`. Prints one JSON object.

Used to explain a gap seen under load: the server, the load generator and the kernel are the
same for the generated and the bare app, so what differs is here, in the app's own code.
--ablate (Starlette/FastAPI apps) times the app again without each of its middlewares in turn.
"""

from __future__ import annotations

import asyncio
import cProfile
import importlib
import io
import json
import pstats
import sys
import time
from collections.abc import Callable
from typing import Any

sys.path.insert(0, ".")


def load(target: str) -> Any:
    """`module:attribute`, or a PasteDeploy ini file (Pyramid's) whose `main` app is loaded."""
    if target.endswith(".ini"):
        from pyramid.paster import get_app

        return get_app(target, "main")
    module, _, attribute = target.partition(":")
    return getattr(importlib.import_module(module), attribute)


def asgi_caller(app: Any, path: str) -> Callable[[int], None]:
    raw_path, _, query = path.partition("?")
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": raw_path,
        "raw_path": raw_path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": [(b"host", b"127.0.0.1"), (b"user-agent", b"bench")],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
        "state": {},
    }

    statuses: list[int] = []

    async def one() -> None:
        # As a server does: the body once, then `http.disconnect` only after the response is
        # sent (Django's handler listens for it meanwhile, and refuses a second body).
        body_sent = False
        done = asyncio.Event()

        async def receive() -> dict[str, Any]:
            nonlocal body_sent
            if not body_sent:
                body_sent = True
                return {"type": "http.request", "body": b"", "more_body": False}
            await done.wait()
            return {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                statuses.append(message["status"])
            elif message["type"] == "http.response.body" and not message.get("more_body"):
                done.set()

        await app(dict(scope), receive, send)

    async def many(count: int) -> None:
        for _ in range(count):
            await one()

    loop = asyncio.new_event_loop()

    def call(count: int) -> None:
        statuses.clear()
        loop.run_until_complete(many(count))
        if any(status >= 300 for status in statuses):
            raise SystemExit(f"{path}: status {statuses[0]}")

    return call


def wsgi_caller(app: Any, path: str) -> Callable[[int], None]:
    raw_path, _, query = path.partition("?")

    def call(count: int) -> None:
        for _ in range(count):
            environ = {
                "REQUEST_METHOD": "GET",
                "PATH_INFO": raw_path,
                "QUERY_STRING": query,
                "SERVER_NAME": "127.0.0.1",
                "SERVER_PORT": "8000",
                "SERVER_PROTOCOL": "HTTP/1.1",
                "REMOTE_ADDR": "127.0.0.1",
                "HTTP_HOST": "127.0.0.1",
                "wsgi.url_scheme": "http",
                "wsgi.input": io.BytesIO(),
                "wsgi.errors": sys.stderr,
                "wsgi.version": (1, 0),
                "wsgi.multithread": False,
                "wsgi.multiprocess": False,
                "wsgi.run_once": False,
            }
            status: list[str] = []

            def start_response(
                code: str, _headers: Any, _exc: Any = None, status: list[str] = status
            ) -> None:
                status.append(code)

            body = app(environ, start_response)
            for _chunk in body:
                pass
            if hasattr(body, "close"):
                body.close()
            if not status[0].startswith("2"):
                raise SystemExit(f"{path}: status {status[0]}")

    return call


CALLERS = {"asgi": asgi_caller, "wsgi": wsgi_caller}


def per_request_us(call: Callable[[int], None], count: int) -> float:
    call(max(50, count // 10))  # warm-up
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        call(count)
        best = min(best, (time.perf_counter() - start) / count * 1e6)
    return best


def profile(call: Callable[[int], None], count: int, top: int = 60) -> list[dict[str, Any]]:
    profiler = cProfile.Profile()
    profiler.enable()
    call(count)
    profiler.disable()
    stats = pstats.Stats(profiler)
    rows = []
    for (filename, line, name), (_cc, calls, tottime, cumtime, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        rows.append(
            {
                "function": f"{short(filename)}:{line}({name})",
                "calls_per_request": calls / count,
                "tottime_us": tottime / count * 1e6,
                "cumtime_us": cumtime / count * 1e6,
            }
        )
    return sorted(rows, key=lambda row: row["tottime_us"], reverse=True)[:top]


def short(filename: str) -> str:
    for marker in ("site-packages/", "lib/python3"):
        if marker in filename:
            return filename.split(marker, 1)[1]
    return filename


def ablate(target: str, interface: str, path: str, count: int) -> list[dict[str, Any]]:
    """Time the app without each of its middlewares (Starlette's `user_middleware`)."""
    app = load(target)
    if not hasattr(app, "user_middleware"):
        return []  # not a Starlette app: its middleware cannot be taken out one by one here
    middleware = list(app.user_middleware)
    results = []
    for index, entry in enumerate(middleware):
        app.user_middleware = middleware[:index] + middleware[index + 1 :]
        app.middleware_stack = None
        results.append(
            {
                "without": getattr(entry.cls, "__name__", str(entry.cls)),
                "us_per_request": per_request_us(CALLERS[interface](app, path), count),
            }
        )
    app.user_middleware = []
    app.middleware_stack = None
    results.append(
        {
            "without": "all of them",
            "us_per_request": per_request_us(CALLERS[interface](app, path), count),
        }
    )
    app.user_middleware = middleware
    app.middleware_stack = None
    return results


def main() -> None:
    target, interface, path = sys.argv[1:4]
    count = int(sys.argv[sys.argv.index("--requests") + 1]) if "--requests" in sys.argv else 2000
    app = load(target)
    call = CALLERS[interface](app, path)
    result: dict[str, Any] = {"us_per_request": per_request_us(call, count)}
    if "--profile" in sys.argv:
        result["profile"] = profile(call, count)
    if "--ablate" in sys.argv:
        result["ablation"] = ablate(target, interface, path, count)
    sys.stdout.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
