"""Middleware of the project: the probes, JSON errors under /api, and HSTS on every response."""

from collections.abc import Callable
from typing import Any

from asgiref.sync import iscoroutinefunction, sync_to_async
from django.conf import settings
from django.http import HttpRequest, HttpResponseBase, JsonResponse
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.middleware.security import SecurityMiddleware
from django.urls import Resolver404, resolve
from django.utils.decorators import sync_and_async_middleware
from django.utils.deprecation import MiddlewareMixin

# The URL names (config/urls.py) of the liveness and readiness views.
PROBES = frozenset({"health", "ready"})

# Headers that describe the body: the JSON one brings its own.
BODY_HEADERS = frozenset({"content-type", "content-length"})


class JsonApiErrorsMiddleware(MiddlewareMixin):
    """Answer every error under /api as JSON `{"detail": ...}`.

    Django Ninja answers its own errors in JSON, but Django answers unknown URLs (404), wrong
    methods (405), oversized bodies (400) and errors outside the API's views (500) with HTML
    or plain text. Outermost, so it sees them all.
    """

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        """Replace a non-JSON error response under /api by its JSON equivalent."""
        is_api = request.path == "/api" or request.path.startswith("/api/")
        if not is_api or response.status_code < 400:
            return response
        if response.get("Content-Type", "").startswith("application/json"):
            return response
        json_response = JsonResponse(
            {"detail": response.reason_phrase}, status=response.status_code
        )
        # Keep what the other middleware added: security headers, Allow, cookies...
        for header, value in response.items():
            if header.lower() not in BODY_HEADERS:
                json_response[header] = value
        json_response.cookies = response.cookies
        return json_response


class StrictTransportSecurityMiddleware(MiddlewareMixin):
    """Send HSTS on every response, once SECURE_HSTS_SECONDS is set (production).

    SecurityMiddleware sends it only on requests it sees as HTTPS, so never behind a proxy
    that terminates TLS without saying so in X-Forwarded-Proto. Browsers ignore the header on
    plain HTTP (RFC 6797, section 8.1): sending it always is safe.
    """

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        """Add the Strict-Transport-Security header, unless the response has one."""
        if settings.SECURE_HSTS_SECONDS and "Strict-Transport-Security" not in response:
            value = f"max-age={settings.SECURE_HSTS_SECONDS}"
            if settings.SECURE_HSTS_INCLUDE_SUBDOMAINS:
                value += "; includeSubDomains"
            if settings.SECURE_HSTS_PRELOAD:
                value += "; preload"
            response["Strict-Transport-Security"] = value
        return response


def probe_view(request: HttpRequest) -> Callable[..., Any] | None:
    """The view of a probe's URL (config/urls.py), or None for every other request."""
    if not request.path_info.startswith("/health"):
        return None
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    return match.func if match.url_name in PROBES else None


@sync_and_async_middleware
def probes_middleware(
    get_response: Callable[[HttpRequest], Any],
) -> Callable[[HttpRequest], Any]:
    """Answer /health and /health/ready before the rest of the stack, first in MIDDLEWARE.

    Platforms probe every instance every few seconds, by its own address: answering here skips
    the Host check (ALLOWED_HOSTS names the public host names, not the instance's address), the
    HTTPS redirect, and, under ASGI, the thread each of Django's sync middleware runs in. The
    responses still get the headers every response gets, from the same middleware classes.
    """
    add_headers = [
        middleware(get_response).process_response
        for middleware in (
            SecurityMiddleware,
            StrictTransportSecurityMiddleware,
            XFrameOptionsMiddleware,
        )
    ]

    def finish(request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        for add in add_headers:  # headers only: no I/O, safe inside the event loop
            response = add(request, response)
        return response

    if iscoroutinefunction(get_response):

        async def async_middleware(request: HttpRequest) -> HttpResponseBase:
            view = probe_view(request)
            if view is None:
                return await get_response(request)
            response = view(request) if iscoroutinefunction(view) else sync_to_async(view)(request)
            return finish(request, await response)

        return async_middleware

    def middleware(request: HttpRequest) -> HttpResponseBase:
        view = probe_view(request)
        if view is None:
            return get_response(request)
        return finish(request, view(request))

    return middleware
