"""Unit tests for scaffold.combinations: the valid combinations, their ids, disabled reasons.

Nothing here depends on which frameworks copier.yml enables today: the counts of DESIGN's table
are checked with every framework enabled, and today's copier.yml against its own choices.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from scaffold.combinations import combination_id, disabled_reasons, valid_combinations
from scaffold.errors import InvalidAnswer
from scaffold.questionnaire import Questionnaire, load
from tests.support.questionnaires import config_with_every_framework

FRAMEWORKS = ["django", "flask", "fastapi", "tornado", "pyramid"]


def assert_obeys_the_constraints(combination: dict[str, Any]) -> None:
    assert combination["framework"] in FRAMEWORKS
    assert combination["database"] in {"none", "sqlite", "postgresql"}
    assert combination["auth"] in {"none", "jwt", "session"}
    if combination["auth"] != "none":
        assert combination["database"] != "none"
    if combination["framework"] == "tornado":
        assert combination["use_async"] is True
        assert combination["serverless"] is False
    if combination["serverless"]:
        assert combination["database"] != "sqlite"
    if combination["framework"] == "pyramid":
        assert combination["use_async"] is False
    assert all(isinstance(combination[key], bool) for key in ("api_docs", "use_async"))
    assert isinstance(combination["serverless"], bool)


def test_combinations_cover_exactly_the_enabled_frameworks() -> None:
    questionnaire = load()
    states = questionnaire.choices("framework")
    enabled = {state.value for state in states if state.enabled}
    combinations = valid_combinations()

    assert {combination["framework"] for combination in combinations} == enabled
    assert sorted(
        (c for f in sorted(enabled) for c in valid_combinations(framework=f)), key=str
    ) == sorted(combinations, key=str)
    for state in states:
        if not state.enabled:
            assert valid_combinations(framework=state.value) == []


def test_every_combination_obeys_the_constraints() -> None:
    combinations = valid_combinations()
    keys = [question.name for question in load().option_questions()]

    for combination in combinations:
        assert list(combination) == keys
        assert_obeys_the_constraints(combination)
    assert len({tuple(combination.values()) for combination in combinations}) == len(combinations)


def test_valid_combinations_refuses_an_unknown_framework() -> None:
    with pytest.raises(InvalidAnswer, match="'bottle' is not in"):
        valid_combinations(framework="bottle")


def test_counts_match_design_with_every_framework_enabled(all_enabled: Questionnaire) -> None:
    combinations = valid_combinations(all_enabled)
    per_framework = Counter(combination["framework"] for combination in combinations)

    assert len(combinations) == 168
    assert per_framework == {"django": 44, "flask": 44, "fastapi": 44, "pyramid": 22, "tornado": 14}
    for framework, count in per_framework.items():
        assert len(valid_combinations(all_enabled, framework=framework)) == count
    for combination in combinations:
        assert_obeys_the_constraints(combination)
    assert len({combination_id(c, all_enabled) for c in combinations}) == 168


def test_combination_ids_are_readable(all_enabled: Questionnaire) -> None:
    ids = [combination_id(c, all_enabled) for c in valid_combinations(all_enabled)]

    assert "fastapi-postgresql-jwt-docs-async-lambda" in ids
    assert "tornado-none-none-nodocs-async-nolambda" in ids
    assert "pyramid-postgresql-session-docs-sync-lambda" in ids


def test_disabled_reasons_name_the_answers_that_lead_to_them(all_enabled: Questionnaire) -> None:
    use_async = disabled_reasons(all_enabled, "use_async")
    auth = disabled_reasons(all_enabled, "auth")

    assert [(r.reason, r.when) for r in use_async[True]] == [
        ("Pyramid is WSGI only: it has no async views", ({"framework": "pyramid"},))
    ]
    assert [r.when for r in use_async[False]] == [({"framework": "tornado"},)]
    assert [r.when for r in auth["jwt"]] == [({"database": "none"},)]
    assert auth["none"] == ()


def test_disabled_reasons_only_cover_reachable_answers(
    tmp_path: Path, all_enabled: Questionnaire
) -> None:
    config = config_with_every_framework()
    config["framework"]["choices"]["Tornado: real-time, WebSockets, many long-lived connections"][
        "validator"
    ] = "Tornado is not available yet"
    (tmp_path / "no_tornado").mkdir()
    (tmp_path / "no_tornado" / "copier.yml").write_text(yaml.safe_dump(config, sort_keys=False))
    questionnaire = load(tmp_path / "no_tornado")

    # Tornado cannot be picked, so its refusal of serverless is never reached.
    serverless = disabled_reasons(questionnaire, "serverless")
    assert not any("Tornado" in reason.reason for reason in serverless[True])
    reached = disabled_reasons(all_enabled, "serverless")[True]
    assert any("Tornado" in reason.reason for reason in reached)  # once Tornado can be picked
    assert serverless[False] == ()
    assert [r.when for r in disabled_reasons(questionnaire, "framework")["tornado"]] == [({},)]


def test_when_false_questions_take_their_default(tmp_path: Path) -> None:
    (tmp_path / "copier.yml").write_text(
        """\
name: demo
kind:
  type: str
  choices: [web, worker]
metrics:
  type: bool
  default: "{{ kind == 'web' }}"
  when: "{{ kind == 'web' }}"
""",
        encoding="utf-8",
    )
    questionnaire = load(tmp_path)

    assert valid_combinations(questionnaire) == [
        {"kind": "web", "metrics": True},
        {"kind": "web", "metrics": False},
        {"kind": "worker", "metrics": False},
    ]
    assert combination_id({"kind": "web", "metrics": False}, questionnaire) == "web-nometrics"
