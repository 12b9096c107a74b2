"""Read copier.yml and evaluate it as Copier does: questions, defaults, choices, validators.

The Jinja environment is Copier's own (its loader, extensions, globals and `_envops`), built by
Copier, so that a validator or default reads the same here as in `copier copy`. Copier is
imported only when a value holds Jinja: the wizard's first prompt needs none.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Mapping
from contextlib import suppress
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import yaml

from scaffold.compile_cache import cache_compiles
from scaffold.errors import InvalidAnswer, InvalidTemplate, TemplateNotFound, UnknownQuestion
from scaffold.own_template import template_root

if TYPE_CHECKING:
    import jinja2

__all__ = [
    "Answers",
    "Choice",
    "ChoiceState",
    "Question",
    "Questionnaire",
    "format_answer",
    "load",
]

Answers = Mapping[str, Any]

_CONFIG_NAMES = ("copier.yml", "copier.yaml")
_TRUE_WORDS = frozenset({"y", "yes", "t", "true", "on"})
_FALSE_WORDS = frozenset({"n", "no", "f", "false", "off", "~", "null", "none"})
_NO_ANSWERS: Answers = MappingProxyType({})
# What makes a string a template for Jinja's default syntax; `_envops` may change it.
_MARKERS = ("block_start_string", "variable_start_string", "comment_start_string")
_DEFAULT_MARKERS = {"block_start_string": "{%", "variable_start_string": "{{",
                    "comment_start_string": "{#"}  # fmt: skip
# yaml's C loader when libyaml is there: copier.yml is read on every `scaffold new`.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def format_answer(value: Any) -> str:
    """Write an answer as `-d KEY=VALUE` and copier.yml take it: text bare, the rest as JSON."""
    return value if isinstance(value, str) else json.dumps(value)


@dataclass(frozen=True, slots=True)
class Choice:
    """One choice of a question, as written in copier.yml."""

    label: str
    value: Any
    validator: str = ""
    """Jinja template rendering the reason the choice is disabled, or nothing when it is offered."""


@dataclass(frozen=True, slots=True)
class ChoiceState:
    """A choice as offered after some answers: disabled when its validator renders a reason."""

    label: str
    value: Any
    disabled_reason: str | None = None

    @property
    def enabled(self) -> bool:
        """Tell whether the choice can be picked."""
        return self.disabled_reason is None


@dataclass(frozen=True, slots=True)
class Question:
    """One question of copier.yml, unrendered."""

    name: str
    type: str
    help: str = ""
    default: Any = None
    choices: tuple[Choice, ...] = ()
    validator: str = ""
    when: str | bool = True
    ask: str | bool = True
    """Copier's `ask`: when false, the default is used and remembered without prompting."""

    @property
    def is_option(self) -> bool:
        """Tell whether the question shapes the project (a bool or a choice), not just names it."""
        return self.type == "bool" or bool(self.choices)


