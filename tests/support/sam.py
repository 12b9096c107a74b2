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
    env = project_env()
    for command in (
        [str(UV), "venv", "--quiet", str(venv)],
        [str(UV), "pip", "install", "--quiet", "--python", str(venv / "bin" / "python"), SAM_CLI],
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
    """A built function: its artifact folder and its `module.function` handler."""

    artifact: Path
    handler: str


@dataclass(frozen=True)
class SamBuild:
    """The result of `sam build` in a project."""

    project: Path
    runtime: str  # e.g. python3.13
    functions: dict[str, Function]
    seconds: float

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
    built."""
    [command] = [c for c in readme_commands(project) if c.startswith("sam build")]
    env = project_env(SAM_CLI_TELEMETRY="0")
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
    functions = {
        name: Function(
            built_dir / resource["Properties"]["CodeUri"], resource["Properties"]["Handler"]
        )
        for name, resource in built["Resources"].items()
        if resource["Type"] == "AWS::Serverless::Function"
    }
    return SamBuild(project, runtime, functions, seconds)


def installed_distributions(artifact: Path) -> dict[str, str]:
    """Name → version of the distributions installed in an artifact folder."""
    found = {}
    for dist_info in artifact.glob("*.dist-info"):
        name, _, version = dist_info.name.removesuffix(".dist-info").partition("-")
        found[canonicalize_name(name)] = version
    return found


def runtime_python(version: str) -> Path | None:
    """An interpreter of this Python version (3.13...): on PATH, else one pyenv has."""
    on_path = shutil.which(
        f"python{version}", path=os.environ.get("PATH", "").replace(VENV_BIN, "")
    )
    if on_path and _runs(Path(on_path)):
        return Path(on_path)
    pyenv = shutil.which("pyenv")
    if pyenv is None:
        return None
    versions = subprocess.run(
        [pyenv, "versions", "--bare"], capture_output=True, text=True, check=False
    ).stdout.split()
    for candidate in sorted(
        (v for v in versions if re.fullmatch(rf"{re.escape(version)}\.\d+", v)), reverse=True
    ):
        found = subprocess.run(
            [pyenv, "which", f"python{version}"], capture_output=True, text=True, check=False,
            env={**os.environ, "PYENV_VERSION": candidate},
        )  # fmt: skip
        if found.returncode == 0 and _runs(Path(found.stdout.strip())):
            return Path(found.stdout.strip())
    return None


def _runs(python: Path) -> bool:
    return subprocess.run([str(python), "-I", "-S", "-c", "pass"], check=False).returncode == 0
