"""Talk to a built Lambda function over HTTP: an httpx transport that turns each request into an
API Gateway event (REST API payload 1.0 or HTTP API payload 2.0), hands it to the function
running in its own interpreter (tests/support/lambda_driver.py), and turns the answer back into
an HTTP response. The contract checks (tests/support/contract.py) then run unchanged over it.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal
from urllib.parse import parse_qsl

import httpx

from tests.support import contract
from tests.support.sam import Function

DRIVER = Path(__file__).with_name("lambda_driver.py")
PayloadVersion = Literal["1.0", "2.0"]
BASE_URL = "https://lambda.example.com"  # API Gateway speaks HTTPS: Secure cookies are sent back
SOURCE_IP = "203.0.113.9"  # the client's address, as API Gateway reports it


class LambdaFunction:
    """One cold-started instance of a function: its artifact imported by `python -I -S -B`
    (nothing else importable, and no byte-code written: Lambda's code folder is read-only)."""

    def __init__(self, python: Path, function: Function, env: Mapping[str, str]) -> None:
        artifact = function.artifact
        # As the Lambda runtime sets them; the app's code sees it runs on Lambda.
        lambda_env = {
            "AWS_LAMBDA_FUNCTION_NAME": "scaffold-test",
            "LAMBDA_TASK_ROOT": str(artifact),
        }
        self.process = subprocess.Popen(
            [str(python), "-I", "-S", "-B", str(DRIVER),
             os.pathsep.join(map(str, function.path)), function.handler],
            cwd=artifact,
            env={**env, **lambda_env},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        self.import_s = float(self._answer()["import_s"])

    def _answer(self) -> dict[str, Any]:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            self.process.kill()
            _, stderr = self.process.communicate(timeout=30)
            raise AssertionError(f"the function exited:\n{stderr[-5000:]}")
        answer: dict[str, Any] = json.loads(line)
        if "error" in answer:
            raise AssertionError(f"the handler raised:\n{answer['error']}")
        return answer

    def invoke(self, event: Mapping[str, Any]) -> Any:
        """Send one event; return what the handler returned."""
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps(event) + "\n")
        self.process.stdin.flush()
        return self._answer()["response"]

    def close(self) -> str:
        """End the instance; return what it wrote on stderr."""
        _, stderr = self.process.communicate(timeout=60)
        return stderr

    def __enter__(self) -> LambdaFunction:
        return self

    def __exit__(self, *_: object) -> None:
        if self.process.poll() is None:
            self.close()


def forwarded_headers(request: httpx.Request) -> dict[str, str]:
    """What API Gateway adds to every request's headers, in both payload versions: the client's
    address, and the port and scheme it was reached on (WSGI adapters read the scheme there)."""
    return {
        "x-forwarded-for": SOURCE_IP,
        "x-forwarded-port": str(request.url.port or 443),
        "x-forwarded-proto": request.url.scheme,
    }


def api_gateway_event(request: httpx.Request, version: PayloadVersion) -> dict[str, Any]:
    """The event API Gateway sends a Lambda proxy integration for this request."""
    # What reaches the function: the client's headers and API Gateway's (the request is unchanged).
    gateway_headers = request.headers.copy()
    for name, value in forwarded_headers(request).items():
        gateway_headers.setdefault(name, value)
    body = request.read()
    try:
        text, is_base64 = body.decode(), False
    except UnicodeDecodeError:
        text, is_base64 = base64.b64encode(body).decode(), True
    path = request.url.path
    query = parse_qsl(request.url.query.decode(), keep_blank_values=True)
    context = {"requestId": str(uuid.uuid4()), "stage": "$default", "domainName": request.url.host}
    if version == "1.0":
        headers: dict[str, list[str]] = {}
        for name, value in gateway_headers.multi_items():
            headers.setdefault(name, []).append(value)
        multi_query: dict[str, list[str]] = {}
        for name, value in query:
            multi_query.setdefault(name, []).append(value)
        return {
            "version": "1.0",
            "resource": "/{proxy+}",
            "path": path,
            "httpMethod": request.method,
            "headers": {name: values[-1] for name, values in headers.items()},
            "multiValueHeaders": headers,
            "queryStringParameters": {k: v[-1] for k, v in multi_query.items()} or None,
            "multiValueQueryStringParameters": multi_query or None,
            "pathParameters": {"proxy": path.lstrip("/")},
            "stageVariables": None,
            "requestContext": {
                **context,
                "resourcePath": "/{proxy+}",
                "httpMethod": request.method,
                "path": path,
                "identity": {"sourceIp": SOURCE_IP},
            },
            "body": text or None,
            "isBase64Encoded": is_base64,
        }
    cookies = [c.strip() for c in gateway_headers.get("cookie", "").split(";") if c.strip()]
    return {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": request.url.query.decode(),
        # HTTP API joins repeated headers with commas and hands cookies apart.
        "headers": {
            name: ",".join(gateway_headers.get_list(name))
            for name in gateway_headers
            if name != "cookie"
        },
        **({"cookies": cookies} if cookies else {}),
        "requestContext": {
            **context,
            "routeKey": "$default",
            "http": {
                "method": request.method,
                "path": path,
                "protocol": "HTTP/1.1",
                "sourceIp": SOURCE_IP,
                "userAgent": gateway_headers.get("user-agent", ""),
            },
        },
        "body": text or None,
        "isBase64Encoded": is_base64,
    }


def http_response(
    answer: Mapping[str, Any], version: PayloadVersion, method: str = "GET"
) -> httpx.Response:
    """The HTTP response API Gateway sends back for the function's answer (with no body to a
    HEAD request, whatever the function returned: HTTP allows none there)."""
    headers: list[tuple[str, str]] = []
    multi = answer.get("multiValueHeaders") or {}
    for name, value in (answer.get("headers") or {}).items():
        if name not in multi:
            headers.append((name, value))
    for name, values in multi.items():
        headers.extend((name, value) for value in values)
    if version == "2.0":
        headers.extend(("set-cookie", cookie) for cookie in answer.get("cookies") or [])
    body = answer.get("body") or ""
    content = base64.b64decode(body) if answer.get("isBase64Encoded") else body.encode()
    if method == "HEAD":
        content = b""
    return httpx.Response(answer["statusCode"], headers=headers, content=content)


class ApiGatewayTransport(httpx.BaseTransport):
    """Send each request to the function as an API Gateway event of one payload version."""

    def __init__(self, function: LambdaFunction, version: PayloadVersion) -> None:
        self.function = function
        self.version = version

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        answer = self.function.invoke(api_gateway_event(request, self.version))
        response = http_response(answer, self.version, request.method)
        response.request = request
        return response


def api_gateway_client(function: LambdaFunction, version: PayloadVersion) -> httpx.Client:
    """An HTTP client whose requests reach the function through API Gateway events, sending
    what a browser on the API's site would."""
    client = httpx.Client(transport=ApiGatewayTransport(function, version), base_url=BASE_URL)
    contract.send_origin_as_a_browser(client, "https")
    return client
