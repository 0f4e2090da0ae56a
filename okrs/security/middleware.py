"""Small middlewares: a Content Security Policy on every answer, a 400 for a NUL character in the
address, and a clean 503 while the database is away (the next request reconnects:
CONN_HEALTH_CHECKS is on)."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

from okrs.api.errors import error_json

log = logging.getLogger(__name__)

# Scripts and style sheets only from okrs itself: no inline <script>, no event-handler attributes,
# no <style> elements. The one exception is `style="…"` attributes (style-src-attr): the progress
# bars set their width and the expected-progress mark inline (web/_progress.html), a value
# computed per row that a class cannot carry. Attributes cannot run script.
DEFAULT_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; "
    "style-src-attr 'unsafe-inline'; script-src 'self'; frame-ancestors 'none'; "
    "base-uri 'self'; form-action 'self'"
)

RETRY_AFTER_SECONDS = 5


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.policy: str = getattr(settings, "OKRS_CONTENT_SECURITY_POLICY", DEFAULT_POLICY)

        self._providers: object = None
        self._with_providers = self.policy

    def _policy(self) -> str:
        """The policy, its form-action widened to the sign-in providers configured (the log-in
        buttons post to okrs, which redirects to the provider: browsers check that redirect
        against form-action). Worked out again only when the providers setting changes."""
        providers = getattr(settings, "SOCIALACCOUNT_PROVIDERS", None)
        if providers is not self._providers:
            from okrs.accounts.config import provider_origins

            self._providers = providers
            origins = " ".join(provider_origins(providers or {}))
            policy = self.policy
            if origins and "form-action 'self'" in policy:
                policy = policy.replace("form-action 'self'", f"form-action 'self' {origins}")
            self._with_providers = policy
        return self._with_providers

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = self._policy()
        return response


class NulCharacterMiddleware:
    """A NUL character in the address (path or query) answers 400 before any view runs:
    PostgreSQL refuses NUL in text, so a search or filter holding one would otherwise end in a
    500. (Form fields refuse NUL themselves: Django's ProhibitNullCharactersValidator.)"""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        query = request.GET
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in query.getlist(key)) for key in query
        ):
            message = "The address holds a NUL character (%00), which no page accepts."
            if request.path.startswith("/api/"):
                return error_json(400, "bad_request", message)
            return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


class DatabaseUnavailableMiddleware:
    """A lost or refused database connection answers 503 with Retry-After (JSON for the API),
    never a 500 page; the broken connection is dropped so the next request opens a new one."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        if isinstance(exception, OperationalError) and not _looks_like_outage(exception):
            return None
        log.warning("database unavailable: %s", exception)
        _drop_broken_connections()
        return unavailable_response(request)


def _looks_like_outage(exc: Exception) -> bool:
    """SQLite's 'database is locked' and PostgreSQL's lost connections are outages; a malformed
    query (also an OperationalError on SQLite) is a bug and stays a 500."""
    text = str(exc).lower()
    words = (
        "locked", "connection", "terminat", "server closed", "could not connect", "unable to open",
        "shutdown", "shutting down", "closed", "timeout", "timed out", "disk i/o",
    )  # fmt: skip
    return any(word in text for word in words)


def _drop_broken_connections() -> None:
    from django.db import connections

    for conn in connections.all(initialized_only=True):
        if conn.in_atomic_block:  # its owner rolls back (a test, or ATOMIC_REQUESTS)
            continue
        try:
            conn.close()
        except Exception:  # the connection is gone already
            conn.connection = None


def unavailable_response(request: HttpRequest) -> HttpResponse:
    message = "The database is unavailable for a moment. Please try again in a few seconds."
    if request.path.startswith("/api/"):
        response: HttpResponse = error_json(503, "unavailable", message)
    else:
        html = render_to_string("security/503.html", {"message": message})
        response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
