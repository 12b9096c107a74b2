"""What a project needs, and the frameworks and options those needs point to, ranked.

The selection rules of docs/contract.md as data, and a scorer over them. What a framework cannot
do is copier.yml's to say: a framework is ruled out for a need only when copier.yml refuses the
option value that need requires (e.g. `serverless` for Tornado), with copier.yml's reason.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from scaffold.errors import UnknownNeed
from scaffold.frameworks import Framework

if TYPE_CHECKING:
    from scaffold.questionnaire import Questionnaire

__all__ = [
    "NEEDS",
    "RULES",
    "SUGGESTIONS",
    "TEAM_PREFIX",
    "TEAM_WEIGHT",
    "Ranked",
    "Recommendation",
    "Rule",
    "SuggestedOption",
    "Suggestion",
    "parse_needs",
    "recommend",
]


TEAM_PREFIX = "team:"
"""``team:<framework>``: the team already knows that framework."""

TEAM_WEIGHT = 2
"""What team experience adds: enough to move a close second to first, not to beat a clear fit."""

NEEDS: Mapping[str, str] = MappingProxyType(
    {
        "web-app": "a complete web application: pages, forms, users",
        "admin": "admin screens to manage the data",
        "auth": "user accounts, login and permissions",
        "complex-models": "complex database models and relations",
        "api": "an API first: JSON over HTTP, microservices",
        "validation": "strict validation of every request",
        "api-docs": "automatic API documentation",
        "async": "async I/O, many concurrent requests",
        "realtime": "real time: chat, streaming, live dashboards, WebSockets",
        "prototype": "a prototype or proof of concept",
        "minimal": "a minimal core; the team picks its parts",
        "ml": "serving machine-learning predictions",
        "grow": "uncertain scope, expected to grow in phases",
        "flexible-routing": "strong, flexible URL routing",
        "serverless": "running serverless (AWS Lambda)",
    }
)
"""The needs vocabulary, with what each means; ``team:<framework>`` comes on top."""


@dataclass(frozen=True, slots=True)
class Rule:
    """A need that speaks for a framework.

    The rule fires when any need of `any_of` is present and every need of `all_of` is.
    """

    framework: Framework
    weight: int
    reason: str
    any_of: frozenset[str]
    all_of: frozenset[str] = frozenset()

    def fires(self, needs: frozenset[str]) -> bool:
        """Tell whether the rule applies to `needs`."""
        return bool(self.any_of & needs) and self.all_of <= needs


@dataclass(frozen=True, slots=True)
class Suggestion:
    """An option value that serves a set of needs (all of them must be present).

    Suggestions for the same option are tried in table order; the first that fires wins. A
    `required` one rules out the frameworks copier.yml refuses the value for.
    """

    needs: frozenset[str]
    option: str
    value: Any
    reason: str
    required: bool = False


def _rule(framework: Framework, weight: int, reason: str, *any_of: str, **extra: Any) -> Rule:
    return Rule(framework, weight, reason, frozenset(any_of), frozenset(extra.get("all_of", ())))


_F = Framework

RULES: tuple[Rule, ...] = (
    # Django: complete web application, admin, auth and permissions, complex models, mid-sized or
    # large, strong built-in structure, security defaults.
    _rule(_F.DJANGO, 3, "Django is made for complete web applications, mid-sized to large: ORM, "
          "templates, forms and security defaults are built in", "web-app"),
    _rule(_F.DJANGO, 3, "Django generates admin screens from your models", "admin"),
    _rule(_F.DJANGO, 3, "Django has users, authentication and permissions built in", "auth"),
    _rule(_F.DJANGO, 3, "Django's ORM and migrations handle complex database models",
          "complex-models"),
    _rule(_F.DJANGO, 1, "Django's built-in structure holds as a project grows", "grow"),
    # Flask: lightweight start, small web apps, simple APIs, prototypes, team picks its parts.
    _rule(_F.FLASK, 3, "Flask gets prototypes and proofs of concept running with the least code",
          "prototype"),
    _rule(_F.FLASK, 3, "Flask is a lightweight core: the team picks its parts", "minimal"),
    _rule(_F.FLASK, 1, "Flask serves small web apps with Jinja templates", "web-app"),
    _rule(_F.FLASK, 1, "Flask handles simple APIs with little code", "api"),
    _rule(_F.FLASK, 2, "Flask fits simple ML prediction endpoints", "ml"),
    # FastAPI: API-first, validation, automatic docs, async / high concurrency, microservices, ML.
    _rule(_F.FASTAPI, 3, "FastAPI is API-first and suits microservices: routes, schemas and "
          "responses come from type hints", "api"),
    _rule(_F.FASTAPI, 3, "FastAPI validates every request against pydantic models and answers "
          "422 with the details", "validation"),
    _rule(_F.FASTAPI, 3, "FastAPI generates the OpenAPI document and interactive docs from the "
          "code", "api-docs"),
    _rule(_F.FASTAPI, 3, "FastAPI is async-first, built for high-concurrency APIs", "async"),
    _rule(_F.FASTAPI, 3, "FastAPI fits ML model serving: validated inputs, async, automatic docs",
          "ml"),
    _rule(_F.FASTAPI, 1, "FastAPI gets an API prototype running quickly", "prototype"),
    _rule(_F.FASTAPI, 1, "FastAPI has OAuth2 and bearer-token helpers for API authentication",
          "auth"),
    _rule(_F.FASTAPI, 1, "FastAPI has WebSocket routes too (Starlette)", "realtime"),
    # Tornado: real-time communication, chat, streaming, live dashboards, long-lived connections.
    _rule(_F.TORNADO, 4, "Tornado is built for real-time communication: WebSockets, chat, "
          "streaming and many long-lived connections", "realtime"),
    _rule(_F.TORNADO, 2, "Tornado runs every handler on the asyncio event loop", "async"),
    # Pyramid: scope uncertain, grows over phases, architectural flexibility, strong URL routing.
    _rule(_F.PYRAMID, 3, "Pyramid is made for uncertain scope: it starts small and grows over "
          "phases without a rewrite", "grow"),
    _rule(_F.PYRAMID, 3, "Pyramid has the strongest URL routing (URL dispatch, traversal, view "
          "predicates) and leaves the architecture to you", "flexible-routing"),
    _rule(_F.PYRAMID, 1, "Pyramid builds full web applications from parts you choose", "web-app"),
    _rule(_F.PYRAMID, 1, "Pyramid has a security policy for authentication and authorization",
          "auth"),
    _rule(_F.PYRAMID, 1, "Pyramid pairs with SQLAlchemy, which maps complex models",
          "complex-models"),
    _rule(_F.PYRAMID, 1, "Pyramid starts small and adds only what you use", "minimal"),
    # Cross-cutting: ML endpoints inside a product with users, permissions and admin fit Django.
    _rule(_F.DJANGO, 2, "ML predictions inside a product with users, permissions and admin fit "
          "Django", "admin", "auth", "web-app", all_of={"ml"}),
    # Cross-cutting: team experience weighs for a framework.
    *(
        _rule(framework, TEAM_WEIGHT, f"your team already knows {framework.display_name}",
              f"{TEAM_PREFIX}{framework.value}")
        for framework in Framework
    ),
)  # fmt: skip

SUGGESTIONS: tuple[Suggestion, ...] = (
    Suggestion(frozenset({"admin"}), "auth", "session", "admin screens sign in with a browser "
               "session"),
    Suggestion(frozenset({"web-app", "auth"}), "auth", "session", "a web application's users sign "
               "in with a browser session"),
    Suggestion(frozenset({"auth"}), "auth", "jwt", "API clients authenticate with bearer tokens"),
    Suggestion(frozenset({"complex-models"}), "database", "postgresql", "complex models deserve "
               "a production database"),
    Suggestion(frozenset({"api"}), "api_docs", True, "API clients read the OpenAPI document"),
    Suggestion(frozenset({"api-docs"}), "api_docs", True, "you asked for API documentation"),
    Suggestion(frozenset({"realtime"}), "use_async", True, "long-lived connections need async "
               "handlers"),
    Suggestion(frozenset({"async"}), "use_async", True, "you asked for async I/O"),
    Suggestion(frozenset({"serverless"}), "serverless", True, "adds the AWS Lambda handler",
               required=True),
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Ranked:
    """A framework's place in a recommendation."""

    framework: Framework
    score: int
    reasons: tuple[str, ...]
    """The reasons of the rules that fired for it, strongest first."""
    excluded_by: tuple[str, ...] = ()
    """Why a need rules the framework out; an excluded framework ranks last."""

    @property
    def excluded(self) -> bool:
        """Tell whether a need rules the framework out."""
        return bool(self.excluded_by)


