"""The valid combinations of copier.yml's options, their ids, and what disables a choice when."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from scaffold.errors import InvalidAnswer
from scaffold.frameworks import FRAMEWORK
from scaffold.questionnaire import Answers, Question, Questionnaire, load

__all__ = ["DisabledReason", "combination_id", "disabled_reasons", "valid_combinations"]

# Id words for bool options, (when true, when false); other bools fall back to `name`/`noname`.
_BOOL_ID_WORDS: Mapping[str, tuple[str, str]] = {
    "api_docs": ("docs", "nodocs"),
    "use_async": ("async", "sync"),
    "serverless": ("lambda", "nolambda"),
}


@dataclass(frozen=True, slots=True)
class DisabledReason:
    """A reason a choice can be disabled, and the earlier answers that lead to it."""

    reason: str
    when: tuple[Mapping[str, Any], ...]
    """Each entry holds the earlier answers the validator reads; an empty one means always."""


def valid_combinations(
    questionnaire: Questionnaire | None = None, *, framework: str | None = None
) -> list[dict[str, Any]]:
    """Return every valid way to answer the option questions, in copier.yml order.

    A question whose `when` is false takes its default; disabled choices are skipped; a bool
    question without choices takes both values. Each combination holds every option key.
    Without `questionnaire`, scaffold's own copier.yml.

    Raises:
        InvalidAnswer: When `framework` is not one of the framework choices.
    """
    questionnaire = questionnaire or load()
    options = questionnaire.option_questions()
    if framework is not None:
        known = [str(choice.value) for choice in questionnaire.question(FRAMEWORK).choices]
        if framework not in known:
            raise InvalidAnswer(question=FRAMEWORK, message=f"{framework!r} is not in {known}")
    names = [question.name for question in options]
    return [
        {name: answers[name] for name in names}
        for answers in _walk(questionnaire, options, questionnaire.answers_for_defaults())
        if framework is None or answers[FRAMEWORK] == framework
    ]


def combination_id(combination: Answers, questionnaire: Questionnaire | None = None) -> str:
    """Return a readable id for a combination, e.g. ``fastapi-postgresql-jwt-docs-async-lambda``."""
    words = []
    for question in (questionnaire or load()).option_questions():
        value = combination[question.name]
        if question.type == "bool":
            plain = question.name.replace("_", "")
            yes, no = _BOOL_ID_WORDS.get(question.name, (plain, f"no{plain}"))
            words.append(yes if value else no)
        else:
            words.append(str(value))
    return "-".join(words)


def disabled_reasons(
    questionnaire: Questionnaire, question: Question | str
) -> dict[Any, tuple[DisabledReason, ...]]:
    """Return, for each choice value of `question`, the reasons it can be disabled and when.

    The choices' validators are rendered after every reachable combination of the earlier
    option answers; each reason lists the distinct values of the answers its validator reads.
    """
    if isinstance(question, str):
        question = questionnaire.question(question)
    options = questionnaire.option_questions()
    names = [option.name for option in options]
    earlier = options[: names.index(question.name)] if question.name in names else ()
    prefixes = [
        prefix
        for prefix in _walk(questionnaire, earlier, questionnaire.answers_for_defaults())
        if questionnaire.is_asked(question, prefix)
    ]
    states_after = [(prefix, questionnaire.choices(question, prefix)) for prefix in prefixes]
    result: dict[Any, tuple[DisabledReason, ...]] = {}
    for index, choice in enumerate(question.choices):
        read = questionnaire.variables(choice.validator)
        found: dict[str, list[dict[str, Any]]] = {}
        for prefix, states in states_after:
            reason = states[index].disabled_reason
            if reason is None:
                continue
            condition = {name: prefix[name] for name in read if name in prefix}
            conditions = found.setdefault(reason, [])
            if condition not in conditions:
                conditions.append(condition)
        value = questionnaire.cast(question, choice.value)
        result[value] = tuple(
            DisabledReason(reason=reason, when=tuple(conditions))
            for reason, conditions in found.items()
        )
    return result


def _walk(
    questionnaire: Questionnaire, questions: Sequence[Question], answers: Answers
) -> Iterator[dict[str, Any]]:
    """Yield `answers` extended by every valid way to answer `questions`, depth first."""
    if not questions:
        yield dict(answers)
        return
    first, rest = questions[0], questions[1:]
    for value in _reachable_values(questionnaire, first, answers):
        yield from _walk(questionnaire, rest, {**answers, first.name: value})


def _reachable_values(
    questionnaire: Questionnaire, question: Question, answers: Answers
) -> list[Any]:
    """Return the values `question` can take after `answers`."""
    if not questionnaire.is_asked(question, answers):
        return [questionnaire.default(question, answers)]
    if question.choices:
        return [state.value for state in questionnaire.choices(question, answers) if state.enabled]
    if question.type == "bool":
        return [True, False]
    return [questionnaire.default(question, answers)]
