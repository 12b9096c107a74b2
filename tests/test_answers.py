"""Unit tests for scaffold.answers: the one question walk, without prompts and with an Asker."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pytest

from scaffold import answers
from scaffold.errors import BestFitUnavailable, InvalidAnswer
from scaffold.needs import Recommendation, recommend
from scaffold.questionnaire import ChoiceState, Question, Questionnaire, load


def walk(questionnaire: Questionnaire, given: dict[str, Any], needs: Sequence[str] = ()) -> Any:
    walked = answers.walk(questionnaire, given, needs=needs)
    return walked.answers, list(walked.notes)


@pytest.mark.parametrize(
    ("needs", "best"),
    [
        ([], "fastapi"),  # no need: copier.yml's default
        (["realtime"], "tornado"),
        (["realtime", "serverless"], "fastapi"),
        (["admin", "auth"], "django"),
        (["grow", "flexible-routing"], "pyramid"),
    ],
)
def test_pick_framework(all_enabled: Questionnaire, needs: list[str], best: str) -> None:
    pick = answers.pick_framework(all_enabled, recommend(needs, all_enabled))

    assert pick.framework == best
    assert not pick.fallback


@pytest.mark.parametrize("needs", [["realtime"], ["admin", "auth"], ["grow", "flexible-routing"]])
def test_pick_framework_falls_back_with_copier_yml_s_reason(
    all_enabled: Questionnaire, needs: list[str]
) -> None:
    questionnaire = load()
    recommendation = recommend(needs, questionnaire)
    best = answers.pick_framework(all_enabled, recommend(needs, all_enabled)).framework
    states = {state.value: state for state in questionnaire.choices("framework")}
    pick = answers.pick_framework(questionnaire, recommendation)

    assert pick.fallback == (not states[best].enabled)
    if pick.fallback:
        assert pick.unavailable_reason == states[best].disabled_reason
        assert states[pick.framework].enabled
    else:
        assert pick.framework == best


def test_the_walk_takes_given_then_suggested_then_defaults() -> None:
    got, notes = walk(
        load(),
        {"framework": "fastapi", "project_name": "Shop", "api_docs": "no"},
        ["api", "complex-models", "serverless"],
    )

    assert got == {
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
    got, notes = walk(load(), {"framework": "fastapi", "database": "none"}, ["admin"])

    assert got["auth"] == "none"
    assert notes == [
        "auth=session not applied: Session auth needs a database: users and sessions are stored"
    ]


def test_a_framework_enabled_tomorrow_gets_only_what_it_can_honour(
    all_enabled: Questionnaire,
) -> None:
    got, notes = walk(all_enabled, {"framework": "pyramid"}, ["realtime"])

    assert got["use_async"] is False
    assert notes == ["use_async=true not applied: Pyramid is WSGI only: it has no async views"]


def test_an_invalid_slug_comes_with_a_valid_one() -> None:
    with pytest.raises(InvalidAnswer) as refused:
        walk(load(), {"framework": "fastapi", "project_slug": "json"})

    assert refused.value.reason.endswith("Try 'json_app'.")
    assert load().validate("project_slug", "json_app") is None


def test_an_invalid_name_comes_with_a_cleaned_one() -> None:
    with pytest.raises(InvalidAnswer) as refused:
        walk(load(), {"framework": "fastapi", "project_name": 'My "Shop" {x}'})

    assert refused.value.reason.endswith("Try 'My Shop x'.")


def test_without_a_prompt_an_unavailable_best_fit_is_refused(all_enabled: Questionnaire) -> None:
    # Tornado fits best; a copier.yml that does not offer it yet makes the walk stop, not guess.
    config_path = all_enabled.path
    assert config_path is not None
    text = config_path.read_text(encoding="utf-8")
    marker = "value: tornado\n"
    config_path.with_name("other").mkdir()
    other = config_path.with_name("other") / "copier.yml"
    other.write_text(
        text.replace(marker, marker + "      validator: Tornado is not available yet\n"), "utf-8"
    )

    with pytest.raises(BestFitUnavailable, match="Tornado fits these needs best") as refused:
        answers.walk(load(other), needs=["realtime"])

    assert refused.value.next_best == "fastapi"
    assert "--" not in str(refused.value)  # the command line adds its flag


class Scripted(answers.Asker):
    """Answers from a script, and records what it was asked and what was preselected."""

    def __init__(self, script: dict[str, Any]) -> None:
        self.script = script
        self.asked: list[tuple[str, Any]] = []

    def needs(self, frameworks: Sequence[ChoiceState]) -> tuple[str, ...]:
        self.asked.append(("needs", [state.value for state in frameworks]))
        return tuple(self.script.get("needs", ()))

    def recommended(
        self, recommendation: Recommendation, frameworks: Sequence[ChoiceState]
    ) -> None:
        self.asked.append(("recommended", (recommendation.needs, len(frameworks))))

    def framework(
        self, question: Question, states: Sequence[ChoiceState], pick: answers.FrameworkPick
    ) -> Any:
        self.asked.append((question.name, (pick.framework, len(states))))
        return self.script.get(question.name, pick.framework)

    def option(
        self, question: Question, states: Sequence[ChoiceState], choice: answers.Preferred
    ) -> Any:
        self.asked.append((question.name, [s.value for s in states if s.enabled]))
        return self.script.get(question.name, choice.value)

    def text(self, question: Question, default: Any, check: Callable[[Any], str | None]) -> Any:
        answer = self.script.get(question.name, default)
        self.asked.append((question.name, check(answer)))
        return answer


def test_an_asker_is_asked_what_is_not_given(all_enabled: Questionnaire) -> None:
    asker = Scripted({"needs": ["realtime"], "project_name": "Chat", "database": "none"})

    walked = answers.walk(all_enabled, {"author_name": "Ada"}, asker=asker)

    assert walked.needs == ("realtime",)
    assert walked.answers["project_slug"] == "chat"
    assert walked.answers["framework"] == "tornado"
    assert walked.answers["use_async"] is True
    asked = [name for name, _ in asker.asked]
    assert "author_name" not in asked  # given
    assert asked.index("needs") < asked.index("framework")
    assert ("project_slug", None) in asker.asked  # the check passes the derived slug


def test_an_answer_the_asker_gives_is_checked_against_copier_yml() -> None:
    asker = Scripted({"project_slug": "class"})

    with pytest.raises(InvalidAnswer, match="Python keyword"):
        answers.walk(load(), asker=asker)
