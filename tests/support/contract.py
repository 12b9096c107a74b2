"""The HTTP contract every generated app meets, checked over real HTTP (docs/contract.md).

Written once for all frameworks: each check takes a client bound to a running app and the
answers the project was generated with, and uses nothing but HTTP.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

import httpx
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect as websocket_connect

from tests.support.frameworks import framework

Answers = dict[str, Any]
Check = Callable[[httpx.Client, Answers], None]
CHECKS: dict[str, Check] = {}
PASSWORD = "contract test passphrase 42"


def check(function: Check) -> Check:
    """Register a contract check under its name."""
    CHECKS[function.__name__] = function
    return function


def applicable_checks(answers: Answers) -> dict[str, Check]:
    """Return the checks that apply to a project with these answers."""
    needs = {
        "items_": answers["database"] != "none",
        "auth_": answers["auth"] != "none",
        "jwt_": answers["auth"] == "jwt",
        "session_": answers["auth"] == "session",
        # The WebSocket broadcast at /ws, of the frameworks built for real time (docs/contract.md).
        "ws_": framework(answers["framework"]).realtime,
    }
    return {
        name: function
        for name, function in CHECKS.items()
        if all(needed for prefix, needed in needs.items() if name.startswith(prefix))
    }


def json_error(response: httpx.Response, status: int) -> Any:
    """Assert an error response: this status, and a JSON body with a `detail`."""
    assert response.status_code == status, (response.status_code, response.text[:300])
    assert response.headers["content-type"].startswith("application/json"), response.headers
    body = response.json()
    assert "detail" in body, body
    return body["detail"]


# --- users -----------------------------------------------------------------------------------


def new_credentials() -> dict[str, str]:
    """Credentials of a user no other check uses."""
    return {"email": f"contract-{uuid.uuid4().hex[:12]}@example.com", "password": PASSWORD}


def send_origin_as_a_browser(client: httpx.Client, scheme: str) -> None:
    """Name the page's origin (`scheme://host`) on the client's unsafe requests, as browsers do.

    Over HTTPS, a CSRF check may want it (Django's compares it with the request's host).
    """

    def name_origin(request: httpx.Request) -> None:
        if request.method not in {"GET", "HEAD", "OPTIONS"}:
            request.headers["Origin"] = f"{scheme}://{request.headers['host']}"

    client.event_hooks["request"].append(name_origin)


def csrf_header(client: httpx.Client) -> dict[str, str]:
    """Fetch the session's CSRF token; return it as the header to send."""
    response = client.get("/api/auth/csrf")
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) >= {"csrf_token", "header_name"}, body
    return {body["header_name"]: body["csrf_token"]}


