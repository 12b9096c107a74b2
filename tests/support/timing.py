"""Where the harness's time goes: the steps it names, for whoever listens (bench/ does).

The tests never listen, and then a step costs nothing. bench/matrix_plugin.py listens, to put
each step's seconds in the phase it belongs to (renders, the PostgreSQL server, deployments,
own suites...) rather than in the test that happened to pay for it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

Listener = Callable[[str, float], None]
_listeners: list[Listener] = []


def listen(listener: Listener) -> None:
    """Call `listener(step, seconds)` at the end of every step from now on."""
    _listeners.append(listener)


@contextmanager
def step(name: str) -> Iterator[None]:
    """Time what runs inside, as the step `name`."""
    if not _listeners:
        yield
        return
    start = time.perf_counter()
    try:
        yield
    finally:
        seconds = time.perf_counter() - start
        for listener in _listeners:
            listener(name, seconds)
