"""Every combination declares what it imports, and the test venv holds what it declares.

The matrix runs all projects in one venv with the union of the templates' dependencies; these
checks keep that honest: a dependency missing from a project's pyproject.toml, or from the
union, fails here rather than hiding behind the other.
"""

from __future__ import annotations

import ast
import sys
import tomllib
from collections.abc import Callable, Iterable
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.support.combinations import combinations

pytestmark = pytest.mark.slow
Render = Callable[[dict[str, Any]], Path]


def declared_requirements(project: Path) -> list[Requirement]:
    """The project's runtime dependencies and its dev group."""
    pyproject = tomllib.loads((project / "pyproject.toml").read_text())
    listed = [
        *pyproject["project"]["dependencies"],
        *pyproject.get("dependency-groups", {}).get("dev", []),
    ]
    return [Requirement(line) for line in listed]


@cache
def requirements_closure(names: frozenset[str]) -> frozenset[str]:
    """The distributions `names` pull in, themselves included (installed metadata)."""
    seen: set[str] = set()
    pending = list(names)
    while pending:
        name = canonicalize_name(pending.pop())
        if name in seen:
            continue
        seen.add(name)
        try:
            requires = metadata.requires(name) or []
        except metadata.PackageNotFoundError:
            continue
        for line in requires:
            requirement = Requirement(line)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                pending.append(requirement.name)
    return frozenset(seen)


def imported_modules(project: Path) -> set[str]:
    """Top-level modules the project's Python files import."""
    modules: set[str] = set()
    for path in project.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                modules.add(node.module.split(".")[0])
    return modules


def first_party(project: Path) -> set[str]:
    return {path.stem for path in project.iterdir() if path.suffix == ".py" or path.is_dir()}


def distributions_of(modules: Iterable[str]) -> dict[str, set[str]]:
    """Map modules to the installed distributions that provide them."""
    provided = metadata.packages_distributions()
    return {module: {canonicalize_name(d) for d in provided.get(module, [])} for module in modules}


@pytest.mark.parametrize("combination", combinations())
def test_test_venv_satisfies_the_declared_dependencies(
    combination: dict[str, Any], render: Render
) -> None:
    unmet = []
    for requirement in declared_requirements(render(combination)):
        try:
            version = metadata.version(requirement.name)
        except metadata.PackageNotFoundError:
            unmet.append(f"{requirement} (not installed)")
            continue
        if not requirement.specifier.contains(version, prereleases=True):
            unmet.append(f"{requirement} (installed {version})")
    assert not unmet, "add to the `templates` group of pyproject.toml: " + ", ".join(unmet)


@pytest.mark.parametrize("combination", combinations())
def test_every_import_is_declared(combination: dict[str, Any], render: Render) -> None:
    project = render(combination)
    declared = frozenset(r.name for r in declared_requirements(project))
    allowed = requirements_closure(declared)
    third_party = imported_modules(project) - set(sys.stdlib_module_names) - first_party(project)
    undeclared = {
        module: sorted(dists)
        for module, dists in distributions_of(third_party).items()
        if not dists & allowed
    }
    assert not undeclared, f"imported but not declared in pyproject.toml: {undeclared}"
