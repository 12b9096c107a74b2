"""The package's public surface: every module says what it offers, and offers only that."""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
from pathlib import Path

import pytest

import scaffold

MODULES = sorted(
    info.name for info in pkgutil.walk_packages(scaffold.__path__, prefix="scaffold.")
) + ["scaffold"]


def defined_names(module_name: str) -> set[str]:
    """The public names a module defines itself (classes, functions, assigned constants)."""
    module = importlib.import_module(module_name)
    tree = ast.parse(Path(str(module.__file__)).read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names |= {target.id for target in node.targets if isinstance(target, ast.Name)}
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return {
        name
        for name in names
        if not name.startswith("_") or (name.endswith("__") and name != "__all__")
    }


@pytest.mark.parametrize("module_name", [m for m in MODULES if m != "scaffold.__main__"])
def test_all_lists_exactly_what_the_module_defines(module_name: str) -> None:
    module = importlib.import_module(module_name)

    assert sorted(module.__all__) == sorted(defined_names(module_name))


def test_tests_use_no_private_names_of_the_package() -> None:
    tests = Path(__file__).parent
    offenders = [
        f"{path.relative_to(tests)}:{number}"
        for path in sorted(tests.rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if re.search(r"from scaffold\S* import .*\b_[a-z]", line)
    ]

    assert offenders == []
