"""Every serverless combination, deployed as its README says: `sam build` ships the app, its locked
runtime dependencies and the handler, nothing else; the built functions, imported from their
artifact folders by a clean interpreter of the runtime's Python, migrate the database and answer
API Gateway REST (payload 1.0) and HTTP API (payload 2.0) events as the HTTP contract says."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from scaffold.options import combination_id
from tests.support import contract
from tests.support.combinations import combinations
from tests.support.lambda_client import LambdaFunction, api_gateway_client
from tests.support.locking import UV, lock_project
from tests.support.processes import STRONG_SECRET, project_env
from tests.support.sam import (
    SamBuild,
    install_sam_cli,
    installed_distributions,
    readme_commands,
    runtime_python,
    sam_build,
)

pytestmark = pytest.mark.slow
SERVERLESS = combinations(lambda c: c["serverless"])
# What a Lambda function must never carry: the repository's tooling, tests and local state.
NEVER_SHIPPED = {
    ".aws-sam", ".copier-answers.yml", ".dockerignore", ".env", ".env.example", ".git", ".github",
    ".gitignore", ".pre-commit-config.yaml", ".venv", "Dockerfile", "Makefile", "Procfile",
    "README.md", "compose.yaml", "pyproject.toml", "samconfig.toml", "template.yaml", "tests",
    "uv.lock",
}  # fmt: skip
ADAPTERS = {"mangum", "apig_wsgi"}  # ASGI and WSGI apps behind API Gateway
# The contract checks run through the events: liveness, then with a database the items of a user
# who registered and logged in (token or session) when the project has auth.
CHECKS = ["health", "hello", "api_errors_are_json", "items_create_and_read"]


@pytest.fixture(scope="session")
def built(
    render: Callable[[dict[str, Any]], Path], tmp_path_factory: pytest.TempPathFactory
) -> Callable[[dict[str, Any]], SamBuild]:
    """`sam build` of a combination, once per test process, in a copy of its render (the
    render stays as Copier made it for the other tests)."""
    builds: dict[str, SamBuild] = {}
    sam = install_sam_cli(tmp_path_factory.mktemp("sam-cli"))

    def build(combination: dict[str, Any]) -> SamBuild:
        key = combination_id(combination)
        if key not in builds:
            project = tmp_path_factory.mktemp("sam") / key
            shutil.copytree(render(combination), project)
            lock_project(project)  # as `scaffold new` does; the README's first command too
            builds[key] = sam_build(project, sam)
        return builds[key]

    return build


def locked_runtime_dependencies(project: Path, python_version: str) -> dict[str, str]:
    """Name → version of what uv.lock pins for the project at run time (no dev group), on
    Lambda's platform: Linux x86_64 and the runtime's Python."""
    exported = subprocess.run(
        [str(UV), "export", "--frozen", "--no-dev", "--no-emit-project", "--no-hashes",
         "--no-header", "--no-annotate"],
        cwd=project, env=project_env(), capture_output=True, text=True, check=True, timeout=120,
    ).stdout  # fmt: skip
    lambda_platform = {
        "sys_platform": "linux", "platform_system": "Linux", "os_name": "posix",
        "platform_machine": "x86_64", "implementation_name": "cpython",
        "platform_python_implementation": "CPython", "python_version": python_version,
        "python_full_version": f"{python_version}.0",
    }  # fmt: skip
    pins = {}
    for line in exported.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        requirement = Requirement(line)
        if requirement.marker is None or requirement.marker.evaluate(lambda_platform):
            pins[canonicalize_name(requirement.name)] = str(requirement.specifier).removeprefix(
                "=="
            )
    return pins


@pytest.mark.parametrize("combination", SERVERLESS)
def test_sam_build_ships_the_app_and_its_locked_dependencies_only(
    combination: dict[str, Any], built: Callable[[dict[str, Any]], SamBuild]
) -> None:
    build = built(combination)
    # The README's deploy block, in order: lock, (the database secret,) build, deploy, (migrate).
    verbs = [" ".join(command.split()[:2]) for command in readme_commands(build.project)]
    if combination["database"] == "none":
        assert verbs == ["uv lock", "sam build", "sam deploy"]
    else:
        assert verbs == ["uv lock", "aws secretsmanager", "sam build", "sam deploy", "sam remote"]
        assert readme_commands(build.project)[-1].startswith("sam remote invoke MigrateFunction ")
    expected_functions = {"WebFunction"} | (
        {"MigrateFunction"} if combination["database"] != "none" else set()
    )
    assert set(build.functions) == expected_functions
    python = tuple(map(int, build.python_version.split(".")))
    assert (3, 11) <= python <= (3, 13), f"{build.runtime} is not a Python the project supports"
    locked = locked_runtime_dependencies(build.project, build.python_version)
    for name, function in build.functions.items():
        artifact = function.artifact
        entries = {path.name for path in artifact.iterdir()}
        assert not entries & NEVER_SHIPPED, (name, sorted(entries & NEVER_SHIPPED))
        leftovers = [
            str(path.relative_to(artifact))
            for path in artifact.rglob("*")
            if path.name == "__pycache__" or path.suffix in {".db", ".sqlite", ".sqlite3"}
        ]
        assert not leftovers, (name, leftovers[:10])
        # Exactly the locked runtime dependencies, at their locked versions, built for the runtime.
        assert installed_distributions(artifact) == locked, name
        assert combination["framework"] in entries, (name, "framework missing")
        assert entries & ADAPTERS, (name, "no Lambda adapter")
        # Compiled extensions for Lambda's Python and OS, whatever the machine that built them.
        tag = f".cpython-{python[0]}{python[1]}-x86_64-linux-gnu.so"
        foreign = [
            so.name
            for so in artifact.rglob("*.so")
            if ".cpython-" in so.name and not so.name.endswith(tag)
        ]
        assert not foreign, (name, foreign[:5])
        # The rest is the project's own code: the handler module and what it imports.
        module = function.handler.rpartition(".")[0]
        assert f"{module}.py" in entries, (name, function.handler)
        installed = _installed_top_levels(artifact)
        own = entries - installed - {p.name for p in artifact.glob("*.dist-info")}
        assert own <= {p.name for p in build.project.iterdir()}, (name, sorted(own))


def _installed_top_levels(artifact: Path) -> set[str]:
    """The top-level files and folders the installed distributions put in the artifact."""
    tops: set[str] = set()
    for record in artifact.glob("*.dist-info/RECORD"):
        for line in record.read_text().splitlines():
            path = line.split(",", 1)[0]
            if path:
                tops.add(path.split("/", 1)[0])
    return tops


@pytest.mark.parametrize("combination", SERVERLESS)
def test_built_functions_answer_api_gateway_events(
    combination: dict[str, Any],
    built: Callable[[dict[str, Any]], SamBuild],
    database_url: Callable[[str], str],
) -> None:
    build = built(combination)
    python = runtime_python(build.python_version)
    if python is None:
        pytest.skip(
            f"no Python {build.python_version} (the {build.runtime} runtime) on PATH or in pyenv"
        )
    env = project_env(SECRET_KEY=STRONG_SECRET, APP_ENV="production")
    if combination["database"] != "none":
        env["DATABASE_URL"] = database_url(combination["database"])
        migrate = build.functions["MigrateFunction"]
        with LambdaFunction(python, migrate.artifact, migrate.handler, env) as function:
            # The README's `sam remote invoke MigrateFunction`: one event, an empty one.
            answer = function.invoke({})
        assert answer["revision"], answer
    web = build.functions["WebFunction"]
    with LambdaFunction(python, web.artifact, web.handler, env) as function:
        for version in ("1.0", "2.0"):
            checks = contract.applicable_checks(combination)
            for name in CHECKS:
                if name in checks:
                    with api_gateway_client(function, version) as client:
                        try:
                            checks[name](client, combination)
                        except AssertionError as error:
                            raise AssertionError(f"payload {version}, {name}: {error}") from error