@dataclass(frozen=True, slots=True)
class SuggestedOption:
    """An option value the needs point to, with the reasons."""

    option: str
    value: Any
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Recommendation:
    """A ranking of every framework for a set of needs, and the options those needs suggest."""

    needs: tuple[str, ...]
    ranking: tuple[Ranked, ...]
    suggestions: tuple[SuggestedOption, ...]

    @property
    def best(self) -> Ranked | None:
        """Return the first framework, unless no rule fired for it or it is ruled out."""
        first = self.ranking[0]
        return first if first.score > 0 and not first.excluded else None

    def best_among(self, frameworks: Iterable[str]) -> Ranked | None:
        """Return the highest-ranked framework of `frameworks` that is not ruled out."""
        allowed = set(frameworks)
        return next(
            (
                ranked
                for ranked in self.ranking
                if ranked.framework.value in allowed and not ranked.excluded
            ),
            None,
        )

    def entry(self, framework: str) -> Ranked:
        """Return the ranking entry of `framework`."""
        return next(ranked for ranked in self.ranking if ranked.framework == framework)

    def suggested(self) -> dict[str, Any]:
        """Return the suggested options as ``{option: value}``."""
        return {suggestion.option: suggestion.value for suggestion in self.suggestions}


def parse_needs(words: Iterable[str]) -> tuple[str, ...]:
    """Normalise needs (case, spaces, ``_``), drop repeats, and refuse unknown ones.

    Raises:
        UnknownNeed: For a word that is not in the vocabulary, with the closest known one.
    """
    known = [*NEEDS, *(f"{TEAM_PREFIX}{framework.value}" for framework in Framework)]
    needs: list[str] = []
    for word in words:
        need = word.strip().lower().replace("_", "-").replace(" ", "")
        if need not in known:
            close = difflib.get_close_matches(need, known, n=1)
            raise UnknownNeed(need=word, known=known, suggestion=close[0] if close else None)
        if need not in needs:
            needs.append(need)
    return tuple(needs)


