"""A throwaway PostgreSQL server on 127.0.0.1, for tests that need a real one.

The server is the Debian package's binaries (the test command installs them when missing),
run from a temporary data directory on a free port, and stopped afterwards. As root, the
server runs as the `postgres` user: PostgreSQL refuses to run as root.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path
from urllib.parse import quote

from tests.support import timing


class PostgresUnavailable(RuntimeError):
    """The PostgreSQL server binaries are not installed."""


def find_bindir() -> Path:
    """Return the directory of the newest installed PostgreSQL server binaries."""
    candidates = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"), key=lambda path: int(path.parent.name)
    )
    for bindir in reversed(candidates):
        if (bindir / "initdb").exists():
            return bindir
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).parent
    raise PostgresUnavailable(
        "PostgreSQL server binaries not found: install the Debian package `postgresql` "
        "(scripts/test does it)"
    )


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PostgresServer:
    """A PostgreSQL server of its own: `start()`, `create_database()`, `stop()`."""

    user = "scaffold"
    password = "scaffold"

    def __init__(self) -> None:
        self.bindir = find_bindir()
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="scaffold-pg-"))
        self.data = self.root / "data"
        self._as_root = os.geteuid() == 0

    def _run(self, *args: str | Path) -> subprocess.CompletedProcess[str]:
        command = [str(arg) for arg in args]
        if self._as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, check=True, capture_output=True, text=True, timeout=120)

    def start(self) -> None:
        """Create a cluster and start it, listening on 127.0.0.1 only."""
        with timing.step("PostgreSQL server start"):
            self._start()

    def _start(self) -> None:
        if self._as_root:
            shutil.chown(self.root, "postgres", "postgres")
        password_file = self.root / "password"
        password_file.write_text(self.password)
        if self._as_root:
            shutil.chown(password_file, "postgres", "postgres")
        self._run(
            self.bindir / "initdb",
            "-D", self.data,
            "-U", self.user,
            "--pwfile", password_file,
            "-A", "scram-sha-256",
            "--no-sync",
            "-E", "UTF8",
        )  # fmt: skip
        options = (
            f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.root} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        self._run(
            self.bindir / "pg_ctl", "-D", self.data, "-l", self.root / "log",
            "-w", "-t", "60", "-o", options, "start",
        )  # fmt: skip

    def url(self, database: str = "postgres") -> str:
        """Return the plain `postgresql://` URL of a database on this server."""
        return (
            f"postgresql://{quote(self.user)}:{quote(self.password)}"
            f"@127.0.0.1:{self.port}/{database}"
        )

    def psql(self, sql: str) -> None:
        """Run SQL as the superuser."""
        env = {**os.environ, "PGPASSWORD": self.password}
        subprocess.run(
            [self.bindir / "psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", self.user,
             "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-qc", sql],
            check=True, capture_output=True, text=True, env=env, timeout=60,
        )  # fmt: skip

    def create_database(self, prefix: str = "test", suffix: str = "") -> str:
        """Create an empty database named `<prefix>_<random><suffix>` and return its URL."""
        name = f"{prefix}_{uuid.uuid4().hex[:10]}{suffix}"
        self.psql(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def drop_database(self, url: str) -> None:
        """Drop a database made by `create_database`, closing its connections.

        Nothing to do once the server is stopped: its files, databases included, are gone.
        """
        if not (self.data / "postmaster.pid").exists():
            return
        name = url.rsplit("/", 1)[1]
        self.psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self) -> None:
        """Stop the server and delete its files."""
        try:
            if (self.data / "postmaster.pid").exists():
                self._run(self.bindir / "pg_ctl", "-D", self.data, "-m", "fast", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
