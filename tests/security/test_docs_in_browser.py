"""Offline API docs: each framework's fullest project shows its operations in a real browser.

Headless Chromium (the Debian package) loads /docs from the app on 127.0.0.1 with every other
host unreachable: names resolve to nothing but 127.0.0.1, and anything else goes to a dead proxy.
After Swagger UI has run, the rendered DOM must list every operation of /openapi.json, and the
browser's network log must show that the page asked no other host for anything.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from tests.support.combinations import fullest_combinations
from tests.support.deployments import Deployment

pytestmark = pytest.mark.slow
# The class Swagger UI gives the path of each operation it lists.
OPERATION_PATH_CLASS = "opblock-summary-path"
HTTP_METHODS = {"get", "put", "post", "patch", "delete", "head", "options", "trace"}


def chromium_command() -> str:
    """The Chromium binary; scripts/test installs the Debian package."""
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    if binary is None:
        pytest.fail("Chromium not found: install the Debian package `chromium` (scripts/test does)")
    return binary


def load_offline(url: str, workdir: Path) -> tuple[str, list[dict[str, Any]]]:
    """Load a page in headless Chromium with no network but loopback.

    Return the DOM once the page's scripts have run, and the requests the page made (from
    Chromium's network log).
    """
    netlog = workdir / "netlog.json"
    result = subprocess.run(
        [
            chromium_command(),
            "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-quic",
            f"--user-data-dir={workdir / 'profile'}",
            # No network: no name resolves but 127.0.0.1, and no address is reachable but loopback.
            "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
            "--proxy-server=http://127.0.0.1:9",
            f"--log-net-log={netlog}",
            "--virtual-time-budget=10000",
            "--dump-dom",
            url,
        ],
        capture_output=True, text=True, timeout=180, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-4000:]
    return result.stdout, page_requests(json.loads(netlog.read_text()), url)


def page_requests(netlog: dict[str, Any], page_url: str) -> list[dict[str, Any]]:
    """The requests the page started, not the browser's own (updates, sign-in...).

    Chromium keys every request a page makes with the page's site; its own requests have
    another key, or none.
    """
    event_types = {number: name for name, number in netlog["constants"]["logEventTypes"].items()}
    site = "{0.scheme}://{0.hostname}".format(urlsplit(page_url))
    return [
        event["params"]
        for event in netlog["events"]
        if event_types[event["type"]] == "URL_REQUEST_START_JOB"
        and str(event.get("params", {}).get("network_isolation_key", "")).startswith(site)
    ]


class ClassCounter(HTMLParser):
    """Count the elements carrying a CSS class."""

    def __init__(self, css_class: str) -> None:
        super().__init__()
        self.css_class = css_class
        self.count = 0

    def handle_starttag(self, _tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        self.count += self.css_class in classes


@pytest.mark.parametrize("combination", fullest_combinations())
def test_docs_render_offline_in_chromium(deployment: Deployment, tmp_path: Path) -> None:
    assert deployment.combination["api_docs"], "the fullest combination serves API docs"
    app = deployment.app
    document = httpx.get(f"{app.base_url}/openapi.json", timeout=30).json()
    dom, requests = load_offline(f"{app.base_url}/docs", tmp_path)
    operations = sum(
        method in HTTP_METHODS for path_item in document["paths"].values() for method in path_item
    )
    counter = ClassCounter(OPERATION_PATH_CLASS)
    counter.feed(dom)
    assert operations >= 1
    assert counter.count == operations, f"{counter.count} operations shown, {operations} documented"
    assert requests, "the network log recorded none of the page's requests"
    origin = urlsplit(app.base_url).netloc
    elsewhere = [r["url"] for r in requests if urlsplit(r["url"]).netloc != origin]
    assert not elsewhere, f"/docs asked other hosts for: {elsewhere}"
    assert any(urlsplit(r["url"]).path == "/openapi.json" for r in requests), requests
