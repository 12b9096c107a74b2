"""API fuzzing: schemathesis, every check, against every api_docs combination's live app.

The app runs from its Procfile on 127.0.0.1; schemathesis reads its /openapi.json and sends
schema-valid and schema-invalid requests, seeded by the combination. Passing means: no 5xx,
every status, content type, header and body as documented, valid input accepted and invalid
input refused, and the stateful links (create, read, change, delete) consistent. With auth, it
runs as a logged-in user, so protected routes are exercised for real and not just refused with 401.
"""

from __future__ import annotations

import json
import os
import subprocess
import xml.etree.ElementTree as ET
import zlib
from pathlib import Path
from typing import Any

import httpx
import pytest

from scaffold.combinations import combination_id
from tests.security.served import auth_headers
from tests.support.combinations import combinations
from tests.support.deployments import Deployment
from tests.support.processes import VENV_BIN

pytestmark = pytest.mark.slow

# Ten examples per operation, seeded by the combination: the 84 api_docs combinations share most
# of their operations, so across them each operation meets hundreds of distinct inputs, where one
# seed for all would send each combination the same ones. 25 examples with one seed took twice
# the time per combination (8.9 s against 4.5 s, flask-postgresql-session-docs-async-lambda).
MAX_EXAMPLES = 10
# Logging out ends the session the rest of the run uses: it is fuzzed on its own, last.
LOGOUT = "/api/auth/logout"
HTTP_METHODS = {"GET", "PUT", "POST", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE"}

# Exclusions, each for a reason that holds by design, never to hide a finding. They apply to
# the named operation and check only; every other check runs on it, every check elsewhere.
CONFIG = """\
# Every check (what `--checks all` selects; on the command line it would override the exclusion).
checks.enabled = true

# POST /api/auth/register refuses with 422, by design, two kinds of input that its JSON Schema
# cannot describe: a password on the common-password list (docs/contract.md; the schema would
# have to list 3,000 passwords), and an email address at a special-use domain such as `localhost` or
# `.test` (RFC 6761; the `email` format admits them). schemathesis takes both for valid input that
# must be accepted. They were the only two reasons among 124 such refusals in 304 requests.
[[operations]]
include-path = "/api/auth/register"
include-method = "POST"
checks.positive_data_acceptance.enabled = false
"""


def security_schemes(document: dict[str, Any], kind: str) -> dict[str, str]:
    """The security schemes of a kind ("bearer", "cookie" or "header") a document declares.

    Maps each scheme's name to the name of the cookie or header it reads ("" for bearer).
    """
    schemes = document.get("components", {}).get("securitySchemes", {})
    if kind == "bearer":
        return {
            name: ""
            for name, scheme in schemes.items()
            if scheme.get("type") == "http" and scheme.get("scheme", "").lower() == "bearer"
        }
    return {
        name: scheme.get("name", "")
        for name, scheme in schemes.items()
        if scheme.get("type") == "apiKey" and scheme.get("in") == kind
    }


def seed(combination: dict[str, Any]) -> int:
    """A seed of the combination's own, the same on every run: a finding replays."""
    return zlib.crc32(combination_id(combination).encode())


@pytest.fixture(scope="session")
def hypothesis_storage(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where schemathesis's Hypothesis keeps its caches, one folder per worker for all its runs.

    Hypothesis builds its Unicode tables on first use and keeps them in `.hypothesis/` of the
    working directory; in each run's own folder it built them every run: 2.4 s of the 2.5 s of
    a two-operation coverage phase. Nothing replays from it: `--generation-database none`.
    """
    return tmp_path_factory.mktemp("hypothesis")


def run_schemathesis(
    base_url: str,
    workdir: Path,
    storage: Path,
    name: str,
    auth: dict[str, str],
    seed: int,
    *args: str,
) -> tuple[subprocess.CompletedProcess[str], ET.Element]:
    """Run the schemathesis CLI in its own process; return its result and its JUnit report.

    Each credential (a bearer token, each cookie, a header) goes to the security scheme the
    document declares for it, so that schemathesis also checks that each protected operation
    refuses requests without it (`ignored_auth`), and can meet a requirement that names several
    schemes at once (a session cookie with a CSRF header and cookie). Headers go with every
    request as well.
    """
    document = httpx.get(f"{base_url}/openapi.json", timeout=30).json()
    config, env, headers = CONFIG, {}, dict(auth)
    credentials: dict[str, tuple[str, str]] = {}  # scheme -> (config key, value)
    if "Authorization" in headers:
        token = headers.pop("Authorization").removeprefix("Bearer ")
        schemes = security_schemes(document, "bearer")
        assert schemes, "the API takes a bearer token but its document declares no scheme"
        credentials.update(dict.fromkeys(schemes, ("bearer", token)))
    if "Cookie" in headers:
        cookies = dict(part.partition("=")[::2] for part in headers.pop("Cookie").split("; "))
        schemes = security_schemes(document, "cookie")
        undeclared = set(cookies) - set(schemes.values())
        assert not undeclared, f"cookies the document declares no scheme for: {undeclared}"
        credentials.update(
            {
                scheme: ("api_key", cookies[cookie])
                for scheme, cookie in schemes.items()
                if cookie in cookies
            }
        )
    sent = {header.lower(): value for header, value in headers.items()}
    for scheme, header in security_schemes(document, "header").items():
        if header.lower() in sent:
            credentials[scheme] = ("api_key", sent[header.lower()])
    for number, (scheme, (key, value)) in enumerate(sorted(credentials.items())):
        env[f"SCAFFOLD_AUTH_{number}"] = value
        config += f"\n[auth.openapi.{json.dumps(scheme)}]\n"
        config += f'{key} = "${{SCAFFOLD_AUTH_{number}}}"\n'
    (workdir / f"{name}.toml").write_text(config)
    junit = workdir / f"{name}.xml"
    command = [
        str(Path(VENV_BIN) / "schemathesis"), "--config-file", str(workdir / f"{name}.toml"),
        "--no-color",
        "run", f"{base_url}/openapi.json",
        "--seed", str(seed),
        "--max-examples", str(MAX_EXAMPLES),
        "--workers", "1",
        "--request-timeout", "30",
        "--generation-database", "none",  # nothing written to, nor replayed from, disk
        "--report", "junit", "--report-junit-path", str(junit),
        *(f"--header={header}: {value}" for header, value in headers.items()),
        *args,
    ]  # fmt: skip
    result = subprocess.run(
        command,
        cwd=workdir,  # its files stay out of the project
        env={
            **os.environ,
            **env,
            "SCHEMATHESIS_TELEMETRY": "false",
            "HYPOTHESIS_STORAGE_DIRECTORY": str(storage),
        },
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    output = result.stdout[-12000:] + result.stderr[-4000:]
    assert junit.exists(), output
    return result, ET.parse(junit).getroot()


def operations_in(report: ET.Element) -> set[str]:
    """The operations a JUnit report covers, as 'METHOD /path' (not its stateful scenarios)."""
    names = {case.get("name", "") for case in report.iter("testcase")}
    return {name for name in names if name.split(" ")[0] in HTTP_METHODS}


def documented_operations(base_url: str) -> set[str]:
    """The operations /openapi.json documents, as 'METHOD /path'."""
    document = httpx.get(f"{base_url}/openapi.json", timeout=30).json()
    return {
        f"{method.upper()} {path}"
        for path, item in document["paths"].items()
        for method in item
        if method.upper() in HTTP_METHODS
    }


@pytest.mark.parametrize("combination", combinations(lambda c: c["api_docs"]))
def test_schemathesis_finds_nothing(
    deployment: Deployment, tmp_path: Path, hypothesis_storage: Path
) -> None:
    combination, base_url = deployment.combination, deployment.base_url
    mark = deployment.log_mark()
    operations = documented_operations(base_url)
    logout = f"POST {LOGOUT}" in operations
    auth = auth_headers(base_url, combination)
    exclude = [f"--exclude-path={LOGOUT}"] if logout else []
    result, report = run_schemathesis(
        base_url, tmp_path, hypothesis_storage, "api", auth, seed(combination), *exclude
    )
    assert result.returncode == 0, result.stdout[-12000:] + result.stderr[-4000:]
    assert operations_in(report) == operations - {f"POST {LOGOUT}"}
    if logout:
        # A session of its own, which the first logout ends: later requests must get 401.
        auth = auth_headers(base_url, combination)
        result, report = run_schemathesis(
            base_url,
            tmp_path,
            hypothesis_storage,
            "logout",
            auth,
            seed(combination),
            f"--include-path={LOGOUT}",
        )
        assert result.returncode == 0, result.stdout[-12000:] + result.stderr[-4000:]
        assert operations_in(report) == {f"POST {LOGOUT}"}
    assert not deployment.tracebacks_since(mark), deployment.tracebacks_since(mark)
