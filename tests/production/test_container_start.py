"""A project starts the way its image starts, with no manual step, and serves users and items.

Docker cannot run here, so the test does what `docker build` and `docker run` would do, reading
every fact from the rendered project: the build context is exactly what .dockerignore lets in,
copied to a read-only folder; the dependencies come from uv.lock (`uv sync --frozen --no-dev`,
as the image's builder stage); the process is the final stage's ENTRYPOINT and CMD with its ENV,
run as an unprivileged user with production settings and one writable folder, the data volume.
Then register, log in and items go over HTTP.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from uv import find_uv_bin

from tests.support import contract
from tests.support.combinations import fullest_combinations
from tests.support.locking import lock_project
from tests.support.postgres import free_port
from tests.support.processes import STRONG_SECRET, stop_process_group

pytestmark = pytest.mark.slow
# pyenv's interpreters live under root's home, which an unprivileged user cannot read.
SYSTEM_PYTHON = Path("/usr/bin/python3.11")
UNPRIVILEGED = "nobody"
# PATH in the official python images, before any ENV of ours.
BASE_IMAGE_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


def image_combinations() -> list[Any]:
    """Each enabled framework's fullest combination, and its fullest one on SQLite (each in
    its combination's xdist group, to share its render)."""
    return [
        *fullest_combinations(),
        *fullest_combinations(lambda c: c["database"] == "sqlite"),
    ]


# --- .dockerignore -----------------------------------------------------------------------------


def _pattern_regex(pattern: str) -> re.Pattern[str]:
    """Docker's reading of a .dockerignore pattern: Go's filepath.Match plus `**`, from the
    context root; a pattern that matches a folder matches everything in it."""
    regex, index = "", 0
    while index < len(pattern):
        if pattern.startswith("**", index):
            if pattern[index + 2 : index + 3] == "/":
                regex, index = regex + "(?:.*/)?", index + 3
            else:
                regex, index = regex + ".*", index + 2
            continue
        char = pattern[index]
        if char == "*":
            regex += "[^/]*"
        elif char == "?":
            regex += "[^/]"
        elif char == "[":
            end = pattern.index("]", index + 1)
            regex += "[" + pattern[index + 1 : end].replace("!", "^", 1) + "]"
            index = end
        else:
            regex += re.escape(char)
        index += 1
    return re.compile(regex + "(?:/.*)?")


def ignored_by_docker(project: Path) -> Callable[[str], bool]:
    """Whether .dockerignore keeps a path (relative, with slashes) out of the build context."""
    rules = []
    for raw in (project / ".dockerignore").read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        negated = line.startswith("!")
        pattern = os.path.normpath(line.removeprefix("!").strip()).lstrip("/")
        rules.append((negated, _pattern_regex(pattern)))

    def ignored(path: str) -> bool:
        result = False
        for negated, regex in rules:
            if regex.fullmatch(path):
                result = not negated
        return result

    return ignored


def build_context(project: Path, context: Path) -> list[str]:
    """Copy the files .dockerignore lets in; return their paths."""
    ignored = ignored_by_docker(project)
    copied = []
    for path in sorted(project.rglob("*")):
        relative = path.relative_to(project).as_posix()
        if path.is_file() and not ignored(relative):
            (context / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, context / relative)
            copied.append(relative)
    return copied


def make_read_only(root: Path) -> None:
    """Take write permission away from everyone, on every file and folder."""
    for path in [root, *root.rglob("*")]:
        path.chmod(path.stat().st_mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))


def make_writable(root: Path) -> None:
    """Give the owner write permission back, so that the folder can be deleted."""
    for path in [root, *root.rglob("*")]:
        path.chmod(path.stat().st_mode | stat.S_IWUSR)


# --- Dockerfile --------------------------------------------------------------------------------


@dataclass
class FinalStage:
    """What `docker run` takes from the final stage of a Dockerfile."""

    env: dict[str, str]
    workdir: str
    user: str
    volumes: list[str]
    command: list[str]


def read_final_stage(dockerfile: Path) -> FinalStage:
    """Parse the instructions of the last stage (after the last FROM)."""
    logical: list[str] = []
    pending = ""
    for raw in dockerfile.read_text().splitlines():
        stripped = raw.strip()
        if not pending and (not stripped or stripped.startswith("#")):
            continue
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        logical.append(pending + stripped)
        pending = ""
    instructions = [tuple(line.split(None, 1)) for line in logical]
    last_from = max(i for i, (name, *_) in enumerate(instructions) if name.upper() == "FROM")
    stage = FinalStage(env={}, workdir="/", user="root", volumes=[], command=[])
    inherited = {"PATH": BASE_IMAGE_PATH}
    entrypoint: list[str] = []
    cmd: list[str] = []
    for name, arguments in instructions[last_from + 1 :]:
        match name.upper():
            case "ENV":
                for assignment in shlex.split(arguments):
                    key, _, value = assignment.partition("=")
                    stage.env[key] = re.sub(
                        r"\$\{?(\w+)\}?",
                        lambda m: {**inherited, **stage.env}.get(m.group(1), ""),
                        value,
                    )
            case "WORKDIR":
                stage.workdir = arguments
            case "USER":
                stage.user = arguments
            case "VOLUME":
                stage.volumes += json.loads(arguments) if arguments.startswith("[") else [arguments]
            case "ENTRYPOINT":
                entrypoint = json.loads(arguments)
            case "CMD":
                cmd = json.loads(arguments)
    stage.command = entrypoint + cmd
    return stage


