"""What the harness must know about each framework: the one table, for tests/ and bench/.

Everything else comes from copier.yml (which frameworks are enabled, their combinations) or from
the rendered project itself (its Procfile, its pyproject.toml, its Dockerfile). Adding a framework
means adding its template and one entry here; a framework enabled in copier.yml without an entry
fails the test that says so (tests/matrix/test_render.py), not a check somewhere downstream.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.support import manifests


@dataclass(frozen=True)
class Framework:
    """One framework's facts, as the generator's tests and benchmarks need them."""

    name: str
    """The copier.yml value."""
    title: str
    """How people write its name."""
    server_banner: str
    """What its production server would put in a `Server` header (it must not: no banner)."""
    packages: tuple[str, ...]
    """The distributions a generated project runs on, whose versions bench/ reports."""
    files: Callable[[dict[str, Any]], set[str]]
    """The files its project holds for given answers, beyond every project's (manifests.py)."""
    bare_app: str
    """`bare_app.py`: the framework's smallest app answering GET /health and GET /api/hello."""
    procfile_target: str
    """The app target in the generated Procfile's `web:` line (e.g. ``app.main:app``)."""
    bare_target: str
    """What replaces it to serve the bare app with the same server and flags."""
    interface: str = "asgi"
    """How bench/inprocess_driver.py calls the app: `asgi`, `wsgi`, or `server` (its own HTTP
    server, not callable in process)."""
    bare_lambda: str | None = None
    """`bare_handler.py`: the bare app behind the framework's Lambda adapter (None: no Lambda)."""
    lambda_requirements: tuple[str, ...] = ()
    """The distributions the bare Lambda app needs (installed as the artifact's are)."""
    runtime_templates: frozenset[str] = field(default_factory=frozenset)
    """Suffixes of the project's own run-time templates, which legitimately hold `{{ }}`."""
    realtime: bool = False
    """Whether every project serves the `WS /ws` broadcast endpoint."""
    bare_setup: Callable[[Path, Path], None] | None = None
    """Writes what the bare app needs beside it besides `bare_app.py` (generated project, bare
    folder): e.g. the configuration file its server reads."""

    def __post_init__(self) -> None:
        if (self.bare_lambda is None) != (not self.lambda_requirements):
            raise ValueError(f"{self.name}: a bare Lambda app needs its lambda_requirements")


def pyramid_bare_ini(generated: Path, bare: Path) -> None:
    """bare.ini: the project's production.ini serving `bare_app:main` instead of the project."""
    ini = (generated / "production.ini").read_text(encoding="utf-8")
    served = re.sub(r"(?m)^use = call:\S+:main$", "use = call:bare_app:main", ini, count=1)
    (bare / "bare.ini").write_text(served, encoding="utf-8")


def gunicorn_conf(generated: Path, bare: Path) -> None:
    """gunicorn.conf.py: the project's, which its `web:` command reads (no banner, its hooks)."""
    shutil.copy2(generated / "gunicorn.conf.py", bare / "gunicorn.conf.py")


FASTAPI_APP = """\
from fastapi import FastAPI

app = FastAPI()


@app.get("/health")
async def health() -> dict[str, str]:
    return {"status": "ok"}


@app.get("/api/hello")
async def hello(name: str = "World") -> dict[str, str]:
    return {"message": f"Hello, {name}!"}
"""

MANGUM_HANDLER = """\
from mangum import Mangum

from bare_app import app

handler = Mangum(app)
"""

TORNADO_APP = """\
import asyncio
import logging
import os

import tornado.log
import tornado.web


class Health(tornado.web.RequestHandler):
    def get(self) -> None:
        self.write({"status": "ok"})


class Hello(tornado.web.RequestHandler):
    def get(self) -> None:
        self.write({"message": f"Hello, {self.get_argument('name', 'World')}!"})


async def main() -> None:
    # Logged as the project's server logs (its __main__.py): an access line per request.
    tornado.log.enable_pretty_logging()
    logging.getLogger().setLevel(logging.INFO)
    app = tornado.web.Application([(r"/health", Health), (r"/api/hello", Hello)])
    app.listen(int(os.environ.get("PORT", "8000")), address=os.environ.get("HOST", "0.0.0.0"))
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main())
"""

PYRAMID_APP = """\
from typing import Any

from pyramid.config import Configurator
from pyramid.request import Request


def health(request: Request) -> dict[str, str]:
    return {"status": "ok"}


def hello(request: Request) -> dict[str, str]:
    return {"message": f"Hello, {request.params.get('name', 'World')}!"}


with Configurator() as config:
    config.add_route("health", "/health")
    config.add_view(health, route_name="health", renderer="json")
    config.add_route("hello", "/api/hello")
    config.add_view(hello, route_name="hello", renderer="json")
    app = config.make_wsgi_app()


def main(global_config: dict[str, str], **settings: Any) -> Any:
    return app
"""

FLASK_APP = """\
from flask import Flask, request

app = Flask(__name__)


@app.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}


@app.get("/api/hello")
def hello() -> dict[str, str]:
    name = request.args.get("name", "World")
    return {"message": f"Hello, {name}!"}
"""