def register(client: httpx.Client, answers: Answers, credentials: dict[str, str]) -> Any:
    """Register a user; return the response body."""
    headers = csrf_header(client) if answers["auth"] == "session" else {}
    response = client.post("/api/auth/register", json=credentials, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def log_in(client: httpx.Client, answers: Answers, credentials: dict[str, str]) -> None:
    """Log the client in: a bearer token, or a session cookie plus its CSRF header."""
    if answers["auth"] == "jwt":
        response = client.post("/api/auth/token", json=credentials)
        assert response.status_code == 200, response.text
        client.headers["Authorization"] = f"Bearer {response.json()['access_token']}"
    else:
        response = client.post("/api/auth/login", json=credentials, headers=csrf_header(client))
        assert response.status_code == 200, response.text
        client.headers.update(csrf_header(client))


def logged_in(client: httpx.Client, answers: Answers) -> dict[str, str]:
    """Register a new user and log the client in as that user; return the credentials."""
    credentials = new_credentials()
    register(client, answers, credentials)
    log_in(client, answers, credentials)
    return credentials


def ready_for_items(client: httpx.Client, answers: Answers) -> None:
    """Prepare the client to use /api/items: logged in when the project has auth."""
    if answers["auth"] != "none":
        logged_in(client, answers)


# --- always ----------------------------------------------------------------------------------


@check
def health(client: httpx.Client, answers: Answers) -> None:
    response = client.get("/health")
    assert response.status_code == 200, response.text
    assert response.json() == {"status": "ok"}  # liveness: nothing about the database
    head = client.head("/health")
    assert head.status_code == 200, head.text
    assert head.content == b""


@check
def health_ready(client: httpx.Client, answers: Answers) -> None:
    response = client.get("/health/ready")
    assert response.status_code == 200, response.text
    expected = {"status": "ok"}
    if answers["database"] != "none":
        expected["database"] = "ok"  # the app is served on a migrated database
    assert response.json() == expected


@check
def home_page(client: httpx.Client, answers: Answers) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert answers["project_name"] in response.text


@check
def hello(client: httpx.Client, answers: Answers) -> None:
    assert client.get("/api/hello").json() == {"message": "Hello, World!"}
    response = client.get("/api/hello", params={"name": "Ada"})
    assert response.status_code == 200
    assert response.json() == {"message": "Hello, Ada!"}
    assert client.get("/api/hello", params={"name": "a" * 100}).status_code == 200
    json_error(client.get("/api/hello", params={"name": "a" * 101}), 422)


@check
def api_errors_are_json(client: httpx.Client, answers: Answers) -> None:
    json_error(client.get("/api/no-such-route"), 404)
    json_error(client.put("/api/hello"), 405)
    json_error(client.delete("/api/hello"), 405)


@check
def security_headers(client: httpx.Client, answers: Answers) -> None:
    for path in ("/health", "/", "/api/hello"):
        headers = client.get(path).headers
        assert headers.get("x-content-type-options") == "nosniff", (path, headers)
        assert headers.get("x-frame-options") == "DENY", (path, headers)
        assert headers.get("referrer-policy"), (path, headers)


@check
def api_docs(client: httpx.Client, answers: Answers) -> None:
    if not answers["api_docs"]:
        assert client.get("/openapi.json").status_code == 404
        assert client.get("/docs", follow_redirects=True).status_code == 404
        return
    response = client.get("/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert str(document["openapi"]).startswith("3."), document.get("openapi")
    documented = {re.sub(r"\{[^}]+\}", "{id}", path.rstrip("/")) for path in document["paths"]}
    assert expected_api_paths(answers) <= documented, expected_api_paths(answers) - documented
    docs = client.get("/docs", follow_redirects=True)
    assert docs.status_code == 200
    assert docs.headers["content-type"].startswith("text/html")
    external = re.findall(r"""(?:src|href)\s*=\s*["']((?:https?:)?//[^"']+)""", docs.text)
    assert not external, f"/docs loads from other hosts: {external}"


def expected_api_paths(answers: Answers) -> set[str]:
    """The /api paths the project must serve (path parameters written `{id}`)."""
    paths = {"/api/hello"}
    if answers["database"] != "none":
        paths |= {"/api/items", "/api/items/{id}"}
    if answers["auth"] != "none":
        paths |= {"/api/auth/register", "/api/auth/me"}
    if answers["auth"] == "jwt":
        paths |= {"/api/auth/token"}
    if answers["auth"] == "session":
        paths |= {"/api/auth/csrf", "/api/auth/login", "/api/auth/logout"}
    return paths


# --- items -----------------------------------------------------------------------------------


def create_item(client: httpx.Client, **fields: Any) -> Any:
    response = client.post("/api/items", json={"name": "Widget", **fields})
    assert response.status_code == 201, response.text
    return response.json()


@check
def items_create_and_read(client: httpx.Client, answers: Answers) -> None:
    ready_for_items(client, answers)
    item = create_item(client, description="A small one")
    assert set(item) == {"id", "name", "description", "created_at", "owner_id"}, item
    assert (item["name"], item["description"]) == ("Widget", "A small one")
    datetime.fromisoformat(item["created_at"].replace("Z", "+00:00"))
    if answers["auth"] == "none":
        assert item["owner_id"] is None
    else:
        assert item["owner_id"] == client.get("/api/auth/me").json()["id"]
    assert create_item(client)["description"] is None
    response = client.get(f"/api/items/{item['id']}")
    assert response.status_code == 200
    assert response.json() == item


@check
def items_create_refuses_invalid_input(client: httpx.Client, answers: Answers) -> None:
    ready_for_items(client, answers)
    for body in (
        {},
        {"name": ""},
        {"name": None},
        {"name": "x" * 101},
        {"name": 42},
        {"name": "Widget", "description": "x" * 1001},
        ["not", "an", "object"],
    ):
        json_error(client.post("/api/items", json=body), 422)
    malformed = client.post(
        "/api/items", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    json_error(malformed, 422)
    assert client.post("/api/items", json={"name": "x" * 100}).status_code == 201
    longest = {"name": "x", "description": "y" * 1000}
    assert client.post("/api/items", json=longest).status_code == 201


@check
def items_list_pages(client: httpx.Client, answers: Answers) -> None:
    ready_for_items(client, answers)
    before = client.get("/api/items").json()["total"]
    ids = [create_item(client, name=f"Item {n}")["id"] for n in range(3)]
    page = client.get("/api/items", params={"limit": 100}).json()
    assert set(page) == {"items", "total"}
    assert page["total"] == before + 3
    assert [item["id"] for item in page["items"]][-3:] == ids
    page = client.get("/api/items", params={"limit": 2, "offset": before + 1}).json()
    assert [item["id"] for item in page["items"]] == ids[1:]
    assert len(client.get("/api/items", params={"limit": 1}).json()["items"]) == 1
    for params in ({"limit": 0}, {"limit": 101}, {"limit": "ten"}, {"offset": -1}):
        json_error(client.get("/api/items", params=params), 422)


@check
def items_update_and_delete(client: httpx.Client, answers: Answers) -> None:
    ready_for_items(client, answers)
    item = create_item(client, description="Before")
    path = f"/api/items/{item['id']}"
    response = client.patch(path, json={"name": "Renamed"})
    assert response.status_code == 200, response.text
    assert response.json() == {**item, "name": "Renamed"}
    response = client.patch(path, json={"description": None})
    assert response.json() == {**item, "name": "Renamed", "description": None}
    for body in ({"name": None}, {"name": ""}, {"description": "x" * 1001}):
        json_error(client.patch(path, json=body), 422)
    response = client.delete(path)
    assert response.status_code == 204
    assert response.content == b""
    json_error(client.get(path), 404)


@check
def items_unknown_id_is_404(client: httpx.Client, answers: Answers) -> None:
    ready_for_items(client, answers)
    for method in ("GET", "PATCH", "DELETE"):
        json_error(client.request(method, "/api/items/987654", json={"name": "x"}), 404)


# --- auth ------------------------------------------------------------------------------------


@check
def auth_register(client: httpx.Client, answers: Answers) -> None:
    credentials = new_credentials()
    user = register(client, answers, credentials)
    assert set(user) == {"id", "email"}, user
    assert user["email"] == credentials["email"]
    headers = csrf_header(client) if answers["auth"] == "session" else {}
    duplicate = client.post("/api/auth/register", json=credentials, headers=headers)
    json_error(duplicate, 409)
    for body in (
        {"email": "not-an-email", "password": PASSWORD},
        {"email": new_credentials()["email"], "password": "short"},
        {"email": new_credentials()["email"], "password": "x" * 129},
        {"email": new_credentials()["email"]},
    ):
        json_error(client.post("/api/auth/register", json=body, headers=headers), 422)


@check
def auth_me(client: httpx.Client, answers: Answers) -> None:
    json_error(client.get("/api/auth/me"), 401)
    credentials = logged_in(client, answers)
    response = client.get("/api/auth/me")
    assert response.status_code == 200
    assert set(response.json()) == {"id", "email"}
    assert response.json()["email"] == credentials["email"]


@check
def auth_items_need_credentials(client: httpx.Client, answers: Answers) -> None:
    headers = csrf_header(client) if answers["auth"] == "session" else {}
    for method, path in (
        ("GET", "/api/items"),
        ("POST", "/api/items"),
        ("GET", "/api/items/1"),
        ("PATCH", "/api/items/1"),
        ("DELETE", "/api/items/1"),
    ):
        json_error(client.request(method, path, json={"name": "x"}, headers=headers), 401)


@check
def auth_users_see_only_their_own_items(client: httpx.Client, answers: Answers) -> None:
    alice, bob = new_credentials(), new_credentials()
    register(client, answers, alice)
    register(client, answers, bob)
    log_in(client, answers, alice)
    alices = create_item(client, name="Alice's")
    log_in(client, answers, bob)
    assert client.get("/api/items").json() == {"items": [], "total": 0}
    create_item(client, name="Bob's")
    page = client.get("/api/items").json()
    assert (page["total"], [item["name"] for item in page["items"]]) == (1, ["Bob's"])
    for method in ("GET", "PATCH", "DELETE"):
        json_error(client.request(method, f"/api/items/{alices['id']}", json={"name": "x"}), 404)
    log_in(client, answers, alice)
    assert client.get(f"/api/items/{alices['id']}").json() == alices


@check
def jwt_token(client: httpx.Client, answers: Answers) -> None:
    credentials = new_credentials()
    register(client, answers, credentials)
    response = client.post("/api/auth/token", json=credentials)
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"access_token", "token_type", "expires_in"}, body
    assert body["token_type"] == "bearer"
    assert 0 < body["expires_in"] <= 3600
    me = client.get("/api/auth/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.status_code == 200
    wrong = client.post("/api/auth/token", json={**credentials, "password": "wrong password"})
    json_error(wrong, 401)
    unknown = client.post("/api/auth/token", json=new_credentials())
    json_error(unknown, 401)


@check
def jwt_bad_tokens_are_401_with_a_bearer_challenge(client: httpx.Client, answers: Answers) -> None:
    logged_in(client, answers)
    token = client.headers.pop("Authorization").removeprefix("Bearer ")
    header, payload, signature = token.split(".")
    for value in (
        None,
        "Bearer not-a-token",
        f"Bearer {header}.{payload}.{signature[::-1]}",
        f"Bearer {header}.{payload}.",
        f"Basic {token}",
    ):
        headers = {"Authorization": value} if value else {}
        response = client.get("/api/auth/me", headers=headers)
        json_error(response, 401)
        assert response.headers.get("www-authenticate", "").startswith("Bearer"), value


@check
def session_login_logout(client: httpx.Client, answers: Answers) -> None:
    credentials = new_credentials()
    register(client, answers, credentials)
    wrong = client.post(
        "/api/auth/login", json={**credentials, "password": "wrong password"},
        headers=csrf_header(client),
    )  # fmt: skip
    json_error(wrong, 401)
    before = dict(client.cookies)
    log_in(client, answers, credentials)
    assert dict(client.cookies) != before, "the session cookie did not change at login"
    assert client.get("/api/auth/me").status_code == 200
    stolen = httpx.Cookies(client.cookies)
    response = client.post("/api/auth/logout")
    assert response.status_code == 204, response.text
    json_error(client.get("/api/auth/me"), 401)
    client.cookies = stolen
    json_error(client.get("/api/auth/me"), 401)


@check
def session_csrf_is_required(client: httpx.Client, answers: Answers) -> None:
    credentials = new_credentials()
    register(client, answers, credentials)
    log_in(client, answers, credentials)
    header_name = next(iter(csrf_header(client)))
    token = client.headers.pop(header_name)
    for method, path in (("POST", "/api/items"), ("POST", "/api/auth/logout")):
        json_error(client.request(method, path, json={"name": "x"}), 403)
        headers = {header_name: token[::-1]}
        json_error(client.request(method, path, json={"name": "x"}, headers=headers), 403)
    assert client.get("/api/auth/me").status_code == 200


# --- real time -------------------------------------------------------------------------------


@check
def ws_broadcast(client: httpx.Client, answers: Answers) -> None:
    url = str(client.base_url.copy_with(scheme="ws", path="/ws"))
    with websocket_connect(url, open_timeout=10) as alice, websocket_connect(url) as bob:
        alice.send("hello from the contract check")
        assert alice.recv(timeout=10) == "hello from the contract check"
        assert bob.recv(timeout=10) == "hello from the contract check"
        bob.send("and back")
        assert alice.recv(timeout=10) == "and back"
    try:
        websocket_connect(url, origin="https://evil.example.com", open_timeout=10).close()
    except InvalidStatus as refusal:
        assert refusal.response.status_code == 403
    else:
        raise AssertionError("/ws accepted a browser from an untrusted Origin")
