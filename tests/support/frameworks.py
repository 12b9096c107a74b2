"""What the harness must know about each framework: the one table, for tests/ and bench/.

Everything else comes from copier.yml (which frameworks are enabled, their combinations) or from
the rendered project itself (its Procfile, its pyproject.toml, its Dockerfile). Adding a framework
means adding its template and one entry here; a framework enabled in copier.yml without an entry
fails the test that says so (tests/matrix/test_render.py), not a check somewhere downstream.
"""

from __future__ import annotations

from dataclasses import dataclass, field


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
    bare_app: str
    """`bare_app.py`: the framework's smallest app answering GET /health and GET /api/hello."""
    procfile_target: str
    """The app target in the generated Procfile's `web:` line (e.g. ``app.main:app``)."""
    bare_target: str
    """What replaces it to serve the bare app with the same server and flags."""
    interface: str = "asgi"
    """How bench/inprocess_driver.py calls the app: `asgi` or `wsgi`."""
    bare_lambda: str | None = None
    """`bare_handler.py`: the bare app behind the framework's Lambda adapter (None: no Lambda)."""
    lambda_requirements: tuple[str, ...] = ()
    """The distributions the bare Lambda app needs (installed as the artifact's are)."""
    runtime_templates: frozenset[str] = field(default_factory=frozenset)
    """Suffixes of the project's own run-time templates, which legitimately hold `{{ }}`."""
    realtime: bool = False
    """Whether every project serves the `WS /ws` broadcast endpoint."""


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
            name="django",
            title="Django",
            # The fullest (async) combination serves with uvicorn --no-server-header. The sync
            # ones serve with gunicorn, which always sends `Server: gunicorn` (no setting turns it
            # off: benoitc/gunicorn#825; only the version went, in 20.1.0): the convention's
            # "where the server allows".
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
