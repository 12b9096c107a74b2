"""pytest plugin for `bench.matrix`: where the suite's time goes, without touching tests/.

Loaded with `-p bench.matrix_plugin` (in the controller and every xdist worker). It records each
test's wall time (setup, call with its subtests, teardown), listens to the steps the harness
names (tests/support/timing.py: Copier renders, the PostgreSQL server, deployments, own suites,
migrations, web process start-ups) and times every subprocess by what it runs. Each process
writes `BENCH_MATRIX_OUT/<worker>.json` at the end.

`BENCH_MATRIX_SAMPLE=N` keeps every N-th combination of each framework (a labelled sample for
quick runs); the default 1 keeps them all.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections.abc import Callable, Generator
from pathlib import Path
from typing import Any

import pytest

_OUT = os.environ.get("BENCH_MATRIX_OUT")
_SAMPLE = int(os.environ.get("BENCH_MATRIX_SAMPLE", "1"))
_state: dict[str, Any] = {
    "current": None,
    "records": {},
    "helpers": {},
    "first": None,
    "last": None,
}


def _process_start() -> float:
    """When this process started (epoch seconds), from /proc."""
    ticks = os.sysconf("SC_CLK_TCK")
    fields = Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()
    boot = next(
        float(line.split()[1])
        for line in Path("/proc/stat").read_text().splitlines()
        if line.startswith("btime")
    )
    return boot + int(fields[19]) / ticks


def _add(name: str, seconds: float) -> None:
    count, total = _state["helpers"].get(name, (0, 0.0))
    _state["helpers"][name] = (count + 1, total + seconds)
    current = _state["current"]
    if current is not None:
        helpers = _state["records"][current]["helpers"]
        count, total = helpers.get(name, (0, 0.0))
        helpers[name] = (count + 1, total + seconds)


def _timed(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            _add(name, time.perf_counter() - start)

    wrapper.__wrapped__ = function  # type: ignore[attr-defined]
    return wrapper


def _subprocess_label(args: Any) -> str:
    command = [str(part) for part in (args if isinstance(args, list | tuple) else [args])]
    if not command:
        return "?"
    words = [Path(command[0]).name]
    if words[0].startswith("python") and len(command) > 2 and command[1] == "-m":
        words = [command[2]]
    elif words[0].startswith("python") and len(command) > 1:
        words = [Path(command[1]).name]
    elif words[0] in {"sh", "bash"} and len(command) > 2:
        words = command[2].replace("exec ", "").split()[:1]
    elif words[0] == "runuser" and "--" in command:
        words = [Path(command[command.index("--") + 1]).name]
    return "subprocess: " + words[0]


def _patch() -> None:
    from tests.support import timing

    # The harness names its own steps (renders, servers, own suites...); every subprocess is
    # counted too, by what it runs.
    timing.listen(_add)
    original_run = subprocess.run

    def run(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return original_run(*args, **kwargs)
        finally:
            _add(
                _subprocess_label(args[0] if args else kwargs.get("args")),
                time.perf_counter() - start,
            )

    subprocess.run = run


@pytest.hookimpl(tryfirst=True)
def pytest_configure() -> None:
    _state["process_start"] = _process_start()
    _state["configured"] = time.time()
    _patch()


def _combination(item: pytest.Item) -> dict[str, Any] | None:
    callspec = getattr(item, "callspec", None)
    value = callspec.params.get("combination") if callspec else None
    return value if isinstance(value, dict) else None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if _SAMPLE <= 1:
        return
    from scaffold.combinations import combination_id, valid_combinations

    keep = {
        combination_id(combination)
        for framework in {c["framework"] for c in valid_combinations()}
        for combination in valid_combinations(framework=framework)[::_SAMPLE]
    }
    selected, deselected = [], []
    for item in items:
        combination = _combination(item)
        if combination is None or combination_id(combination) in keep:
            selected.append(item)
        else:
            deselected.append(item)
    config.hook.pytest_deselected(items=deselected)
    items[:] = selected


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item) -> Generator[None]:
    combination = _combination(item)
    start = time.time()
    if _state["first"] is None:
        _state["first"] = start
    _state["current"] = item.nodeid
    _state["records"][item.nodeid] = {
        "nodeid": item.nodeid,
        "module": item.nodeid.split("::", 1)[0],
        "function": getattr(item, "originalname", item.name),
        "framework": combination["framework"] if combination else None,
        "combination": combination,
        "start": start,
        "helpers": {},
    }
    yield
    end = time.time()
    _state["records"][item.nodeid]["wall"] = end - start
    _state["current"] = None
    _state["last"] = end


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Keep which tests failed (setup, call or teardown): the report names them."""
    record = _state["records"].get(report.nodeid)
    if record is not None and report.failed:
        record["failed"] = True


def pytest_sessionfinish() -> None:
    if not _OUT:
        return
    worker = os.environ.get("PYTEST_XDIST_WORKER", "controller")
    Path(_OUT).mkdir(parents=True, exist_ok=True)
    data = {
        "worker": worker,
        "process_start": _state.get("process_start"),
        "configured": _state.get("configured"),
        "first_test_start": _state["first"],
        "last_test_end": _state["last"],
        "session_end": time.time(),
        "records": list(_state["records"].values()),
        "helpers": {name: list(value) for name, value in _state["helpers"].items()},
    }
    (Path(_OUT) / f"{worker}.json").write_text(json.dumps(data))