def recommend(needs: Iterable[str], questionnaire: Questionnaire) -> Recommendation:
    """Score every framework against `needs` and rank them, best first.

    Ties keep the order of `Framework` (copier.yml's order). A framework that cannot take what a
    need requires (copier.yml refuses the option value for it) ranks after every other.

    Raises:
        UnknownNeed: For a need that is not in the vocabulary.
    """
    given = parse_needs(needs)
    present = frozenset(given)
    fired = [rule for rule in RULES if rule.fires(present)]
    required = [s for s in SUGGESTIONS if s.required and s.needs <= present]
    ranking = []
    for framework in Framework:
        own = sorted(
            (rule for rule in fired if rule.framework is framework), key=lambda r: -r.weight
        )
        ranking.append(
            Ranked(
                framework=framework,
                score=sum(rule.weight for rule in own),
                reasons=tuple(rule.reason for rule in own),
                excluded_by=_refusals(questionnaire, framework, required),
            )
        )
    order = list(Framework)
    ranking.sort(key=lambda r: (r.excluded, -r.score, order.index(r.framework)))
    return Recommendation(needs=given, ranking=tuple(ranking), suggestions=_suggest(present))


def _refusals(
    questionnaire: Questionnaire, framework: Framework, required: Iterable[Suggestion]
) -> tuple[str, ...]:
    """Return copier.yml's reasons for refusing, with `framework`, what the needs require."""
    context = {**questionnaire.answers_for_defaults(), "framework": framework.value}
    reasons = []
    for suggestion in required:
        reason = questionnaire.validate(suggestion.option, suggestion.value, context)
        if reason is not None:
            reasons.append(reason)
    return tuple(reasons)


def _suggest(needs: frozenset[str]) -> tuple[SuggestedOption, ...]:
    """Pick, per option, the first suggestion that fires; gather its agreeing reasons."""
    chosen: dict[str, SuggestedOption] = {}
    for suggestion in SUGGESTIONS:
        if not suggestion.needs <= needs:
            continue
        current = chosen.get(suggestion.option)
        if current is None:
            chosen[suggestion.option] = SuggestedOption(
                suggestion.option, suggestion.value, (suggestion.reason,)
            )
        elif current.value == suggestion.value and suggestion.reason not in current.reasons:
            chosen[suggestion.option] = SuggestedOption(
                current.option, current.value, (*current.reasons, suggestion.reason)
            )
    return tuple(chosen.values())