APIG_WSGI_HANDLER = """\
from apig_wsgi import make_lambda_handler

from bare_app import app

handler = make_lambda_handler(app, binary_support=True)
"""

DJANGO_APP = """\
from django.conf import settings
from django.core.asgi import get_asgi_application
from django.http import HttpRequest, JsonResponse
from django.urls import path

settings.configure(
    ALLOWED_HOSTS=["*"],
    DEBUG=False,
    MIDDLEWARE=[],
    ROOT_URLCONF=__name__,
    SECRET_KEY="bare-app-only-" + "x" * 50,
)


def health(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


def hello(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"message": f"Hello, {request.GET.get('name', 'World')}!"})


urlpatterns = [path("health", health), path("api/hello", hello)]

application = get_asgi_application()
"""

DJANGO_HANDLER = """\
from mangum import Mangum

from bare_app import application

handler = Mangum(application, lifespan="off")
"""

FRAMEWORKS: dict[str, Framework] = {
    framework.name: framework
    for framework in (
        Framework(
            name="fastapi",
            files=manifests.fastapi_files,
            title="FastAPI",
            server_banner="uvicorn",
            packages=("fastapi", "starlette", "uvicorn", "pydantic", "sqlalchemy", "mangum"),
            bare_app=FASTAPI_APP,
            procfile_target="app.main:app",
            bare_target="bare_app:app",
            bare_lambda=MANGUM_HANDLER,
            lambda_requirements=("fastapi", "mangum"),
            # Jinja pages, and Alembic's template for new revisions.
            runtime_templates=frozenset({".html", ".mako"}),
        ),
        Framework(
            name="tornado",
            files=manifests.tornado_files,
            title="Tornado",
            server_banner="TornadoServer",
            packages=("tornado", "pydantic", "sqlalchemy"),
            bare_app=TORNADO_APP,
            # The Procfile runs the package (`python -m my_service`, the default slug).
            procfile_target="-m my_service",
            bare_target="bare_app.py",
            interface="server",
            runtime_templates=frozenset({".html", ".mako"}),
            realtime=True,
        ),
        Framework(
            name="pyramid",
            files=manifests.pyramid_files,
            title="Pyramid",
            server_banner="waitress",
            packages=(
                "pyramid",
                "webob",
                "waitress",
                "pyramid-openapi3",
                "openapi-core",
                "sqlalchemy",
                "apig-wsgi",
            ),
            bare_app=PYRAMID_APP,
            # pserve serves an ini file: the bare one is production.ini with
            # `use = call:bare_app:main` in its [app:main] section.
            procfile_target="production.ini",
            bare_target="bare.ini",
            bare_setup=pyramid_bare_ini,
            interface="wsgi",
            bare_lambda=APIG_WSGI_HANDLER,
            lambda_requirements=("pyramid", "apig-wsgi"),
            # Jinja pages (.jinja2, the Swagger UI's .html), Alembic's template for new revisions.
            runtime_templates=frozenset({".jinja2", ".html", ".mako"}),
        ),
        Framework(
            name="flask",
            files=manifests.flask_files,
            title="Flask",
            # Emptied by the project's gunicorn.conf.py.
            server_banner="gunicorn",
            packages=(
                "flask",
                "apiflask",
                "werkzeug",
                "gunicorn",
                "pydantic",
                "sqlalchemy",
                "apig-wsgi",
            ),
            bare_app=FLASK_APP,
            # The default project slug's package (bench/ renders with the defaults).
            procfile_target="my_service.wsgi:app",
            bare_target="bare_app:app",
            bare_setup=gunicorn_conf,
            interface="wsgi",
            bare_lambda=APIG_WSGI_HANDLER,
            lambda_requirements=("flask", "apig-wsgi"),
            # Jinja pages, and Alembic's template for new revisions.
            runtime_templates=frozenset({".html", ".mako"}),
        ),
        Framework(
            name="django",
            files=manifests.django_files,
            title="Django",
            # The fullest (async) combination serves with uvicorn --no-server-header; the sync
            # ones with gunicorn, whose banner the project's gunicorn.conf.py empties.
            server_banner="uvicorn",
            packages=(
                "django",
                "django-ninja",
                "pydantic",
                "servestatic",
                "uvicorn",
                "gunicorn",
                "mangum",
                "apig-wsgi",
            ),
            bare_app=DJANGO_APP,
            procfile_target="config.asgi:application",
            bare_target="bare_app:application",
            bare_lambda=DJANGO_HANDLER,
            lambda_requirements=("django", "mangum"),
            # Django templates (the home page).
            runtime_templates=frozenset({".html"}),
        ),
    )
}


class UnknownFramework(LookupError):
    """copier.yml enables a framework this table has no entry for."""


def framework(name: str) -> Framework:
    """Return a framework's entry; a clear error when copier.yml enables one it lacks."""
    try:
        return FRAMEWORKS[name]
    except KeyError:
        raise UnknownFramework(
            f"copier.yml enables {name!r}, but tests/support/frameworks.py has no entry for it: "
            "add one (the harness needs its server banner, bare app and template suffixes)"
        ) from None
