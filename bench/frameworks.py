"""What the benchmarks need to know about each framework: one entry per framework.

Everything else (which frameworks exist, their combinations, the fullest one) comes from
copier.yml through `scaffold.options` and `tests/support/combinations.py`. A framework enabled in
copier.yml without an entry here is measured everywhere an entry is not needed (generation,
matrix, time to first green) and reported as "no bare app" in the comparisons that need one.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Bare:
    """The bare minimal app of a framework, served the way the generated project is served."""

    app_source: str
    """`bare_app.py`: the framework's smallest app answering GET /health and GET /api/hello."""
    procfile_target: str
    """The app target in the generated Procfile's `web:` line (e.g. ``app.main:app``)."""
    bare_target: str
    """What replaces it to serve the bare app with the same server and flags."""
    interface: str = "asgi"
    """How bench/inprocess_driver.py calls the app: `asgi` or `wsgi`."""
    lambda_source: str | None = None
    """`bare_handler.py`: the bare app behind the framework's Lambda adapter (None: no Lambda)."""
    lambda_requirements: tuple[str, ...] = ()
    """What bare_handler.py imports: installed at the versions of the generated artifact."""


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

FASTAPI_LAMBDA = """\
from mangum import Mangum

from bare_app import app

handler = Mangum(app)
"""

BARE: dict[str, Bare] = {
    "fastapi": Bare(
        app_source=FASTAPI_APP,
        procfile_target="app.main:app",
        bare_target="bare_app:app",
        lambda_source=FASTAPI_LAMBDA,
        lambda_requirements=("fastapi", "mangum"),
    ),
    # A new framework adds its entry, e.g. flask: a Flask() with two routes, procfile_target
    # "app:create_app()" (whatever its Procfile serves), lambda_source with apig_wsgi.
}


def bare(framework: str) -> Bare | None:
    """Return the framework's bare app, or None when none is described yet."""
    return BARE.get(framework)
