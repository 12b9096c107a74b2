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
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from websockets.sync.client import connect

from tests.support import contract
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


# --- an unsafe request through Swagger UI --------------------------------------------------------

# Runs in the /docs page: fetch the session's CSRF token, "Authorize" with it as Swagger UI's
# dialog would, then register a user through the page's own form: open the operation, "Try it
# out", fill in the body, "Execute". Returns the status Swagger UI shows.
REGISTER_THROUGH_SWAGGER_UI = """
(async () => {
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  const until = async (find) => {
    for (let i = 0; i < 300; i++) {
      const found = find();
      if (found) return found;
      await sleep(50);
    }
    throw new Error("timed out waiting for " + find);
  };
  const csrf = await (await fetch("/api/auth/csrf")).json();
  ui.preauthorizeApiKey(SCHEME, csrf.csrf_token);
  // Swagger UI re-renders as its state changes: look the operation up afresh every time.
  const block = () => document
    .querySelector('.opblock-post .opblock-summary-path[data-path="/api/auth/register"]')
    .closest(".opblock");
  // Open it as its deep link does (#/<tag>/<operationId>), through Swagger UI's layout.
  const [, tag, operationId] = block().querySelector(".opblock-summary-path a")
    .getAttribute("href").split("/");
  ui.layoutActions.show(["operations", tag, operationId], true);
  (await until(() => block().querySelector(".try-out__btn"))).click();
  const body = await until(() => block().querySelector("textarea.body-param__text"));
  const setValue = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, "value").set;
  setValue.call(body, JSON.stringify(CREDENTIALS));
  body.dispatchEvent(new Event("input", { bubbles: true }));
  await sleep(200);
  (await until(() => block().querySelector(".execute"))).click();
  const status = await until(() =>
    block().querySelector(".live-responses-table .response .response-col_status"));
  return status.textContent.trim();
})()
"""


@contextmanager
def devtools(workdir: Path) -> Iterator[Callable[..., Any]]:
    """Headless Chromium, offline as in `load_offline`, driven over the DevTools protocol.

    Yields `call(method, **params)`: send one command to the page, return its result.
    """
    process = subprocess.Popen(
        [
            chromium_command(),
            "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--disable-quic",
            f"--user-data-dir={workdir / 'profile'}",
            "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
            "--proxy-server=http://127.0.0.1:9",
            "--remote-debugging-port=0",
            "about:blank",
        ],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert process.stderr is not None
        browser = next(
            (urlsplit(line.split()[-1]) for line in process.stderr
             if line.startswith("DevTools listening on ")),
            None,
        )  # fmt: skip
        assert browser is not None, "Chromium did not open its DevTools port"
        pages = httpx.get(f"http://{browser.netloc}/json/list", timeout=30).json()
        page = next(target for target in pages if target["type"] == "page")
        with connect(page["webSocketDebuggerUrl"], max_size=None, open_timeout=30) as socket:
            ids = iter(range(1, 1_000_000))

            def call(method: str, **params: Any) -> Any:
                number = next(ids)
                socket.send(json.dumps({"id": number, "method": method, "params": params}))
                while True:  # events in between are skipped
                    message = json.loads(socket.recv(timeout=60))
                    if message.get("id") == number:
                        assert "error" not in message, message
                        return message["result"]

            yield call
    finally:
        process.terminate()
        process.wait(timeout=30)
        if process.stderr is not None:
            process.stderr.close()


@pytest.mark.parametrize(
    "combination", fullest_combinations(lambda c: c["auth"] == "session" and c["api_docs"])
)
def test_swagger_ui_sends_the_csrf_header_on_an_unsafe_request(
    deployment: Deployment, tmp_path: Path
) -> None:
    app = deployment.app
    document = httpx.get(f"{app.base_url}/openapi.json", timeout=30).json()
    # The scheme an unsafe operation declares for the CSRF header, whatever its name.
    csrf_schemes = [
        name
        for name, scheme in document["components"]["securitySchemes"].items()
        if scheme.get("in") == "header" and scheme.get("type") == "apiKey"
    ]
    assert len(csrf_schemes) == 1, document["components"]["securitySchemes"]
    credentials = contract.new_credentials()
    script = REGISTER_THROUGH_SWAGGER_UI.replace("SCHEME", json.dumps(csrf_schemes[0]))
    script = script.replace("CREDENTIALS", json.dumps(credentials))
    with devtools(tmp_path) as call:
        call("Page.navigate", url=f"{app.base_url}/docs")
        # `ui` is the page's Swagger UI: wait until it has rendered the operations.
        rendered = "typeof ui !== 'undefined' && !!document.querySelector('.opblock')"
        deadline = time.monotonic() + 60
        while not call("Runtime.evaluate", expression=rendered)["result"].get("value"):
            assert time.monotonic() < deadline, "Swagger UI did not render"
            time.sleep(0.2)
        result = call("Runtime.evaluate", expression=script, awaitPromise=True, returnByValue=True)
    assert result["result"].get("value") == "201", result
    # The user exists: registering again through the API is a conflict.
    with httpx.Client(base_url=app.base_url, timeout=30) as client:
        headers = contract.csrf_header(client)
        response = client.post("/api/auth/register", json=credentials, headers=headers)
    assert response.status_code == 409, response.text
