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

from scaffold.combinations import combination_id
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


def module_path(handler: str) -> Path:
    """`handler.handler` → handler (the module's path in the artifact, without suffix)."""
    return Path(*handler.rpartition(".")[0].split("."))


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
    tag = f".cpython-{python[0]}{python[1]}"
    for name, function in build.functions.items():
        # Everything Lambda would import: the function's folder, then its layers'.
        folders = function.path
        for folder in folders:
            entries = {path.name for path in folder.iterdir()}
            assert not entries & NEVER_SHIPPED, (folder.name, sorted(entries & NEVER_SHIPPED))
            # Byte-code for the runtime's Python only (none left from the developer's runs).
            leftovers = [
                str(path.relative_to(folder))
                for path in folder.rglob("*")
                if (path.suffix == ".pyc" and not path.name.endswith(f"{tag}.pyc"))
                or path.suffix in {".db", ".sqlite", ".sqlite3"}
            ]
            assert not leftovers, (folder.name, leftovers[:10])
            # Compiled extensions for Lambda's Python and OS, whatever machine built them.
            foreign = [
                so.name
                for so in folder.rglob("*.so")
                if ".cpython-" in so.name and not so.name.endswith(f"{tag}-x86_64-linux-gnu.so")
            ]
            assert not foreign, (folder.name, foreign[:5])
        # Exactly the locked runtime dependencies, at their locked versions, once.
        installed = [installed_distributions(folder) for folder in folders]
        assert sum(map(len, installed)) == len(locked), (name, "a distribution twice")
        assert {k: v for found in installed for k, v in found.items()} == locked, name
        importable = {path.name for folder in folders for path in folder.iterdir()}
        assert combination["framework"] in importable, (name, "framework missing")
        assert importable & ADAPTERS, (name, "no Lambda adapter")
        # The function's own folder: the project's code, compiled, and nothing else.
        artifact = function.artifact
        handler_module = artifact / module_path(function.handler)
        assert handler_module.with_suffix(".py").exists(), (name, function.handler)
        handler_pyc = handler_module.parent / "__pycache__" / f"{handler_module.name}{tag}.pyc"
        assert handler_pyc.exists(), (name, "no byte-code: every cold start would compile")
        own = {path.name for path in artifact.iterdir()} - {"__pycache__"}
        assert own <= {path.name for path in build.project.iterdir()}, (name, sorted(own))
        assert not list(artifact.glob("*.dist-info")), (name, "dependencies belong in the layer")


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
        with LambdaFunction(python, build.functions["MigrateFunction"], env) as function:
            # The README's `sam remote invoke MigrateFunction`: one event, an empty one.
            answer = function.invoke({})
        assert answer["revision"], answer
    with LambdaFunction(python, build.functions["WebFunction"], env) as function:
        for version in ("1.0", "2.0"):
            checks = contract.applicable_checks(combination)
            for name in CHECKS:
                if name in checks:
                    with api_gateway_client(function, version) as client:
                        try:
                            checks[name](client, combination)
                        except AssertionError as error:
                            raise AssertionError(f"payload {version}, {name}: {error}") from error
