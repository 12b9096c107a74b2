"""Idle WebSocket connections: how many one process of a real-time framework's generated app
holds, and the memory each costs.

For each enabled framework the table marks `realtime` (tests/support/frameworks.py), its fullest
SQLite combination is started from its Procfile on 127.0.0.1: one process, as the Procfile runs
it. Clients connect to /ws in steps and stay idle (the client library answers the app's pings);
after each step the server's resident memory is read from /proc. At the end one client
broadcasts, and every client must receive the message: held means still served.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from pathlib import Path
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

from bench.common import combination_id, log, render, richest, work_dir
from tests.support.combinations import enabled_frameworks
from tests.support.frameworks import framework as framework_facts
from tests.support.processes import STRONG_SECRET, project_env, run_release, web_process

STEPS = (250, 500, 1000, 2000)
QUICK_STEPS = (100, 250)


def tree_rss_mib(pid: int) -> float:
    """Resident memory of a process and all its descendants, in MiB."""
    total, pending = 0, [pid]
    while pending:
        current = pending.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            for task in Path(f"/proc/{current}/task").iterdir():
                pending += [int(child) for child in (task / "children").read_text().split()]
        except OSError:
            continue  # exited meanwhile
        rss = next((line for line in status.splitlines() if line.startswith("VmRSS:")), "")
        total += int(rss.split()[1]) if rss else 0
    return total / 1024


async def hold(url: str, steps: tuple[int, ...], pid: int) -> dict[str, Any]:
    """Open idle clients step by step; measure; broadcast once to all of them."""
    clients: list[ClientConnection] = []
    rows = [{"connections": 0, "rss_mib": tree_rss_mib(pid)}]
    try:
        for target in steps:
            while len(clients) < target:
                clients.append(await connect(url, open_timeout=30, max_queue=4))
            await asyncio.sleep(2)  # let the server settle after the burst of handshakes
            rows.append({"connections": len(clients), "rss_mib": tree_rss_mib(pid)})
            log(f"websockets {url}: {len(clients)} idle clients, {rows[-1]['rss_mib']:.0f} MiB")
        await clients[0].send("still there?")
        answers = await asyncio.gather(
            *(asyncio.wait_for(client.recv(), 60) for client in clients), return_exceptions=True
        )
        received = sum(answer == "still there?" for answer in answers)
    finally:
        await asyncio.gather(*(client.close() for client in clients), return_exceptions=True)
    base = rows[0]["rss_mib"]
    last = rows[-1]
    return {
        "steps": rows,
        "held": last["connections"],
        "broadcast_received": received,
        "kib_per_connection": (last["rss_mib"] - base) * 1024 / max(last["connections"], 1),
    }


def measure(framework: str, steps: tuple[int, ...]) -> dict[str, Any] | None:
    combination = richest(framework, lambda c: c["database"] == "sqlite")
    if combination is None:
        return None
    root = work_dir(f"websockets-{framework}")
    project = render(combination, root / "project")
    env = project_env(SECRET_KEY=STRONG_SECRET, DATABASE_URL=f"sqlite:///{root / 'app.db'}")
    run_release(project, env=env)
    try:
        with web_process(project, env=env) as app:
            url = app.base_url.replace("http://", "ws://", 1) + "/ws"
            result = asyncio.run(hold(url, steps, app.process.pid))
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return {"framework": framework, "combination": combination_id(combination), **result}


def run(*, quick: bool) -> dict[str, Any]:
    steps = QUICK_STEPS if quick else STEPS
    frameworks = [
        measured
        for name in enabled_frameworks()
        if framework_facts(name).realtime and (measured := measure(name, steps))
    ]
    return {
        "steps": list(steps),
        "open_files_limit": os.sysconf("SC_OPEN_MAX"),
        "frameworks": frameworks,
    }
