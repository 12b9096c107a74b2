"""The exact files each framework's project holds, by option: nothing missing, nothing left over."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Answers = dict[str, Any]


def common_files(answers: Answers) -> set[str]:
    """Files every generated project has, whatever its framework."""
    files = {
        ".copier-answers.yml",
        ".dockerignore",
        ".env",
        ".env.example",
        ".github/dependabot.yml",
        ".github/workflows/ci.yml",
        ".gitignore",
        ".pre-commit-config.yaml",
        "Dockerfile",
        "Procfile",
        "README.md",
        "pyproject.toml",
    }
    if answers["database"] != "none":
        files.add("docker-entrypoint.sh")  # migrations before the server, in the container
    if answers["database"] == "postgresql":
        files.add("compose.yaml")
    if answers["serverless"]:
        files |= {"Makefile", "handler.py", "template.yaml"}
    return files


def fastapi_files(answers: Answers) -> set[str]:
    """The FastAPI project: app/ with api/ and core/, tests/ mirroring it."""
    database, auth = answers["database"] != "none", answers["auth"] != "none"
    files = {
        "app/__init__.py",
        "app/main.py",
        "app/pages.py",
        "app/schemas.py",
        "app/api/__init__.py",
        "app/api/main.py",
        "app/api/routes/__init__.py",
        "app/api/routes/health.py",
        "app/api/routes/hello.py",
        "app/core/__init__.py",
        "app/core/config.py",
        "app/core/middleware.py",
        "app/static/style.css",
        "app/templates/index.html",
        "tests/__init__.py",
        "tests/conftest.py",
        "tests/test_main.py",
        "tests/test_pages.py",
        "tests/api/__init__.py",
        "tests/api/routes/__init__.py",
        "tests/api/routes/test_health.py",
        "tests/api/routes/test_hello.py",
        "tests/core/__init__.py",
        "tests/core/test_config.py",
    }
    if database:
        files |= {
            "alembic.ini",
            "migrations/env.py",
            "migrations/script.py.mako",
            "migrations/versions/0001_create_items.py",
            "app/crud.py",
            "app/models.py",
            "app/api/deps.py",
            "app/api/routes/items.py",
            "app/core/db.py",
            "tests/test_migrations.py",
            "tests/api/routes/test_items.py",
        }
    if auth:
        files |= {
            "app/api/routes/auth.py",
            "app/core/common-passwords.txt",
            "app/core/security.py",
            "app/core/throttling.py",
            "migrations/versions/0002_add_users.py",
            "tests/utils.py",
            "tests/api/routes/test_auth.py",
            "tests/api/routes/test_throttling.py",
            "tests/core/test_security.py",
        }
    if answers["database"] == "sqlite" or auth:
        files.add("tests/core/test_db.py")  # SQLite's pragmas, foreign keys that cascade
    if answers["auth"] == "session":
        files.add("migrations/versions/0003_add_user_sessions.py")
    if answers["serverless"]:
        files.add("tests/test_handler.py")
    return files


def django_files(answers: Answers) -> set[str]:
    """The Django project: manage.py, config/ with settings per environment, apps under the slug."""
    slug = answers.get("project_slug", "my_service")
    database, auth = answers["database"] != "none", answers["auth"] != "none"
    files = {
        "manage.py",
        "config/__init__.py",
        "config/urls.py",
        "config/asgi.py" if answers["use_async"] else "config/wsgi.py",
        "config/settings/__init__.py",
        "config/settings/base.py",
        "config/settings/local.py",
        "config/settings/production.py",
        "config/settings/test.py",
        f"{slug}/__init__.py",
        f"{slug}/api.py",
        f"{slug}/core/__init__.py",
        f"{slug}/core/api.py",
        f"{slug}/core/apps.py",
        f"{slug}/core/middleware.py",
        f"{slug}/core/views.py",
        f"{slug}/core/static/core/style.css",
        f"{slug}/core/templates/core/index.html",
        "tests/__init__.py",
        "tests/conftest.py",
        "tests/test_api.py",
        "tests/test_health.py",
        "tests/test_hello.py",
        "tests/test_pages.py",
        "tests/test_settings.py",
    }
    if database:
        files |= {
            f"{slug}/users/__init__.py",
            f"{slug}/users/admin.py",
            f"{slug}/users/apps.py",
            f"{slug}/users/hashers.py",
            f"{slug}/users/models.py",
            f"{slug}/users/migrations/__init__.py",
            f"{slug}/users/migrations/0001_initial.py",
            f"{slug}/items/__init__.py",
            f"{slug}/items/admin.py",
            f"{slug}/items/api.py",
            f"{slug}/items/apps.py",
            f"{slug}/items/models.py",
            f"{slug}/items/schemas.py",
            f"{slug}/items/migrations/__init__.py",
            f"{slug}/items/migrations/0001_initial.py",
            "tests/test_admin.py",
            "tests/test_items.py",
            "tests/test_migrations.py",
        }
    if auth:
        files |= {
            f"{slug}/users/api.py",
            f"{slug}/users/schemas.py",
            f"{slug}/users/throttling.py",
            f"{slug}/items/migrations/0002_item_owner.py",
            "tests/test_auth.py",
            "tests/utils.py",
        }
    if answers["auth"] == "jwt":
        files.add(f"{slug}/users/tokens.py")
    if answers["serverless"]:
        files |= {"config/settings/aws_lambda.py", "tests/test_handler.py"}
    return files


MANIFESTS: dict[str, Callable[[Answers], set[str]]] = {
    "fastapi": fastapi_files,
    "django": django_files,
}


def expected_files(answers: Answers) -> set[str]:
    """Every file a project generated with these answers must hold, and no other."""
    return common_files(answers) | MANIFESTS[answers["framework"]](answers)
