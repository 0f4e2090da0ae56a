"""Who is calling: a personal access token (`Authorization: Bearer okrs_…`), else the browser
session (CSRF checked on unsafe methods), else an anonymous reader.

Tokens are rate limited per token in fixed windows counted in the shared cache
(okrs.security.limits); the limit answers 429 with `Retry-After`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer
from ninja.utils import check_csrf

from okrs.api.errors import ApiError
from okrs.api.models import AccessToken
from okrs.api.tokens import hash_token, looks_like_token
from okrs.security.limits import over_limit

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class ApiAuth(HttpBearer):
    """Always answers a user (possibly anonymous); a bad token is refused, never downgraded."""

    openapi_bearerFormat = "okrs_…"

    def __call__(self, request: HttpRequest) -> Any:
        header = request.headers.get("Authorization", "")
        request.api_token = None  # type: ignore[attr-defined]
        if header:
            scheme, _, raw = header.partition(" ")
            if scheme.lower() != "bearer" or not raw.strip():
                raise ApiError(401, "unauthenticated", "Use `Authorization: Bearer okrs_…`.")
            return self.authenticate(request, raw.strip())
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            if request.method not in SAFE_METHODS and check_csrf(request) is not None:
                raise ApiError(
                    403, "csrf_failed", "CSRF check failed: send the X-CSRFToken header."
                )
            return user
        return AnonymousUser()

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = _find(token) if looks_like_token(token) else None
        if found is None or not found.person.is_active:
            raise ApiError(401, "invalid_token", "The access token is unknown or revoked.")
        _check_rate(found)
        if found.okrs_stale:  # type: ignore[attr-defined]
            _touch(found)
        request.api_token = found  # type: ignore[attr-defined]
        request.user = found.person
        return found.person


TOUCH_EVERY = dt.timedelta(seconds=60)


def _find(raw: str) -> AccessToken | None:
    """The unrevoked token with this hash and its person, in one query; `okrs_stale` says whether
    its use is to be recorded."""
    found = (
        AccessToken.objects.select_related("person")
        .filter(token_hash=hash_token(raw), revoked_at__isnull=True)
        .first()
    )
    if found is not None:
        used = found.last_used_at
        found.okrs_stale = used is None or used < timezone.now() - TOUCH_EVERY  # type: ignore[attr-defined]
    return found


def _check_rate(token: AccessToken) -> None:
    limit: int = settings.OKRS_API_RATE_LIMIT
    window: int = settings.OKRS_API_RATE_WINDOW
    wait = over_limit(group="api-token", key=str(token.pk), limit=limit, window=window)
    if wait is not None:
        raise ApiError(
            429,
            "rate_limited",
            f"More than {limit} requests in {window} seconds with this token; retry later.",
            headers={"Retry-After": str(wait)},
        )


def _touch(token: AccessToken) -> None:
    """Record use; called at most once a minute per token (`okrs_stale`), so reads do not turn
    into writes on every call."""
    AccessToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())


def require_write(request: HttpRequest) -> Any:
    """The calling user if they may write at all (signed in, not through a read-only token)."""
    user = request.auth  # type: ignore[attr-defined]
    if not user.is_authenticated:
        raise ApiError(401, "unauthenticated", "Sign in or send an access token to write.")
    token = getattr(request, "api_token", None)
    if token is not None and token.read_only:
        raise ApiError(403, "read_only_token", "This access token is read-only.")
    return user
