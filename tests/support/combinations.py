"""The valid combinations of copier.yml, as pytest parameters."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from scaffold.combinations import combination_id, valid_combinations

Combination = dict[str, Any]


def combinations(where: Callable[[Combination], bool] = lambda _: True) -> list[Any]:
    """Return the valid combinations that match `where`, as pytest params.

    Each is its own xdist group, so that the tests of one combination share one render.
    """
    return [
        pytest.param(
            combination,
            id=combination_id(combination),
            marks=pytest.mark.xdist_group(combination_id(combination)),
        )
        for combination in valid_combinations()
        if where(combination)
    ]


def enabled_frameworks() -> list[str]:
    """Return the frameworks that have at least one valid combination."""
    return sorted({combination["framework"] for combination in valid_combinations()})


def fullest(framework: str, where: Callable[[Combination], bool] = lambda _: True) -> Combination:
    """Return the framework's combination with the most options switched on (among `where`'s).

    PostgreSQL over SQLite, session auth over JWT (more moving parts), then docs, async and
    the Lambda handler wherever the framework offers them.
    """
    database_rank = {"none": 0, "sqlite": 1, "postgresql": 2}
    auth_rank = {"none": 0, "jwt": 1, "session": 2}

    def richness(combination: Combination) -> tuple[int, ...]:
        return (
            database_rank[combination["database"]],
            auth_rank[combination["auth"]],
            int(combination["api_docs"]),
            int(combination["serverless"]),
            int(combination["use_async"]),
        )

    candidates = [c for c in valid_combinations(framework=framework) if where(c)]
    return max(candidates, key=richness)


def fullest_combinations(where: Callable[[Combination], bool] = lambda _: True) -> list[Any]:
    """Each enabled framework's fullest combination (among `where`'s), as pytest params.

    For the checks made once per framework: each says in its test why that is enough.
    """
    chosen = []
    for framework in enabled_frameworks():
        try:
            combination = fullest(framework, where)
        except ValueError:  # none of the framework's combinations is kept
            continue
        chosen += combinations(lambda c, combination=combination: c == combination)
    return chosen
