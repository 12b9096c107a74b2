"""Turn given answers, the needs' recommendation and copier.yml's defaults into full answers."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from scaffold.errors import InvalidAnswer, UserError
from scaffold.options import FRAMEWORK, Answers, ChoiceState, Question, Questionnaire
from scaffold.rules import Framework, Ranked, Recommendation

__all__ = [
    "FrameworkPick",
    "Preferred",
    "complete",
    "enabled_choices",
    "framework_name",
    "pick_framework",
    "preferred",
    "slug_suggestion",
    "validate",
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


def enabled_choices(
    questionnaire: Questionnaire, question: Question, answers: Answers
) -> list[ChoiceState]:
    """Return the choices of `question` after `answers`; a plain bool offers True and False."""
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
    best = recommendation.best
    if best is None:
        default = questionnaire.default(FRAMEWORK)
        return FrameworkPick(framework=default if default in enabled else enabled[0], best=None)
    state = states.get(best.framework.value)
    if state is not None and state.enabled:
        return FrameworkPick(framework=best.framework.value, best=best)
    fallback = recommendation.best_among(enabled)
    default = questionnaire.default(FRAMEWORK)
    chosen = fallback.framework.value if fallback else default if default in enabled else enabled[0]
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
        dropped = f"{question.name}={_word(suggestion.value)} not applied: {reason}"
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
            alternative = slug_suggestion(questionnaire, str(value), answers)
        elif not question.is_option and isinstance(value, str):
            alternative = _plain_text_suggestion(questionnaire, question, value, answers)
        else:
            alternative = None
        if alternative and f"'{alternative}'" not in reason:
            reason = f"{reason} Try '{alternative}'."
        raise InvalidAnswer(question=question.name, message=reason)
    return questionnaire.cast(question, value)


def slug_suggestion(questionnaire: Questionnaire, slug: str, answers: Answers) -> str | None:
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


def complete(
    questionnaire: Questionnaire,
    given: Mapping[str, Any],
    *,
    recommendation: Recommendation | None = None,
) -> tuple[dict[str, Any], list[str]]:
    """Answer every question without prompting: `given`, else the suggestion, else the default.

    Returns the answers to hand Copier (questions Copier skips are left out) and notes on
    suggestions that could not be followed.

    Raises:
        InvalidAnswer: For the first given answer copier.yml refuses, with its reason.
    """
    answers: dict[str, Any] = {}
    context: dict[str, Any] = {}
    notes: list[str] = []
    for question in questionnaire.questions:
        prompted = questionnaire.is_prompted(question, context)
        if question.name in given and prompted:
            value = validate(questionnaire, question, given[question.name], context)
        elif not prompted:
            if question.name in given:
                notes.append(f"{question.name} is not asked here: the template decides it")
            # Copier computes it (when/ask false); later defaults and validators may read it.
            context[question.name] = questionnaire.default(question, context)
            continue
        elif question.is_option:
            choice = preferred(questionnaire, question, context, recommendation=recommendation)
            if choice.dropped:
                notes.append(choice.dropped)
            value = choice.value
        else:
            value = validate(
                questionnaire, question, questionnaire.default(question, context), context
            )
        answers[question.name] = value
        context[question.name] = value
    return answers, notes


def framework_name(value: str) -> str:
    """Return a framework's display name when the rules know it, else the copier.yml value."""
    try:
        return Framework(value).display_name
    except ValueError:
        return value


def _word(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
