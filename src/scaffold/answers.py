"""The answers for Copier: the one walk through copier.yml's questions.

`walk` goes through the questions in copier.yml order, as Copier would: a given answer is checked,
a question Copier does not prompt for takes its default, and the others are answered by an
`Asker`. The base `Asker` asks nothing: it takes the needs' suggestion, else copier.yml's default
(``scaffold new --no-input``); the wizard is an `Asker` that prompts.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from scaffold.errors import BestFitUnavailable, InvalidAnswer, UserError
from scaffold.frameworks import FRAMEWORK, display_name
from scaffold.needs import Ranked, Recommendation, recommend
from scaffold.questionnaire import Answers, ChoiceState, Question, Questionnaire, format_answer

__all__ = [
    "SLUG",
    "Asker",
    "FrameworkPick",
    "Preferred",
    "Walked",
    "enabled_choices",
    "pick_framework",
    "preferred",
    "validate",
    "walk",
]

SLUG = "project_slug"
_UNUSUAL = re.compile(r"[^\w .,:;!?'@+-]")


@dataclass(frozen=True, slots=True)
class FrameworkPick:
    """The framework to preselect, and how the recommendation led there."""

    framework: str
    best: Ranked | None
    """The best fit of the recommendation, available or not."""
    unavailable_reason: str | None = None
    """Why the best fit cannot be picked (copier.yml's reason), when it cannot."""

    @property
    def fallback(self) -> bool:
        """Tell whether the best fit is unavailable and `framework` is the next best."""
        return self.unavailable_reason is not None


@dataclass(frozen=True, slots=True)
class Preferred:
    """The value to preselect for a question, and why."""

    value: Any
    reasons: tuple[str, ...] = ()
    """The needs' reasons, when the value is a suggestion."""
    dropped: str | None = None
    """Why a suggestion for this question could not be followed."""


@dataclass(frozen=True, slots=True)
class Walked:
    """The result of a walk: the answers to hand Copier, and what was learnt on the way."""

    answers: dict[str, Any]
    """Every prompted question's answer (questions Copier computes are left to Copier)."""
    needs: tuple[str, ...]
    recommendation: Recommendation
    notes: tuple[str, ...] = field(default=())
    """Suggestions that could not be followed, given answers the template decides."""


class Asker:
    """Answers the questions nobody gave: this one asks nothing and takes the preselection.

    A subclass that prompts overrides the methods; each receives what is preselected and
    returns the answer, which the walk checks against copier.yml.
    """

    def needs(self, frameworks: Sequence[ChoiceState]) -> tuple[str, ...]:
        """Return the needs, asked before the framework question when none were given."""
        del frameworks
        return ()

    def recommended(
        self, recommendation: Recommendation, frameworks: Sequence[ChoiceState]
    ) -> None:
        """Take note of the recommendation made from the needs, and the frameworks offered."""

    def framework(
        self, question: Question, states: Sequence[ChoiceState], pick: FrameworkPick
    ) -> Any:
        """Answer the framework question; the base refuses a fallback it was not asked for.

        Raises:
            BestFitUnavailable: When the best fit cannot be picked: nothing asked, nothing guessed.
        """
        del question, states
        if pick.fallback and pick.best is not None:
            raise BestFitUnavailable(
                best=pick.best.framework.display_name,
                reasons=pick.best.reasons,
                why=str(pick.unavailable_reason),
                next_best=pick.framework,
                next_best_name=display_name(pick.framework),
            )
        return pick.framework

    def option(self, question: Question, states: Sequence[ChoiceState], choice: Preferred) -> Any:
        """Answer an option question (a choice or a bool)."""
        del question, states
        return choice.value

    def text(self, question: Question, default: Any, check: Callable[[Any], str | None]) -> Any:
        """Answer a text question; `check` returns why copier.yml refuses a value, or None."""
        del question, check
        return default


def walk(
    questionnaire: Questionnaire,
    given: Mapping[str, Any] | None = None,
    *,
    needs: Sequence[str] | None = None,
    asker: Asker | None = None,
) -> Walked:
    """Answer every question of copier.yml: `given`, else what `asker` answers.

    The needs (`needs`, else the asker's, asked only when the framework is not given) make the
    recommendation that preselects the framework and the options.

    Raises:
        InvalidAnswer: For the first answer copier.yml refuses, with its reason.
        UnknownQuestion: For a given answer to a question copier.yml does not ask.
    """
    given = dict(given or {})
    for name in given:
        questionnaire.question(name)  # an unknown name fails here, before anything is asked
    asker = asker or Asker()
    chosen = tuple(needs or ())
    recommendation: Recommendation | None = None
    answers: dict[str, Any] = {}
    context: dict[str, Any] = {}
    notes: list[str] = []
    for question in questionnaire.questions:
        if not questionnaire.is_prompted(question, context):
            if question.name in given:
                notes.append(f"{question.name} is not asked here: the template decides it")
            # Copier computes it (when/ask false); later defaults and validators may read it.
            context[question.name] = questionnaire.default(question, context)
            continue
        if recommendation is None and (question.name == FRAMEWORK or question.is_option):
            if needs is None and FRAMEWORK not in given:
                chosen = tuple(asker.needs(_framework_choices(questionnaire)))
            recommendation = recommend(chosen, questionnaire)
            asker.recommended(recommendation, _framework_choices(questionnaire))
        if question.name in given:
            value = given[question.name]
        elif question.name == FRAMEWORK and recommendation is not None:
            pick = pick_framework(questionnaire, recommendation)
            states = questionnaire.choices(question, context)
            value = asker.framework(question, states, pick)
        elif question.is_option:
            choice = preferred(questionnaire, question, context, recommendation=recommendation)
            if choice.dropped:
                notes.append(choice.dropped)
            states = enabled_choices(questionnaire, question, context)
            value = asker.option(question, states, choice)
        else:
            check = _checker(questionnaire, question, dict(context))
            value = asker.text(question, questionnaire.default(question, context), check)
        value = validate(questionnaire, question, value, context)
        answers[question.name] = value
        context[question.name] = value
    return Walked(
        answers=answers,
        needs=chosen,
        recommendation=recommendation or recommend(chosen, questionnaire),
        notes=tuple(notes),
    )


def _checker(
    questionnaire: Questionnaire, question: Question, context: Answers
) -> Callable[[Any], str | None]:
    """Return a check of `question`'s answers after `context`: copier.yml's reason, or None."""

    def check(value: Any) -> str | None:
        try:
            validate(questionnaire, question, value, context)
        except InvalidAnswer as error:
            return error.reason
        return None

    return check


def _framework_choices(questionnaire: Questionnaire) -> list[ChoiceState]:
    if FRAMEWORK not in {question.name for question in questionnaire.questions}:
        return []
    return questionnaire.choices(FRAMEWORK)


def enabled_choices(
    questionnaire: Questionnaire, question: Question, answers: Answers
) -> list[ChoiceState]:
    """Return the choices of `question` after `answers`; a plain bool offers Yes and No."""
    if question.choices:
        return questionnaire.choices(question, answers)
    if question.type == "bool":
        return [ChoiceState("Yes", True), ChoiceState("No", False)]
    return []


def pick_framework(questionnaire: Questionnaire, recommendation: Recommendation) -> FrameworkPick:
    """Pick the recommended framework among those copier.yml offers.

    With no rule fired, copier.yml's default; when the best fit is disabled, the next best
    framework that is enabled, with copier.yml's reason.

    Raises:
        UserError: When copier.yml offers no framework at all.
    """
    states = {state.value: state for state in questionnaire.choices(FRAMEWORK)}
    enabled = [value for value, state in states.items() if state.enabled]
    if not enabled:
        raise UserError("The template offers no framework yet")
    default = questionnaire.default(FRAMEWORK)
    fallback_default = default if default in enabled else enabled[0]
    best = recommendation.best
    if best is None:
        return FrameworkPick(framework=fallback_default, best=None)
    state = states.get(best.framework.value)
    if state is not None and state.enabled:
        return FrameworkPick(framework=best.framework.value, best=best)
    fallback = recommendation.best_among(enabled)
    chosen = fallback.framework.value if fallback else fallback_default
    reason = state.disabled_reason if state else f"{best.framework.value!r} is not in copier.yml"
    return FrameworkPick(framework=chosen, best=best, unavailable_reason=reason)


def preferred(
    questionnaire: Questionnaire,
    question: Question,
    answers: Answers,
    *,
    recommendation: Recommendation | None = None,
) -> Preferred:
    """Return the value to preselect: the needs' suggestion if it can be picked, else the default.

    A default that a choice validator disables gives way to the first enabled choice.
    """
    states = enabled_choices(questionnaire, question, answers)
    enabled = [state.value for state in states if state.enabled]
    dropped = None
    for suggestion in recommendation.suggestions if recommendation else ():
        if suggestion.option != question.name:
            continue
        reason = questionnaire.validate(question, suggestion.value, answers)
        if reason is None:
            return Preferred(value=suggestion.value, reasons=suggestion.reasons)
        dropped = f"{question.name}={format_answer(suggestion.value)} not applied: {reason}"
    default = questionnaire.default(question, answers)
    if enabled and default not in enabled:
        default = enabled[0]
    return Preferred(value=default, dropped=dropped)


def validate(questionnaire: Questionnaire, question: Question, value: Any, answers: Answers) -> Any:
    """Check an answer as Copier would and return it cast to the question's type.

    Raises:
        InvalidAnswer: With copier.yml's reason, and for the slug a valid alternative.
    """
    reason = questionnaire.validate(question, value, answers)
    if reason is not None:
        if question.name == SLUG:
            alternative = _slug_suggestion(questionnaire, str(value), answers)
        elif not question.is_option and isinstance(value, str):
            alternative = _plain_text_suggestion(questionnaire, question, value, answers)
        else:
            alternative = None
        if alternative and f"'{alternative}'" not in reason:
            reason = f"{reason} Try '{alternative}'."
        raise InvalidAnswer(question=question.name, message=reason)
    return questionnaire.cast(question, value)


def _slug_suggestion(questionnaire: Questionnaire, slug: str, answers: Answers) -> str | None:
    """Return a slug close to `slug` that copier.yml accepts, or None."""
    question = questionnaire.question(SLUG)
    base = questionnaire.default(question, {**answers, "project_name": slug}) or "my"
    for candidate in (base, f"{base}_app", f"{base}_service", f"my_{base}"):
        if candidate != slug and questionnaire.validate(question, candidate, answers) is None:
            return str(candidate)
    return None


def _plain_text_suggestion(
    questionnaire: Questionnaire, question: Question, text: str, answers: Answers
) -> str | None:
    """Return `text` with unusual characters dropped, if copier.yml then accepts it."""
    # A guess only: copier.yml's validator decides whether it is acceptable.
    candidate = " ".join(_UNUSUAL.sub("", text).split())
    if (
        candidate
        and candidate != text
        and questionnaire.validate(question, candidate, answers) is None
    ):
        return candidate
    return None
