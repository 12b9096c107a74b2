"""Build a generated project's Lambda functions with `sam build`, and find the runtime's Python."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from packaging.utils import canonicalize_name

from tests.support.locking import UV
from tests.support.processes import VENV_BIN, project_env

REPO = Path(__file__).resolve().parents[2]
# The SAM CLI pins its dependencies exactly: it runs from a virtual environment of its own, with
# the `sam` dependency group of pyproject.toml.
[SAM_CLI] = tomllib.loads((REPO / "pyproject.toml").read_text())["dependency-groups"]["sam"]


def install_sam_cli(directory: Path) -> Path:
    """Install the SAM CLI in a virtual environment in `directory`; return its `sam`.

    Once per test process: uv's cache makes it a few seconds, and no build pays a resolution.
    """
    venv = directory / "sam-cli"
    python, env = venv / "bin" / "python", project_env()
    for command in (
        [str(UV), "venv", "--quiet", str(venv)],
        # Byte-code compiled once here: where PYTHONDONTWRITEBYTECODE is set, every `sam build`
        # would otherwise compile the SAM CLI's imports again (2.5 s of a 6 s build).
        [str(UV), "pip", "install", "-q", "--compile-bytecode", "--python", str(python), SAM_CLI],
    ):
        subprocess.run(command, env=env, check=True, capture_output=True, text=True, timeout=600)
    return venv / "bin" / "sam"


class _CloudFormationLoader(yaml.SafeLoader):
    """Reads the short-form intrinsic functions (!Sub, !Ref...) as plain values."""


_CloudFormationLoader.add_multi_constructor(
    "!",
    lambda loader, _suffix, node: (
        loader.construct_scalar(node) if isinstance(node, yaml.ScalarNode) else None
    ),
)


def read_template(path: Path) -> dict[str, Any]:
    """A SAM/CloudFormation template as data."""
    template: dict[str, Any] = yaml.load(path.read_text(), Loader=_CloudFormationLoader)  # noqa: S506
    return template


@dataclass(frozen=True)
class Function:
    """A built function: its artifact folder, the `python/` folders of its layers (Lambda puts
    them on the import path after the function's own folder), its `module.function` handler."""

    artifact: Path
    layers: tuple[Path, ...]
    handler: str

    @property
    def path(self) -> tuple[Path, ...]:
        """The import path Lambda gives the function, in order."""
        return (self.artifact, *self.layers)


@dataclass(frozen=True)
class SamBuild:
    """The result of `sam build` in a project."""

    project: Path
    runtime: str  # e.g. python3.13
    functions: dict[str, Function]
    seconds: float
    layers: tuple[Path, ...]

    @property
    def python_version(self) -> str:
        return self.runtime.removeprefix("python")


def readme_commands(project: Path) -> list[str]:
    """The commands of the README's Lambda deploy block, in order."""
    readme = (project / "README.md").read_text()
    blocks = re.findall(r"```bash\n(.*?)```", readme, re.DOTALL)
    [block] = [b for b in blocks if re.search(r"^\s*sam build", b, re.MULTILINE)]
    return [
        line.split("  #")[0].strip()
        for line in block.splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]


def sam_build(project: Path, sam: Path) -> SamBuild:
    """Run the README's `sam build` command in the project, with this `sam`; describe what it
    built. The Makefile compiles the byte-code with the runtime's Python: the one found here,
    else the one uv finds or fetches."""
    [command] = [c for c in readme_commands(project) if c.startswith("sam build")]
    env = project_env(SAM_CLI_TELEMETRY="0")
    runtime = read_template(project / "template.yaml")["Globals"]["Function"]["Runtime"]
    python = runtime_python(runtime.removeprefix("python"))
    if python is not None:
        env["LAMBDA_PYTHON"] = str(python)
    started = time.perf_counter()
    result = subprocess.run(
        [str(sam), *shlex.split(command)[1:]],
        cwd=project, env=env, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    seconds = time.perf_counter() - started
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    built_dir = project / ".aws-sam" / "build"
    built = read_template(built_dir / "template.yaml")
    runtime = built["Globals"]["Function"]["Runtime"]
    resources = built["Resources"]
    layers = {
        name: built_dir / resource["Properties"]["ContentUri"] / "python"
        for name, resource in resources.items()
        if resource["Type"] == "AWS::Serverless::LayerVersion"
    }
    functions = {}
    for name, resource in resources.items():
        if resource["Type"] == "AWS::Serverless::Function":
            properties = resource["Properties"]
            refs = properties.get("Layers", built["Globals"]["Function"].get("Layers", []))
            functions[name] = Function(
                built_dir / properties["CodeUri"],
                tuple(layers[ref["Ref"]] for ref in refs),
                properties["Handler"],
            )
    return SamBuild(project, runtime, functions, seconds, tuple(layers.values()))


def installed_distributions(artifact: Path) -> dict[str, str]:
    """Name → version of the distributions installed in an artifact folder."""
    found = {}
    for dist_info in artifact.glob("*.dist-info"):
        name, _, version = dist_info.name.removesuffix(".dist-info").partition("-")
        found[canonicalize_name(name)] = version
    return found


def runtime_python(version: str) -> Path | None:
    """An interpreter of this Python version (3.13...): on PATH, else one uv installed (as
    scripts/test does when the machine has none), else one pyenv has."""
    on_path = shutil.which(
        f"python{version}", path=os.environ.get("PATH", "").replace(VENV_BIN, "")
    )
    if on_path and _runs(Path(on_path)):
        return Path(on_path)
    managed = subprocess.run(
        [str(UV), "python", "find", "--managed-python", version],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if managed.returncode == 0 and _runs(Path(managed.stdout.strip())):
        return Path(managed.stdout.strip())
    pyenv = shutil.which("pyenv")
    if pyenv is None:
        return None
    versions = subprocess.run(
        [pyenv, "versions", "--bare"], capture_output=True, text=True, check=False
    ).stdout.split()
    candidates = [v for v in versions if re.fullmatch(rf"{re.escape(version)}\.\d+", v)]
    for candidate in sorted(candidates, key=lambda v: int(v.rpartition(".")[2]), reverse=True):
        found = subprocess.run(
            [pyenv, "which", f"python{version}"], capture_output=True, text=True, check=False,
            env={**os.environ, "PYENV_VERSION": candidate},
        )  # fmt: skip
        if found.returncode == 0 and _runs(Path(found.stdout.strip())):
            return Path(found.stdout.strip())
    return None


def _runs(python: Path) -> bool:
    ran = subprocess.run([str(python), "-I", "-S", "-c", "pass"], capture_output=True, check=False)
    return ran.returncode == 0
