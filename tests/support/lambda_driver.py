"""Drive a generated project's AWS Lambda handler with API Gateway events.

Run by the generator's tests with a project as the working directory, in a process of its own
(every project has a top-level `handler` and `app`): `python lambda_driver.py ANSWERS_JSON`.
Prints one JSON object: for each payload version, the status of each step.
"""

from __future__ import annotations

import base64
import json
import sys
import uuid
from typing import Any
from urllib.parse import urlencode

sys.path.insert(0, ".")

from handler import handler  # noqa: E402  (the project's own module, found from its directory)


def rest_api_event(
    method: str, path: str, query: dict[str, str], body: Any, headers: dict[str, str]
) -> dict[str, Any]:
    """An API Gateway REST API event (payload format 1.0)."""
    return {
        "resource": "/{proxy+}",
        "path": path,
        "httpMethod": method,
        "headers": {"Content-Type": "application/json", **headers},
        # API Gateway sends each header and query parameter in both forms.
        "multiValueHeaders": {
            name: [value] for name, value in {"Content-Type": "application/json", **headers}.items()
        },
        "queryStringParameters": query or None,
        "multiValueQueryStringParameters": {name: [value] for name, value in query.items()} or None,
        "pathParameters": {"proxy": path.lstrip("/")},
        "stageVariables": None,
        "requestContext": {
            "resourcePath": "/{proxy+}",
            "httpMethod": method,
            "path": f"/prod{path}",
            "stage": "prod",
            "requestId": str(uuid.uuid4()),
            "identity": {"sourceIp": "203.0.113.9"},
        },
        "body": json.dumps(body) if body is not None else None,
        "isBase64Encoded": False,
    }


def http_api_event(
    method: str, path: str, query: dict[str, str], body: Any, headers: dict[str, str]
) -> dict[str, Any]:
    """An API Gateway HTTP API event (payload format 2.0)."""
    return {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": urlencode(query),
        "headers": {
            "content-type": "application/json",
            **{k.lower(): v for k, v in headers.items()},
        },
        "requestContext": {
            "http": {
                "method": method,
                "path": path,
                "protocol": "HTTP/1.1",
                "sourceIp": "203.0.113.9",
            },
            "routeKey": "$default",
            "stage": "$default",
            "requestId": str(uuid.uuid4()),
        },
        "body": json.dumps(body) if body is not None else None,
        "isBase64Encoded": False,
    }


class Context:
    """The attributes of Lambda's context object that adapters read."""

    function_name = "scaffold-test"
    aws_request_id = "scaffold-test"
    memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:eu-west-1:123456789012:function:scaffold-test"


class LambdaClient:
    """Send requests as API Gateway events, keeping cookies like a browser."""

    def __init__(self, make_event: Any) -> None:
        self.make_event = make_event
        self.cookies: dict[str, str] = {}
        self.headers: dict[str, str] = {}

    def request(
        self, method: str, path: str, body: Any = None, query: dict[str, str] | None = None
    ) -> tuple[int, Any]:
        headers = dict(self.headers)
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        response = handler(self.make_event(method, path, query or {}, body, headers), Context())
        lowered = {k.lower(): v for k, v in (response.get("headers") or {}).items()}
        multi = {k.lower(): v for k, v in (response.get("multiValueHeaders") or {}).items()}
        set_cookies = [*response.get("cookies", []), *multi.get("set-cookie", [])]
        if "set-cookie" in lowered:
            set_cookies.append(lowered["set-cookie"])
        for cookie in set_cookies:
            name, _, value = cookie.split(";")[0].partition("=")
            self.cookies[name.strip()] = value.strip()
        text = response.get("body") or ""
        if response.get("isBase64Encoded"):
            text = base64.b64decode(text).decode()
        try:
            return response["statusCode"], json.loads(text) if text else None
        except json.JSONDecodeError:
            return response["statusCode"], text


def scenario(client: LambdaClient, answers: dict[str, Any]) -> dict[str, int]:
    """Health, then a valid and an invalid request; logged in first when the project has auth."""
    steps = {"health": client.request("GET", "/health")[0]}
    if answers["database"] == "none":
        steps["valid"] = client.request("GET", "/api/hello")[0]
        steps["invalid"] = client.request("GET", "/api/hello", query={"name": "x" * 101})[0]
        return steps
    if answers["auth"] != "none":
        credentials = {"email": f"lambda-{uuid.uuid4().hex[:10]}@example.com",
                       "password": "lambda test passphrase 42"}  # fmt: skip
        if answers["auth"] == "session":
            _, csrf = client.request("GET", "/api/auth/csrf")
            client.headers[csrf["header_name"]] = csrf["csrf_token"]
        steps["register"] = client.request("POST", "/api/auth/register", credentials)[0]
        if answers["auth"] == "jwt":
            status, token = client.request("POST", "/api/auth/token", credentials)
            steps["log_in"] = status
            client.headers["Authorization"] = f"Bearer {token['access_token']}"
        else:
            steps["log_in"] = client.request("POST", "/api/auth/login", credentials)[0]
            _, csrf = client.request("GET", "/api/auth/csrf")
            client.headers[csrf["header_name"]] = csrf["csrf_token"]
    steps["valid"] = client.request("POST", "/api/items", {"name": "Widget"})[0]
    steps["invalid"] = client.request("POST", "/api/items", {"name": ""})[0]
    return steps


def main() -> None:
    answers = json.loads(sys.argv[1])
    results = {
        "rest-api-v1": scenario(LambdaClient(rest_api_event), answers),
        "http-api-v2": scenario(LambdaClient(http_api_event), answers),
    }
    sys.stdout.write(json.dumps(results) + "\n")


if __name__ == "__main__":
    main()
