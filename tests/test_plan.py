"""Unit tests for scaffold.plan: answers from flags, the needs' suggestions and copier.yml."""

from __future__ import annotations

from pathlib import Path

import pytest

from scaffold import options, plan
from scaffold.errors import InvalidAnswer
from scaffold.options import Questionnaire
from scaffold.rules import recommend

REPO_ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    ("needs", "enabled_today", "every_framework"),
    [
        ([], "fastapi", "fastapi"),  # no need: copier.yml's default
        (["realtime"], "tornado", "tornado"),
        (["realtime", "serverless"], "fastapi", "fastapi"),
        (["admin", "auth"], "fastapi", "django"),
        (["grow", "flexible-routing"], "fastapi", "pyramid"),
    ],
)
def test_pick_framework(
    all_enabled: Questionnaire, needs: list[str], enabled_today: str, every_framework: str
) -> None:
    today = plan.pick_framework(options.load(), recommend(needs))
    tomorrow = plan.pick_framework(all_enabled, recommend(needs))

    assert today.framework == enabled_today
    assert tomorrow.framework == every_framework
    assert not tomorrow.fallback
    assert today.fallback == (enabled_today != every_framework)
    if today.fallback:
        assert today.unavailable_reason == f"{every_framework.title()} is not available yet"


def test_complete_takes_given_then_suggested_then_defaults() -> None:
    answers, notes = plan.complete(
        options.load(),
        {"framework": "fastapi", "project_name": "Shop", "api_docs": "no"},
        recommendation=recommend(["api", "complex-models", "serverless"]),
    )

    assert answers == {
        "project_name": "Shop",
        "project_slug": "shop",
        "description": "Shop: a web service.",
        "author_name": "Your Name",
        "author_email": "you@example.com",
        "framework": "fastapi",
        "database": "postgresql",  # suggested by complex-models
        "auth": "none",
        "api_docs": False,  # given, although api suggests docs
        "use_async": True,
        "serverless": True,  # suggested
    }
    assert notes == []


def test_a_suggestion_the_answers_rule_out_is_dropped_with_the_reason() -> None:
    answers, notes = plan.complete(
        options.load(),
        {"framework": "fastapi", "database": "none"},
        recommendation=recommend(["admin"]),
    )

    assert answers["auth"] == "none"
    assert notes == [
        "auth=session not applied: Session auth needs a database: users and sessions are stored"
    ]


def test_a_framework_enabled_tomorrow_gets_only_what_it_can_honour(
    all_enabled: Questionnaire,
) -> None:
    answers, notes = plan.complete(
        all_enabled, {"framework": "pyramid"}, recommendation=recommend(["realtime"])
    )

    assert answers["use_async"] is False
    assert notes == ["use_async=true not applied: Pyramid is WSGI only: it has no async views"]


def test_an_invalid_slug_comes_with_a_valid_one() -> None:
    with pytest.raises(InvalidAnswer) as refused:
        plan.complete(options.load(), {"framework": "fastapi", "project_slug": "json"})

    assert refused.value.reason.endswith("Try 'json_app'.")
    assert options.load().validate("project_slug", "json_app") is None


def test_an_invalid_name_comes_with_a_cleaned_one() -> None:
    with pytest.raises(InvalidAnswer) as refused:
        plan.complete(options.load(), {"framework": "fastapi", "project_name": 'My "Shop" {x}'})

    assert refused.value.reason.endswith("Try 'My Shop x'.")