@dataclass(frozen=True, eq=False)
class Questionnaire:
    """The questions of a copier.yml, evaluated the way Copier evaluates them."""

    questions: tuple[Question, ...]
    settings: Mapping[str, Any] = field(default_factory=dict)
    """The `_`-prefixed keys of copier.yml, as written (`_envops`, `_subdirectory`, ...)."""
    path: Path | None = None
    config: Mapping[str, Any] = field(default_factory=dict, repr=False)
    """copier.yml as parsed, for Copier to build its environment from without reading it again."""
    _compiled: dict[str, jinja2.Template] = field(default_factory=dict, init=False, repr=False)

    def question(self, name: str) -> Question:
        """Return the question called `name`."""
        try:
            return self._by_name[name]
        except KeyError:
            raise UnknownQuestion(name=name, known=self._by_name) from None

    def option_questions(self) -> tuple[Question, ...]:
        """Return the questions that shape a project (bools and choices), in copier.yml order."""
        return tuple(question for question in self.questions if question.is_option)

    def is_asked(self, question: Question | str, answers: Answers = _NO_ANSWERS) -> bool:
        """Tell whether Copier asks `question` after `answers` (its `when`)."""
        question = self._resolve(question)
        return _to_bool(self._render(question.when, answers))

    def is_prompted(self, question: Question | str, answers: Answers = _NO_ANSWERS) -> bool:
        """Tell whether Copier prompts for `question` after `answers` (its `when` and `ask`)."""
        question = self._resolve(question)
        return self.is_asked(question, answers) and _to_bool(self._render(question.ask, answers))

    def text_questions(self) -> tuple[Question, ...]:
        """Return the questions that name and describe a project, in copier.yml order.

        Questions Copier never prompts for (`ask: false`) are left out: Copier computes them.
        """
        return tuple(
            question
            for question in self.questions
            if not question.is_option and question.ask is not False
        )

    def default(self, question: Question | str, answers: Answers = _NO_ANSWERS) -> Any:
        """Return the default of `question` after `answers`, rendered and cast to its type."""
        question = self._resolve(question)
        if question.default is None:
            return None
        rendered = self._render(question.default, answers)
        try:
            return _cast(rendered, question.type)
        except (TypeError, ValueError) as error:
            reason = f"the default of '{question.name}' is not a {question.type}: {error}"
            raise self._invalid(reason) from error

    def cast(self, question: Question | str, value: Any) -> Any:
        """Return `value` cast to the question's type, as Copier casts answers.

        Raises:
            InvalidAnswer: When the value cannot be cast.
        """
        question = self._resolve(question)
        try:
            return _cast(value, question.type)
        except (TypeError, ValueError) as error:
            raise InvalidAnswer(question=question.name, message=str(error)) from error

    def choices(
        self, question: Question | str, answers: Answers = _NO_ANSWERS
    ) -> list[ChoiceState]:
        """Return the choices of `question` after `answers`, each with its disabled reason."""
        question = self._resolve(question)
        states = []
        for choice in question.choices:
            value = self._render(choice.value, answers)
            try:
                value = _cast(value, question.type)
            except (TypeError, ValueError) as error:
                raise self._invalid(f"choice {value!r} of '{question.name}': {error}") from error
            reason = str(self._render(choice.validator, answers)).strip()
            states.append(
                ChoiceState(
                    label=str(self._render(choice.label, answers)),
                    value=value,
                    disabled_reason=reason or None,
                )
            )
        return states

    def validate(
        self, question: Question | str, value: Any, answers: Answers = _NO_ANSWERS
    ) -> str | None:
        """Return why Copier refuses `value` for `question` after `answers`, or None if it doesn't.

        The message is the question's validator output, a choice's disabled reason, or Copier's
        "'x' is not in [...]" for a value that is not among the offered choices.
        """
        question = self._resolve(question)
        try:
            answer = _cast(value, question.type)
        except (TypeError, ValueError):
            return f"{value!r} is not a valid {question.type} answer"
        if question.choices:
            states = self.choices(question, answers)
            matches = [state for state in states if state.value == answer]
            if not any(state.enabled for state in matches):
                if matches:
                    return matches[0].disabled_reason
                offered = [state.value for state in states if state.enabled]
                return f"{answer!r} is not in {offered}"
        if not question.validator:
            return None
        try:
            message = str(self._render(question.validator, {**answers, question.name: answer}))
        except InvalidTemplate as error:
            # Copier reports a validator that fails to render as the answer's error.
            return error.reason
        return message.strip() or None

    def answers_for_defaults(self, overrides: Answers | None = None) -> dict[str, Any]:
        """Answer the text questions (project_name, project_slug, ...): `overrides`, else defaults.

        Defaults are rendered in copier.yml order, so a later one sees the earlier answers (the
        slug's default derives from project_name). Questions Copier computes (`ask: false`) are
        left to Copier.
        """
        given = dict(overrides or {})
        context = dict(given)
        answers: dict[str, Any] = {}
        for question in self.text_questions():
            if question.name in given:
                answers[question.name] = given[question.name]
            else:
                answers[question.name] = self.default(question, context)
            context[question.name] = answers[question.name]
        return answers

    def _render(self, source: Any, context: Answers) -> Any:
        """Render a value as Copier does: text through Jinja, lists item by item, others as is."""
        if isinstance(source, list):
            return [self._render(item, context) for item in source]
        if not isinstance(source, str) or not self._is_template(source):
            return source
        import jinja2

        try:
            template = self._compiled.get(source) or self._env.from_string(source)
            self._compiled[source] = template
            return template.render(context)
        except jinja2.TemplateError as error:
            raise self._invalid(f"cannot render {source!r}: {error}") from error

    def variables(self, source: str) -> list[str]:
        """Return the names a copier.yml value (a Jinja template) reads, sorted."""
        if not self._is_template(source):
            return []
        import jinja2
        from jinja2 import meta

        try:
            return sorted(meta.find_undeclared_variables(self._env.parse(source)))
        except jinja2.TemplateSyntaxError as error:
            raise self._invalid(f"cannot parse {source!r}: {error}") from error

    def _resolve(self, question: Question | str) -> Question:
        return self.question(question) if isinstance(question, str) else question

    def _invalid(self, reason: str) -> InvalidTemplate:
        return InvalidTemplate(path=self.path or Path("copier.yml"), reason=reason)

    @functools.cached_property
    def _by_name(self) -> dict[str, Question]:
        return {question.name: question for question in self.questions}

    @functools.cached_property
    def _env(self) -> jinja2.Environment:
        """Copier's Jinja environment for this template, as Copier builds it."""
        # Copier's Worker builds it (copier._main.Worker.jinja_env, internal to Copier): its
        # loader rooted at the template, its extensions, `pathjoin`, `_envops`. The template is
        # the folder of this copier.yml, already at the ref that is rendered, so Copier is told
        # not to clone it.
        from copier._main import Worker
        from copier._template import Template
        from copier.errors import CopierError

        root = (self.path or Path("copier.yml")).parent
        template = Template(url=str(root))
        template.__dict__["local_abspath"] = root
        if self.config:
            template.__dict__["_raw_config"] = dict(self.config)
        worker = Worker(src_path=str(root), dst_path=root)
        worker.__dict__["template"] = template
        try:
            env = worker.jinja_env
        except (CopierError, ImportError, TypeError, ValueError) as error:
            raise self._invalid(f"cannot build the Jinja environment: {error}") from error
        cache_compiles(env)
        return env

    @functools.cached_property
    def _markers(self) -> tuple[str, ...]:
        envops = self.settings.get("_envops") or {}
        if envops.get("line_statement_prefix") or envops.get("line_comment_prefix"):
            return ("",)  # every string may be a template
        return tuple(str(envops.get(name, _DEFAULT_MARKERS[name])) for name in _MARKERS)

    def _is_template(self, source: str) -> bool:
        """Tell whether rendering `source` could change it (else Jinja is not needed)."""
        trailing = source.endswith("\n") and not (self.settings.get("_envops") or {}).get(
            "keep_trailing_newline", False
        )
        return trailing or any(marker in source for marker in self._markers)


