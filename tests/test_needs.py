"""Unit tests for scaffold.needs: one row per selection rule of docs/contract.md, then conflicts."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pytest
import yaml

from scaffold.errors import UnknownNeed
from scaffold.frameworks import FRAMEWORK, Framework
from scaffold.needs import (
    NEEDS,
    RULES,
    SUGGESTIONS,
    TEAM_PREFIX,
    Recommendation,
    parse_needs,
)
from scaffold.needs import recommend as recommend_for
from scaffold.questionnaire import load
from tests.support.questionnaires import config_with_every_framework


def recommend(needs: Iterable[str]) -> Recommendation:
    return recommend_for(needs, load())


# (needs, framework ranked first, a fragment of the reason that must have fired for it)
GUIDE: list[tuple[list[str], str, str]] = [
    # Django
    (["web-app"], "django", "complete web applications"),
    (["admin"], "django", "admin screens"),
    (["auth"], "django", "authentication and permissions"),
    (["complex-models"], "django", "complex database models"),
    # Flask
    (["prototype"], "flask", "prototypes and proofs of concept"),
    (["minimal"], "flask", "the team picks its parts"),
    (["prototype", "web-app", "minimal"], "flask", "small web apps"),
    (["minimal", "api"], "flask", "simple APIs"),
    # FastAPI
    (["api"], "fastapi", "API-first"),
    (["validation"], "fastapi", "validates every request"),
    (["api-docs"], "fastapi", "OpenAPI document"),
    (["async"], "fastapi", "high-concurrency"),
    (["ml"], "fastapi", "ML model serving"),
    # Tornado
    (["realtime"], "tornado", "real-time communication"),
    (["realtime", "async"], "tornado", "asyncio event loop"),
    # Pyramid
    (["grow"], "pyramid", "uncertain scope"),
    (["flexible-routing"], "pyramid", "URL routing"),
    # Cross-cutting
    (["ml", "admin"], "django", "ML predictions inside a product"),
    (["ml", "prototype"], "flask", "simple ML prediction endpoints"),
    (["api", "minimal", "team:fastapi"], "fastapi", "your team already knows FastAPI"),
]


@pytest.mark.parametrize(("needs", "first", "reason"), GUIDE, ids=lambda v: str(v))
def test_each_rule_of_the_guide(needs: list[str], first: str, reason: str) -> None:
    recommendation = recommend(needs)

    best = recommendation.best
    assert best is not None
    assert best.framework == first
    assert any(reason in fired for fired in best.reasons), best.reasons


def test_realtime_ranks_tornado_first() -> None:
    assert [r.framework for r in recommend(["realtime"]).ranking[:2]] == ["tornado", "fastapi"]


def test_serverless_rules_tornado_out_even_for_realtime() -> None:
    recommendation = recommend(["realtime", "serverless"])

    assert recommendation.best is not None
    assert recommendation.best.framework != Framework.TORNADO
    tornado = recommendation.ranking[-1]
    assert tornado.framework == Framework.TORNADO
    assert tornado.score > recommendation.best.score  # its fit is real; it is still ruled out
    assert "long-lived connections" in tornado.excluded_by[0]
    assert recommendation.best_among(["tornado"]) is None


def test_team_experience_moves_a_close_second_to_first() -> None:
    without = recommend(["api", "minimal"])
    with_team = recommend(["api", "minimal", "team:fastapi"])

    assert [r.framework for r in without.ranking[:2]] == ["flask", "fastapi"]
    assert [r.framework for r in with_team.ranking[:2]] == ["fastapi", "flask"]


def test_team_experience_does_not_beat_a_clear_fit() -> None:
    recommendation = recommend(["admin", "auth", "complex-models", "team:flask"])

    assert recommendation.best is not None
    assert recommendation.best.framework == Framework.DJANGO
    assert recommendation.entry("flask").reasons == ("your team already knows Flask",)


def test_reasons_are_strongest_first_and_scores_add_up() -> None:
    recommendation = recommend(["realtime", "async", "api"])
    fastapi = recommendation.entry("fastapi")

    assert fastapi.score == 3 + 3 + 1
    assert fastapi.reasons[-1] == "FastAPI has WebSocket routes too (Starlette)"


def test_no_need_recommends_nothing_and_keeps_copier_order() -> None:
    recommendation = recommend([])

    assert recommendation.best is None
    assert [r.framework for r in recommendation.ranking] == list(Framework)
    assert recommendation.suggestions == ()


@pytest.mark.parametrize(
    ("needs", "expected"),
    [
        (["admin"], {"auth": "session"}),
        (["web-app", "auth"], {"auth": "session"}),
        (["api", "auth"], {"auth": "jwt", "api_docs": True}),
        (["complex-models"], {"database": "postgresql"}),
        (["realtime"], {"use_async": True}),
        (["serverless"], {"serverless": True}),
        (["api-docs", "api"], {"api_docs": True}),
        (["grow"], {}),
    ],
)
def test_suggested_options(needs: list[str], expected: dict[str, object]) -> None:
    assert recommend(needs).suggested() == expected


def test_agreeing_suggestions_keep_every_reason() -> None:
    (api_docs,) = recommend(["api", "api-docs"]).suggestions

    assert len(api_docs.reasons) == 2


def test_needs_are_normalised_and_deduplicated() -> None:
    assert parse_needs(["Realtime", " api_docs", "realtime", "TEAM:Flask"]) == (
        "realtime",
        "api-docs",
        "team:flask",
    )


def test_unknown_need_suggests_the_closest() -> None:
    with pytest.raises(UnknownNeed, match="did you mean 'realtime'"):
        recommend(["realtme"])
    with pytest.raises(UnknownNeed, match="Unknown need 'team:bottle'"):
        parse_needs(["team:bottle"])


def test_every_need_has_a_rule_or_a_requirement() -> None:
    used = {need for rule in RULES for need in rule.any_of | rule.all_of}
    used |= {need for suggestion in SUGGESTIONS if suggestion.required for need in suggestion.needs}

    assert set(NEEDS) <= used
    assert used - set(NEEDS) == {f"{TEAM_PREFIX}{framework}" for framework in Framework}


# needs.py against copier.yml ---------------------------------------------------------------------


def test_framework_names_equal_copier_yml_choices() -> None:
    values = [choice.value for choice in load().question(FRAMEWORK).choices]

    assert [framework.value for framework in Framework] == values


def test_suggested_options_exist_in_copier_yml() -> None:
    questionnaire = load()
    names = {question.name for question in questionnaire.option_questions()}

    for suggestion in SUGGESTIONS:
        assert suggestion.option in names, suggestion
        question = questionnaire.question(suggestion.option)
        if question.choices:
            assert suggestion.value in [choice.value for choice in question.choices], suggestion
        else:
            assert isinstance(suggestion.value, bool), suggestion


def test_what_rules_a_framework_out_is_copier_yml_s_to_say(tmp_path: Path) -> None:
    config = config_with_every_framework()
    del config["serverless"]["choices"]["Yes"]["validator"]  # say Tornado could run on Lambda
    (tmp_path / "copier.yml").write_text(yaml.safe_dump(config, sort_keys=False), "utf-8")

    recommendation = recommend_for(["realtime", "serverless"], load(tmp_path))

    assert recommendation.best is not None
    assert recommendation.best.framework == Framework.TORNADO
    assert all(not ranked.excluded for ranked in recommendation.ranking)
