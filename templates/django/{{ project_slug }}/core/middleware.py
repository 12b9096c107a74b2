"""Middleware of the project: JSON errors under /api, and HSTS on every response."""

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase, JsonResponse
from django.utils.deprecation import MiddlewareMixin

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