def load(path: Path | str | None = None) -> Questionnaire:
    """Read a copier.yml, by default the template's own; a file is read again only once changed.

    Args:
        path: A copier.yml, or a directory holding one.

    Raises:
        TemplateNotFound: When there is no such file.
        InvalidTemplate: When the file is not a valid questionnaire.
    """
    location = Path(path) if path is not None else template_root()
    if location.is_dir():
        found = [location / name for name in _CONFIG_NAMES if (location / name).is_file()]
        if not found:
            raise TemplateNotFound(searched=[location])
        location = found[0]
    elif not location.is_file():
        raise TemplateNotFound(searched=[location])
    config = location.resolve()
    stat = config.stat()
    return _load_file(config, stat.st_mtime_ns, stat.st_size)


@functools.cache
def _load_file(path: Path, mtime_ns: int, size: int) -> Questionnaire:  # noqa: ARG001 - the key
    """Parse one copier.yml."""
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise InvalidTemplate(path=path, reason=str(error)) from error
    if not isinstance(raw, Mapping):
        raise InvalidTemplate(path=path, reason="expected a mapping of settings and questions")
    settings = {str(key): value for key, value in raw.items() if str(key).startswith("_")}
    questions = tuple(
        _parse_question(str(name), spec, path)
        for name, spec in raw.items()
        if not str(name).startswith("_")
    )
    return Questionnaire(questions=questions, settings=settings, path=path, config=dict(raw))


