"""copier.yml is the one source of truth: Copier and scaffold.questionnaire refuse the same answers.

Which frameworks copier.yml enables today does not matter here: refusals that only exist once a
framework is enabled are checked against copier.yml with every framework enabled, and today's
"not available yet" refusals against whichever choices carry one.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import copier
import pytest
import yaml

from scaffold.questionnaire import Questionnaire, load
from tests.support.questionnaires import config_with_every_framework

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED = REPO_ROOT / "templates" / "_shared"
# A shared partial that branches on the framework is not shared: parameterise it instead.
BRANCHES_ON_FRAMEWORK = re.compile(r"\bframework\s*(==|!=|\bin\b|\bnot\s+in\b)")


def stand_in_template(root: Path, *, all_frameworks: bool) -> Path:
    """Write copier.yml (as is, or with every framework enabled) and a one-file folder each.

    Copier validates the answers before it renders, so the real templates are not needed.
    """
    text = (REPO_ROOT / "copier.yml").read_text(encoding="utf-8")
    config = config_with_every_framework() if all_frameworks else yaml.safe_load(text)
    for choice in config["framework"]["choices"].values():
        folder = root / "templates" / choice["value"]
        folder.mkdir(parents=True)
        (folder / "README.md.jinja").write_text("# {{ project_name }}\n", encoding="utf-8")
    if all_frameworks:
        text = yaml.safe_dump(config, sort_keys=False)
    (root / "copier.yml").write_text(text, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def as_is(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return stand_in_template(tmp_path_factory.mktemp("as_is"), all_frameworks=False)


@pytest.fixture(scope="module")
def all_enabled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return stand_in_template(tmp_path_factory.mktemp("all_enabled"), all_frameworks=True)


# Bad answers and a fragment of the refusal; the answer refused is the last one given.
BAD_ANSWERS: dict[str, tuple[dict[str, Any], str]] = {
    "slug-uppercase": ({"project_slug": "MyShop"}, "is not a valid slug"),
    "slug-dash": ({"project_slug": "my-shop"}, "is not a valid slug"),
    "slug-digit-first": ({"project_slug": "2shop"}, "is not a valid slug"),
    "slug-underscore-first": ({"project_slug": "_shop"}, "is not a valid slug"),
    "slug-space": ({"project_slug": "my shop"}, "is not a valid slug"),
    "slug-empty": ({"project_slug": ""}, "must not be empty"),
    "slug-too-long": ({"project_slug": "s" * 41}, "at most 40 characters"),
    "slug-keyword": ({"project_slug": "class"}, "is a Python keyword"),
    "slug-stdlib": ({"project_slug": "json"}, "would shadow the standard library"),
    "slug-framework": ({"project_slug": "flask"}, "would shadow a framework"),
    "slug-dependency": ({"project_slug": "sqlalchemy"}, "a dependency"),
    "slug-folder": ({"project_slug": "tests"}, "a folder of the generated project"),
    "name-empty": ({"project_name": "  "}, "must not be empty"),
    "name-quotes": ({"project_name": 'My "Shop"'}, "must not contain double quotes"),
    "name-braces": ({"project_name": "My {{ x }}"}, "must not contain double quotes"),
    "name-too-long": ({"project_name": "n" * 81}, "at most 80 characters"),
    "description-dollar": ({"description": "costs $5"}, "must not contain"),
    "author-empty": ({"author_name": ""}, "must not be empty"),
    "email-no-at": ({"author_email": "you.example.com"}, "not a valid email address"),
    "email-no-tld": ({"author_email": "you@example"}, "not a valid email address"),
    "jwt-without-database": ({"database": "none", "auth": "jwt"}, "needs a database"),
    "session-without-database": ({"database": "none", "auth": "session"}, "needs a database"),
    "serverless-sqlite": ({"database": "sqlite", "serverless": True}, "disk is temporary"),
    "framework-unknown": ({"framework": "bottle"}, "'bottle' is not in ['"),
    "database-unknown": ({"database": "mysql"}, "'mysql' is not in"),
}
# The same, for choices that only matter once the other frameworks are available.
BAD_ANSWERS_ALL_FRAMEWORKS: dict[str, tuple[dict[str, Any], str]] = {
    "tornado-serverless": ({"framework": "tornado", "serverless": True}, "AWS Lambda cannot"),
    "tornado-sync": ({"framework": "tornado", "use_async": False}, "always asynchronous"),
    "pyramid-async": ({"framework": "pyramid", "use_async": True}, "Pyramid is WSGI only"),
}


# Today's refusals of frameworks that are not available yet, whichever they are.
BAD_ANSWERS_UNAVAILABLE: dict[str, tuple[dict[str, Any], str]] = {
    f"framework-{state.value}-unavailable": ({"framework": state.value}, state.disabled_reason)
    for state in load().choices("framework")
    if state.disabled_reason
}


@pytest.mark.parametrize(
    ("all_frameworks", "answers", "fragment"),
    [
        pytest.param(False, *case, id=name)
        for name, case in {**BAD_ANSWERS, **BAD_ANSWERS_UNAVAILABLE}.items()
    ]
    + [pytest.param(True, *case, id=name) for name, case in BAD_ANSWERS_ALL_FRAMEWORKS.items()],
)
def test_copier_and_options_refuse_the_same_bad_answer(
    as_is: Path,
    all_enabled: Path,
    tmp_path: Path,
    all_frameworks: bool,
    answers: dict[str, Any],
    fragment: str,
) -> None:
    template = all_enabled if all_frameworks else as_is
    question = list(answers)[-1]
    dst = tmp_path / "project"

    with pytest.raises(ValueError, match=re.escape(fragment)) as refused:
        copier.run_copy(str(template), dst, data=answers, defaults=True, quiet=True, vcs_ref="HEAD")

    assert not dst.exists()
    questionnaire = load(template)
    context = {**questionnaire.answers_for_defaults(answers), **answers}
    message = questionnaire.validate(question, answers[question], context)
    assert message is not None
    assert str(refused.value) in {
        f"Validation error for question '{question}': {message}",
        f"Invalid choice for '{question}': {message}",
    }


def test_copier_accepts_the_defaults(as_is: Path, tmp_path: Path) -> None:
    copier.run_copy(str(as_is), tmp_path / "project", defaults=True, quiet=True, vcs_ref="HEAD")

    assert (tmp_path / "project" / "README.md").read_text(encoding="utf-8") == "# My Service\n"


@pytest.mark.parametrize("framework", ["django", "flask", "fastapi", "tornado", "pyramid"])
def test_every_framework_accepts_its_defaults(
    all_enabled: Path, tmp_path: Path, framework: str
) -> None:
    data = {"framework": framework}

    worker = copier.run_copy(
        str(all_enabled), tmp_path, data=data, defaults=True, quiet=True, vcs_ref="HEAD"
    )

    expected: dict[str, Any] = dict(data)
    questionnaire = load(all_enabled)
    for question in questionnaire.option_questions():
        expected.setdefault(question.name, questionnaire.default(question, expected))
    assert {name: worker.answers.user[name] for name in expected} == expected


def test_options_choices_equal_copier_yml() -> None:
    config = yaml.safe_load((REPO_ROOT / "copier.yml").read_text(encoding="utf-8"))
    questionnaire = load()

    for question in questionnaire.questions:
        raw = config[question.name].get("choices", {})
        expected = [
            (label, spec["value"] if isinstance(spec, dict) else spec)
            for label, spec in raw.items()
        ]
        assert [(choice.label, choice.value) for choice in question.choices] == expected


def test_every_enabled_framework_has_a_template_folder() -> None:
    questionnaire: Questionnaire = load()
    enabled = [state.value for state in questionnaire.choices("framework") if state.enabled]

    assert enabled
    for framework in enabled:
        assert (REPO_ROOT / "templates" / framework).is_dir(), framework


def test_shared_partials_never_branch_on_framework() -> None:
    if not SHARED.is_dir():
        pytest.skip("templates/_shared/ does not exist yet")
    offenders = [
        f"{path.relative_to(REPO_ROOT)}:{number}"
        for path in sorted(SHARED.rglob("*"))
        if path.is_file()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if BRANCHES_ON_FRAMEWORK.search(line)
    ]

    assert offenders == []


def test_a_validator_that_imports_a_macro_file_works_in_copier_and_scaffold(
    tmp_path: Path,
) -> None:
    # Copier roots its Jinja loader at the template and adds its extensions and globals; the
    # questionnaire uses that same environment, so `import` and `pathjoin` read the same.
    template = tmp_path / "template"
    (template / "macros").mkdir(parents=True)
    (template / "macros" / "checks.jinja").write_text(
        "{% macro slug_check(value) %}"
        "{% if value | regex_search('^[a-z_]+$') is none %}"
        "'{{ value }}' is not a slug ({{ pathjoin('macros', 'checks.jinja') }}){% endif %}"
        "{% endmacro %}",
        encoding="utf-8",
    )
    (template / "copier.yml").write_text(
        """\
_templates_suffix: .jinja
_exclude: [macros, copier.yml]
slug:
  type: str
  default: ok_slug
  validator: >-
    {% from 'macros/checks.jinja' import slug_check %}{{ slug_check(slug) }}
""",
        encoding="utf-8",
    )
    (template / "README.md.jinja").write_text("# {{ slug }}\n", encoding="utf-8")
    expected = "'Bad-Slug' is not a slug (macros/checks.jinja)"

    with pytest.raises(ValueError, match=re.escape(expected)):
        copier.run_copy(str(template), tmp_path / "out", data={"slug": "Bad-Slug"},
                        defaults=True, quiet=True)  # fmt: skip
    questionnaire = load(template)

    assert questionnaire.validate("slug", "Bad-Slug") == expected
    assert questionnaire.validate("slug", "good_slug") is None
    copier.run_copy(str(template), tmp_path / "good", data={"slug": "good_slug"},
                    defaults=True, quiet=True)  # fmt: skip
    assert (tmp_path / "good" / "README.md").read_text(encoding="utf-8") == "# good_slug\n"
