"""Unit tests for scaffold.options: reading copier.yml and enumerating valid combinations."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from scaffold import options
from scaffold.errors import InvalidAnswer, TemplateNotFound, UnknownQuestion
from scaffold.options import ChoiceState, Questionnaire
from scaffold.paths import template_root
from tests.support.questionnaires import every_framework_enabled

REPO_ROOT = Path(__file__).resolve().parents[1]
FRAMEWORKS = ["django", "flask", "fastapi", "tornado", "pyramid"]


@pytest.fixture
def questionnaire() -> Questionnaire:
    return options.load()


def test_template_root_is_the_checkout() -> None:
    assert template_root() == REPO_ROOT


def test_load_reads_the_questions_in_copier_yml_order(questionnaire: Questionnaire) -> None:
    names = [question.name for question in questionnaire.questions]

    assert names == [
        "project_name",
        "project_slug",
        "description",
        "author_name",
        "author_email",
        "framework",
        "database",
        "auth",
        "api_docs",
        "use_async",
        "serverless",
        "original_framework",
    ]
    assert questionnaire.settings["_subdirectory"] == "templates/{{ framework }}"
    assert questionnaire.path == REPO_ROOT / "copier.yml"


def test_load_is_cached_per_file() -> None:
    assert options.load() is options.load(REPO_ROOT)
    assert options.load() is options.load(REPO_ROOT / "copier.yml")


def test_load_refuses_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(TemplateNotFound, match="nothing-here"):
        options.load(tmp_path / "nothing-here")


def test_question_refuses_an_unknown_name(questionnaire: Questionnaire) -> None:
    with pytest.raises(UnknownQuestion, match="'colour'"):
        questionnaire.question("colour")


def test_option_questions_are_the_bools_and_choices(questionnaire: Questionnaire) -> None:
    names = [question.name for question in options.option_questions()]

    assert names == ["framework", "database", "auth", "api_docs", "use_async", "serverless"]
    assert options.option_questions() == questionnaire.option_questions()


def test_slug_default_derives_from_the_project_name() -> None:
    assert options.answers_for_defaults() == {
        "project_name": "My Service",
        "project_slug": "my_service",
        "description": "My Service: a web service.",
        "author_name": "Your Name",
        "author_email": "you@example.com",
    }
    derived = options.answers_for_defaults({"project_name": "  Hello, World 2! "})
    assert derived["project_slug"] == "hello_world_2"
    assert derived["description"] == "  Hello, World 2! : a web service."


def test_answers_for_defaults_keeps_overrides() -> None:
    answers = options.answers_for_defaults({"project_name": "Shop", "project_slug": "store"})

    assert answers["project_slug"] == "store"
    assert answers["description"] == "Shop: a web service."


@pytest.mark.parametrize(
    ("framework", "expected"),
    [("django", False), ("flask", False), ("fastapi", True), ("tornado", True), ("pyramid", False)],
)
def test_use_async_default_depends_on_the_framework(
    questionnaire: Questionnaire, framework: str, expected: bool
) -> None:
    assert questionnaire.default("use_async", {"framework": framework}) is expected


def test_bool_defaults_are_bools(questionnaire: Questionnaire) -> None:
    assert questionnaire.default("api_docs") is True
    assert questionnaire.default("serverless") is False


def test_auth_choices_are_disabled_without_a_database(questionnaire: Questionnaire) -> None:
    without = questionnaire.choices("auth", {"database": "none"})
    with_db = questionnaire.choices("auth", {"database": "sqlite"})

    assert [state.value for state in without if state.enabled] == ["none"]
    assert without[1] == ChoiceState(
        label="JWT bearer tokens",
        value="jwt",
        disabled_reason="JWT auth needs a database: users are stored",
    )
    assert all(state.enabled for state in with_db)


def test_validate_accepts_good_answers(questionnaire: Questionnaire) -> None:
    assert questionnaire.validate("project_slug", "my_shop") is None
    assert questionnaire.validate("auth", "jwt", {"database": "postgresql"}) is None
    assert questionnaire.validate("use_async", "yes", {"framework": "fastapi"}) is None


def test_validate_explains_refusals(questionnaire: Questionnaire) -> None:
    assert questionnaire.validate("database", "mysql") == (
        "'mysql' is not in ['none', 'sqlite', 'postgresql']"
    )
    assert questionnaire.validate("framework", "flask") == "Flask is not available yet"
    assert questionnaire.validate("auth", "session", {"database": "none"}) == (
        "Session auth needs a database: users and sessions are stored"
    )
    assert questionnaire.validate("project_slug", "class") == (
        "'class' is a Python keyword: pick another slug."
    )


def test_fastapi_and_tornado_are_enabled_for_now() -> None:
    combinations = options.valid_combinations()

    assert len(combinations) == 56 + 14
    assert {combination["framework"] for combination in combinations} == {"fastapi", "tornado"}
    assert len(options.valid_combinations(framework="fastapi")) == 56
    assert len(options.valid_combinations(framework="tornado")) == 14
    assert options.valid_combinations(framework="django") == []


def test_valid_combinations_refuses_an_unknown_framework() -> None:
    with pytest.raises(InvalidAnswer, match="'bottle' is not in"):
        options.valid_combinations(framework="bottle")


def assert_obeys_the_constraints(combination: dict[str, Any]) -> None:
    assert combination["framework"] in FRAMEWORKS
    assert combination["database"] in {"none", "sqlite", "postgresql"}
    assert combination["auth"] in {"none", "jwt", "session"}
    if combination["auth"] != "none":
        assert combination["database"] != "none"
    if combination["framework"] == "tornado":
        assert combination["use_async"] is True
        assert combination["serverless"] is False
    if combination["framework"] == "pyramid":
        assert combination["use_async"] is False
    assert all(isinstance(combination[key], bool) for key in ("api_docs", "use_async"))
    assert isinstance(combination["serverless"], bool)


def test_every_combination_obeys_the_constraints() -> None:
    combinations = options.valid_combinations()
    keys = [question.name for question in options.option_questions()]

    for combination in combinations:
        assert list(combination) == keys
        assert_obeys_the_constraints(combination)
    assert len({tuple(combination.values()) for combination in combinations}) == 56 + 14


def test_counts_match_design_with_every_framework_enabled(tmp_path: Path) -> None:
    questionnaire = every_framework_enabled(tmp_path)
    combinations = questionnaire.valid_combinations()
    per_framework = Counter(combination["framework"] for combination in combinations)

    assert len(combinations) == 210
    assert per_framework == {"django": 56, "flask": 56, "fastapi": 56, "pyramid": 28, "tornado": 14}
    for framework, count in per_framework.items():
        assert len(questionnaire.valid_combinations(framework=framework)) == count
    for combination in combinations:
        assert_obeys_the_constraints(combination)
    assert len({questionnaire.combination_id(c) for c in combinations}) == 210


def test_disabled_reasons_name_the_answers_that_lead_to_them(tmp_path: Path) -> None:
    questionnaire = every_framework_enabled(tmp_path)

    use_async = questionnaire.disabled_reasons("use_async")
    auth = questionnaire.disabled_reasons("auth")

    assert [(r.reason, r.when) for r in use_async[True]] == [
        ("Pyramid is WSGI only: it has no async views", ({"framework": "pyramid"},))
    ]
    assert [r.when for r in use_async[False]] == [({"framework": "tornado"},)]
    assert [r.when for r in auth["jwt"]] == [({"database": "none"},)]
    assert auth["none"] == ()


def test_disabled_reasons_only_cover_reachable_answers(questionnaire: Questionnaire) -> None:
    serverless = questionnaire.disabled_reasons("serverless")
    assert [r.when for r in serverless[True]] == [({"framework": "tornado"},)]
    assert serverless[False] == ()
    assert [r.when for r in questionnaire.disabled_reasons("framework")["django"]] == [({},)]


def test_combination_ids_are_readable_and_unique() -> None:
    combinations = options.valid_combinations()
    ids = [options.combination_id(combination) for combination in combinations]

    assert len(set(ids)) == len(ids)
    assert "fastapi-sqlite-jwt-docs-async-lambda" in ids
    assert "fastapi-none-none-nodocs-sync-nolambda" in ids


def test_when_false_questions_take_their_default(tmp_path: Path) -> None:
    path = tmp_path / "copier.yml"
    path.write_text(
        """\
