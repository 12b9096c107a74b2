"""Unit tests for scaffold.questionnaire: reading copier.yml and evaluating it as Copier does."""

from __future__ import annotations

from pathlib import Path

import pytest

from scaffold.errors import InvalidAnswer, TemplateNotFound, UnknownQuestion
from scaffold.own_template import template_root
from scaffold.questionnaire import ChoiceState, Questionnaire, format_answer, load

REPO_ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def questionnaire() -> Questionnaire:
    return load()


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
    assert load() is load(REPO_ROOT)
    assert load() is load(REPO_ROOT / "copier.yml")


def test_load_refuses_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(TemplateNotFound, match="nothing-here"):
        load(tmp_path / "nothing-here")


def test_question_refuses_an_unknown_name(questionnaire: Questionnaire) -> None:
    with pytest.raises(UnknownQuestion, match="'colour'"):
        questionnaire.question("colour")


def test_option_questions_are_the_bools_and_choices(questionnaire: Questionnaire) -> None:
    names = [question.name for question in questionnaire.option_questions()]

    assert names == ["framework", "database", "auth", "api_docs", "use_async", "serverless"]


def test_slug_default_derives_from_the_project_name(questionnaire: Questionnaire) -> None:
    assert questionnaire.answers_for_defaults() == {
        "project_name": "My Service",
        "project_slug": "my_service",
        "description": "My Service: a web service.",
        "author_name": "Your Name",
        "author_email": "you@example.com",
    }
    derived = questionnaire.answers_for_defaults({"project_name": "  Hello, World 2! "})
    assert derived["project_slug"] == "hello_world_2"
    assert derived["description"] == "  Hello, World 2! : a web service."


def test_answers_for_defaults_keeps_overrides(questionnaire: Questionnaire) -> None:
    answers = questionnaire.answers_for_defaults({"project_name": "Shop", "project_slug": "store"})

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
    for state in questionnaire.choices("framework"):  # whichever are not available yet
        assert questionnaire.validate("framework", state.value) == state.disabled_reason
    assert questionnaire.validate("auth", "session", {"database": "none"}) == (
        "Session auth needs a database: users and sessions are stored"
    )
    assert questionnaire.validate("project_slug", "class") == (
        "'class' is a Python keyword: pick another slug."
    )


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
    questionnaire = load(path)

    assert questionnaire.question("name").type == "str"
    assert questionnaire.default("port", {"kind": "web"}) == 8000
    assert questionnaire.is_asked("metrics", {"kind": "web"})
    assert not questionnaire.is_asked("metrics", {"kind": "worker"})
    assert questionnaire.default("metrics", {"kind": "worker"}) is False


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
    assert "original_framework" not in questionnaire.answers_for_defaults()
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


def test_format_answer_writes_what_copier_takes() -> None:
    assert [format_answer(value) for value in ("sqlite", True, False, 3, None)] == [
        "sqlite",
        "true",
        "false",
        "3",
        "null",
    ]


def test_plain_values_need_no_jinja(tmp_path: Path) -> None:
    (tmp_path / "copier.yml").write_text(
        "name: {type: str, default: plain}\ngreeting: {type: str, default: 'Hello {{ name }}'}\n",
        encoding="utf-8",
    )
    questionnaire = load(tmp_path)

    assert questionnaire.default("name") == "plain"
    assert "_env" not in vars(questionnaire)  # the first prompt comes before Copier's import
    assert questionnaire.default("greeting", {"name": "you"}) == "Hello you"
    assert "_env" in vars(questionnaire)