# --- running it ----------------------------------------------------------------------------------


@dataclass
class Container:
    """The folders that stand for the image's: its WORKDIR, its venv, its data volume."""

    context: Path
    venv: Path
    data: Path
    root: Path


@pytest.fixture
def container() -> Iterator[Container]:
    # Outside pytest's tmp_path: an unprivileged user must be able to reach these folders.
    root = Path(tempfile.mkdtemp(prefix="container-"))
    root.chmod(0o755)
    folders = Container(context=root / "srv", venv=root / "venv", data=root / "data", root=root)
    folders.context.mkdir()
    folders.data.mkdir()
    if os.geteuid() == 0:
        shutil.chown(folders.data, UNPRIVILEGED)
    yield folders
    make_writable(folders.context)
    shutil.rmtree(root, ignore_errors=True)


def install_from_lock(context: Path, venv: Path) -> None:
    """What the builder stage does: the locked dependencies and the project, no dev group."""
    python = str(SYSTEM_PYTHON) if SYSTEM_PYTHON.exists() else sys.executable
    result = subprocess.run(
        [find_uv_bin(), "sync", "--frozen", "--no-dev", "--python", python, "--quiet"],
        cwd=context,
        # The Dockerfile's environment: byte-code compiled at install, no Python downloaded.
        env={
            **os.environ,
            "UV_PROJECT_ENVIRONMENT": str(venv),
            "UV_COMPILE_BYTECODE": "1",
            "UV_PYTHON_DOWNLOADS": "never",
        },
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-4000:]


def wait_until_ready(process: subprocess.Popen[str], url: str, log: Path, timeout: float) -> None:
    """Wait until readiness says yes: migrations applied, database answering."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(
                f"the container exited with {process.returncode}:\n{log.read_text()}"
            )
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{url} was not ready within {timeout} s:\n{log.read_text()}")


def behind_https_proxy(client: httpx.Client) -> None:
    """Talk as the TLS-terminating proxy in front of a production app would.

    Requests say they came over HTTPS (uvicorn trusts that from 127.0.0.1), unsafe ones name
    the page's https origin as a browser does (CSRF checks compare it with the host), and
    cookies are sent back, Secure ones included: httpx's cookie jar would keep those for https
    URLs only.
    """
    client.headers["X-Forwarded-Proto"] = "https"
    contract.send_origin_as_a_browser(client, "https")
    jar: dict[str, str] = {}

    def keep_cookies(response: httpx.Response) -> None:
        for header in response.headers.get_list("set-cookie"):
            name, _, rest = header.partition("=")
            jar[name.strip()] = rest.split(";", 1)[0]
        if jar:
            client.headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in jar.items())

    client.event_hooks["response"].append(keep_cookies)


@pytest.mark.parametrize("combination", image_combinations())
def test_the_image_starts_by_itself_and_serves_users_and_items(
    combination: dict[str, Any],
    render: Callable[[dict[str, Any]], Path],
    database_url: Callable[[str], str],
    container: Container,
    tmp_path: Path,
) -> None:
    project = tmp_path / "project"
    shutil.copytree(render(combination), project)
    lock_project(project)  # what `scaffold new` does
    copied = build_context(project, container.context)
    assert "uv.lock" in copied
    assert not [path for path in copied if path.startswith(("tests/", ".git/", ".venv/"))]
    make_read_only(container.context)
    install_from_lock(container.context, container.venv)

    stage = read_final_stage(project / "Dockerfile")
    assert stage.user not in {"root", "0", "0:0"}, stage.user
    assert stage.command, "the final stage has no ENTRYPOINT nor CMD"
    env = {
        key: value.replace(f"{stage.workdir}/.venv", str(container.venv))
        for key, value in stage.env.items()
    }
    assert env.get("APP_ENV") == "production", env
    port = free_port()
    env.update(HOST="127.0.0.1", PORT=str(port), SECRET_KEY=STRONG_SECRET)
    if combination["database"] == "sqlite":
        # The image's DATABASE_URL, with its volume mapped to the data folder.
        assert stage.volumes, "no VOLUME for the SQLite database"
        (volume,) = stage.volumes
        assert env["DATABASE_URL"].startswith(f"sqlite:///{volume}/"), env["DATABASE_URL"]
        env["DATABASE_URL"] = env["DATABASE_URL"].replace(volume, str(container.data), 1)
    elif combination["database"] == "postgresql":
        env["DATABASE_URL"] = database_url("postgresql")

    command = stage.command
    if os.geteuid() == 0:
        command = ["runuser", "-u", UNPRIVILEGED, "--", *command]
    log = tmp_path / "container.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            command,
            cwd=container.context,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
    try:
        base_url = f"http://127.0.0.1:{port}"
        wait_until_ready(process, f"{base_url}/health/ready", log, timeout=120)
        with httpx.Client(base_url=base_url, timeout=60) as client:
            behind_https_proxy(client)
            contract.ready_for_items(client, combination)  # register and log in, with auth
            if combination["database"] != "none":
                item = contract.create_item(client, name="from the container")
                listed = client.get("/api/items").json()
                assert [found["id"] for found in listed["items"]] == [item["id"]], listed
    finally:
        stop_process_group(process)
    if combination["database"] == "sqlite":
        assert {path.name for path in container.data.iterdir()} >= {"app.db"}