_envops: {keep_trailing_newline: true}
name: demo
kind:
  type: str
  choices: [web, worker]
port:
  type: int
  default: "{{ 8000 if kind == 'web' else 0 }}"
metrics:
  type: bool
  default: "{{ kind == 'web' }}"
  when: "{{ kind == 'web' }}"
""",
        encoding="utf-8",
    )
    questionnaire = options.load(path)

    assert questionnaire.question("name").type == "str"
    assert questionnaire.default("port", {"kind": "web"}) == 8000
    assert questionnaire.is_asked("metrics", {"kind": "web"})
    assert not questionnaire.is_asked("metrics", {"kind": "worker"})
    assert questionnaire.valid_combinations() == [
        {"kind": "web", "metrics": True},
        {"kind": "web", "metrics": False},
        {"kind": "worker", "metrics": False},
    ]
    assert questionnaire.combination_id({"kind": "web", "metrics": False}) == "web-nometrics"


def test_questions_copier_computes_are_not_prompted(questionnaire: Questionnaire) -> None:
    # original_framework (`ask: false`) remembers the first framework; nobody answers it.
    assert not questionnaire.is_prompted("original_framework")
    assert questionnaire.is_prompted("framework")
    assert [question.name for question in questionnaire.text_questions()] == [
        "project_name",
        "project_slug",
        "description",
        "author_name",
        "author_email",
    ]
    assert "original_framework" not in options.answers_for_defaults()
    assert questionnaire.default("original_framework", {"framework": "fastapi"}) == "fastapi"


def test_the_framework_switch_guard_reads_the_remembered_framework(
    questionnaire: Questionnaire,
) -> None:
    assert questionnaire.validate("framework", "fastapi") is None
    remembered = {"original_framework": "fastapi"}
    assert questionnaire.validate("framework", "fastapi", remembered) is None
    message = questionnaire.validate("framework", "fastapi", {"original_framework": "django"})
    assert message is not None
    assert message.startswith("This project was generated with django: switching it to fastapi")


def test_cast_converts_like_copier(questionnaire: Questionnaire) -> None:
    assert questionnaire.cast("api_docs", "no") is False
    assert questionnaire.cast("serverless", "true") is True
    assert questionnaire.cast("database", "sqlite") == "sqlite"
    with pytest.raises(InvalidAnswer, match="'api_docs'"):
        questionnaire.cast("api_docs", None)
