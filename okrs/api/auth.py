"""Who is calling: a personal access token (`Authorization: Bearer okrs_…`), else the browser
session (CSRF checked on unsafe methods), else an anonymous reader.

Tokens are rate limited per token in fixed windows counted in the shared cache
(okrs.security.limits); the limit answers 429 with `Retry-After`.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer
from ninja.utils import check_csrf

from okrs.api.errors import ApiError
from okrs.api.models import AccessToken
from okrs.api.tokens import hash_token, looks_like_token
from okrs.security.limits import over_limit
from okrs.sqlread import converters_of, from_row

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


@functools.cache
def _find_sql(vendor: str) -> tuple[str, list[str], list[tuple[int, Any, list[Any]]]]:
    """The query of `_find`, the person's field names in its column order, and the converters
    the ORM would apply to them (`okrs.sqlread.converters_of`)."""
    q = connection.ops.quote_name
    token, person = AccessToken._meta, get_user_model()._meta
    fields = person.concrete_fields
    columns = ", ".join(f"u.{q(field.column)}" for field in fields)
    sql = (
        f"SELECT {columns}, t.{q('id')}, t.{q('read_only')},"
        f" CASE WHEN t.{q('last_used_at')} IS NULL OR t.{q('last_used_at')} < %s THEN 1 ELSE 0"
        f" END FROM {q(token.db_table)} t"
        f" JOIN {q(person.db_table)} u ON u.{q(person.pk.column)} = t.{q('person_id')}"
        f" WHERE t.{q('token_hash')} = %s AND t.{q('revoked_at')} IS NULL"
    )
    return sql, [field.attname for field in fields], converters_of(fields)


def _find(raw: str) -> AccessToken | None:
    """The unrevoked token with this hash and its person, in one query; `okrs_stale` says whether
    its use is to be recorded. Written as SQL (once per process), the person made as the ORM
    makes a row (`Model.from_db`, the ORM's converters): compiling the same ORM query
    (`select_related("person")`) cost 0.3 ms a request, and a raw queryset most of that still."""
    sql, names, converters = _find_sql(connection.vendor)
    stale_before = connection.ops.adapt_datetimefield_value(timezone.now() - TOUCH_EVERY)
    with connection.cursor() as cursor:
        cursor.execute(sql, [stale_before, hash_token(raw)])
        row = cursor.fetchone()
    if row is None:
        return None
    person = from_row(get_user_model(), names, converters, list(row[: len(names)]))
    token_id, read_only, stale = row[len(names) :]
    found = AccessToken(id=token_id, person=person, read_only=bool(read_only))
    found.okrs_stale = bool(stale)  # type: ignore[attr-defined]
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
