"""The exact files each framework's project holds, by option: nothing missing, nothing left over.

Each framework's entry in tests/support/frameworks.py names its function here.
"""

from __future__ import annotations

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


def alembic_files(answers: Answers) -> set[str]:
    """Alembic's configuration and the revisions of templates/_shared/alembic, by option."""
    if answers["database"] == "none":
        return set()
    files = {
        "alembic.ini",
        "migrations/env.py",
        "migrations/script.py.mako",
        "migrations/versions/0001_create_items.py",
    }
    if answers["auth"] != "none":
        files.add("migrations/versions/0002_add_users.py")
    if answers["auth"] == "session":
        files.add("migrations/versions/0003_add_user_sessions.py")
    return files


def fastapi_files(answers: Answers) -> set[str]:
    """The FastAPI project: app/ with api/ and core/, tests/ mirroring it."""
    database, auth = answers["database"] != "none", answers["auth"] != "none"
    files = alembic_files(answers) | {
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
            "tests/utils.py",
            "tests/api/routes/test_auth.py",
            "tests/api/routes/test_throttling.py",
            "tests/core/test_security.py",
        }
    if answers["database"] == "sqlite" or auth:
        files.add("tests/core/test_db.py")  # SQLite's pragmas, foreign keys that cascade
    if answers["serverless"]:
        files |= {"tests/lambda_events.py", "tests/test_handler.py"}
    return files


def pyramid_files(answers: Answers) -> set[str]:
    """The Pyramid project, in the starter's shape: the package, ini files, tests/."""
    database, auth = answers["database"] != "none", answers["auth"] != "none"
    package = answers.get("project_slug", "my_service")
    files = alembic_files(answers) | {
        "development.ini",
        "production.ini",
        "testing.ini",
        *(
            f"{package}/{name}"
            for name in (
                "__init__.py",
                "openapi.py",
                "openapi.yaml",
                "request.py",
                "routes.py",
                "settings.py",
                "tweens.py",
                "static/style.css",
                "templates/home.jinja2",
                "views/__init__.py",
                "views/default.py",
                "views/errors.py",
                "views/health.py",
                "views/hello.py",
                "views/openapi.py",
            )
        ),
        "tests/__init__.py",
        "tests/conftest.py",
        "tests/test_app.py",
        "tests/test_docs.py",
        "tests/test_health.py",
        "tests/test_hello.py",
        "tests/test_home.py",
        "tests/test_settings.py",
    }
    if answers["api_docs"]:
        files.add(f"{package}/templates/swagger-ui.html")
    if database:
        files |= {
            f"{package}/models/__init__.py",
            f"{package}/models/item.py",
            f"{package}/models/meta.py",
            f"{package}/views/items.py",
            "tests/test_items.py",
            "tests/test_migrations.py",
        }
    if auth:
        files |= {
            f"{package}/common-passwords.txt",
            f"{package}/models/user.py",
            f"{package}/passwords.py",
            f"{package}/security.py",
            f"{package}/throttling.py",
            f"{package}/views/auth.py",
            "tests/test_auth.py",
            "tests/test_passwords.py",
            "tests/utils.py",
        }
    if answers["serverless"]:
        files |= {"tests/lambda_events.py", "tests/test_handler.py"}
    return files


def tornado_files(answers: Answers) -> set[str]:
    """The Tornado project: one package with handlers/, tests/ on tornado.testing."""
    slug = answers.get("project_slug", "my_service")
    database, auth = answers["database"] != "none", answers["auth"] != "none"
    package = {
        "__init__.py",
        "__main__.py",
        "app.py",
        "schemas.py",
        "settings.py",
        "handlers/__init__.py",
        "handlers/base.py",
        "handlers/health.py",
        "handlers/hello.py",
        "handlers/home.py",
        "handlers/ws.py",
        "static/live.js",
        "static/style.css",
        "templates/index.html",
    }
    files = {
        "tests/__init__.py",
        "tests/base.py",
        "tests/test_health.py",
        "tests/test_hello.py",
        "tests/test_main.py",
        "tests/test_pages.py",
        "tests/test_settings.py",
        "tests/test_ws.py",
    }
    if database:
        package |= {"crud.py", "db.py", "models.py", "handlers/items.py"}
        files |= {
            "alembic.ini",
            "migrations/env.py",
            "migrations/script.py.mako",
            "migrations/versions/0001_create_items.py",
            "tests/conftest.py",
            "tests/test_items.py",
            "tests/test_migrations.py",
        }
    if auth:
        package |= {"common-passwords.txt", "security.py", "throttling.py", "handlers/auth.py"}
        files |= {
            "migrations/versions/0002_add_users.py",
            "tests/test_auth.py",
            "tests/test_security.py",
        }
    if answers["auth"] == "session":
        files.add("migrations/versions/0003_add_user_sessions.py")
    if answers["api_docs"]:
        package |= {
            "openapi.py",
            "handlers/docs.py",
            "static/swagger-init.js",
            "templates/docs.html",
        }
        files.add("tests/test_docs.py")
    return files | {f"{slug}/{name}" for name in package}


def flask_files(answers: Answers) -> set[str]:
    """The Flask project: a package with the app factory and its blueprints, flat tests/."""
    database, auth = answers["database"] != "none", answers["auth"] != "none"
    package = answers.get("project_slug", "my_service")
    files = {
        f"{package}/{name}"
        for name in (
            "__init__.py",
            "api.py",
            "config.py",
            "errors.py",
            "extensions.py",
            "health.py",
            "main.py",
            "proxies.py",
            "schemas.py",
            "wsgi.py",
            "static/style.css",
            "templates/index.html",
        )
    }
    files |= {
        "tests/__init__.py",
        "tests/conftest.py",
        "tests/test_api.py",
        "tests/test_config.py",
        "tests/test_factory.py",
        "tests/test_health.py",
        "tests/test_main.py",
    }
    if answers["api_docs"]:
        files |= {f"{package}/docs.py", f"{package}/templates/docs.html"}
    if database:
        files |= alembic_files(answers) | {
            f"{package}/models.py",
            "tests/test_items.py",
            "tests/test_migrations.py",
        }
    if answers["database"] == "sqlite":
        files.add(f"{package}/sqlite.py")
    if auth:
        files |= {
            f"{package}/auth.py",
            f"{package}/common-passwords.txt",
            f"{package}/security.py",
            f"{package}/throttling.py",
            "migrations/versions/0002_add_users.py",
            "tests/utils.py",
            "tests/test_auth.py",
            "tests/test_security.py",
        }
    if answers["auth"] == "session":
        files.add("migrations/versions/0003_add_user_sessions.py")
    if answers["serverless"]:
        files |= {"tests/lambda_events.py", "tests/test_handler.py"}
    files.add("gunicorn.conf.py")  # what gunicorn has no flag for: no Server banner
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
        f"{slug}/core/schemas.py",
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
    if not answers["use_async"]:
        files.add("gunicorn.conf.py")  # what gunicorn has no flag for: no Server banner
    if answers["serverless"]:
        files |= {
            "config/settings/aws_lambda.py",
            "tests/lambda_events.py",
            "tests/test_handler.py",
        }
    return files


def expected_files(answers: Answers) -> set[str]:
    """Every file a project generated with these answers must hold, and no other."""
    from tests.support.frameworks import framework

    return common_files(answers) | framework(answers["framework"]).files(answers)