def _parse_question(name: str, spec: Any, path: Path) -> Question:
    """Build a Question from its copier.yml entry (a mapping, or a bare default)."""
    if not isinstance(spec, Mapping):
        spec = {"default": spec}
    default = spec.get("default")
    type_name = spec.get("type") or _infer_type(default)
    if type_name not in _CASTS:
        raise InvalidTemplate(path=path, reason=f"question '{name}' has unknown type {type_name!r}")
    return Question(
        name=name,
        type=type_name,
        help=str(spec.get("help", "")),
        default=default,
        choices=_parse_choices(name, spec.get("choices") or (), path),
        validator=str(spec.get("validator", "")),
        when=spec.get("when", True),
        ask=spec.get("ask", True),
    )


def _parse_choices(name: str, raw: Any, path: Path) -> tuple[Choice, ...]:
    """Read the choices of a question: a mapping of label to value, or a list."""
    if isinstance(raw, str):
        raise InvalidTemplate(path=path, reason=f"question '{name}': templated choices unsupported")
    items = raw.items() if isinstance(raw, Mapping) else raw
    choices = []
    for item in items:
        label, value = item if isinstance(item, list | tuple) else (item, item)
        validator = ""
        if isinstance(value, Mapping):
            if "value" not in value:
                reason = f"question '{name}': choice {label!r} has no 'value'"
                raise InvalidTemplate(path=path, reason=reason)
            validator = str(value.get("validator", ""))
            value = value["value"]
        choices.append(Choice(label=str(label), value=value, validator=validator))
    return tuple(choices)


def _infer_type(default: Any) -> str:
    """Infer a question's type from its default, as Copier does when `type` is missing."""
    name = type(default).__name__
    return name if name in _CASTS else "yaml"


def _to_bool(value: Any) -> bool:
    """Cast like Copier: numbers by value, then YAML-style words, then Python truthiness."""
    with suppress(TypeError, ValueError):
        return bool(float(value))
    if isinstance(value, str):
        word = value.strip().lower()
        if not word or word in _FALSE_WORDS:
            return False
        if word in _TRUE_WORDS:
            return True
    return bool(value)


def _to_str(value: Any) -> str:
    """Cast like Copier: text and numbers only."""
    if isinstance(value, str):
        return value
    if isinstance(value, int | float | Decimal):
        return str(value)
    if isinstance(value, bytes | bytearray):
        return value.decode()
    raise ValueError(f"Could not convert {value!r} to string")


def _from_text(parse: Callable[[str], Any]) -> Callable[[Any], Any]:
    """Parse text with `parse`, and keep values that are already parsed."""

    def cast(value: Any) -> Any:
        return parse(value) if isinstance(value, str) else value

    return cast


_CASTS: Mapping[str, Callable[[Any], Any]] = {
    "bool": _to_bool,
    "float": float,
    "int": int,
    "json": _from_text(json.loads),
    "path": str,
    "str": _to_str,
    "yaml": _from_text(lambda text: yaml.load(text, Loader=_YAML_LOADER)),
}


def _cast(value: Any, type_name: str) -> Any:
    """Cast an answer to a question type; None stays None only for json and yaml, as in Copier."""
    if value is None and type_name not in {"json", "yaml"}:
        raise TypeError(f"{type_name} question cannot take None")
    return _CASTS[type_name](value)
