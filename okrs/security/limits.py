"""The one rate limiter: django-ratelimit's fixed windows counted in the shared cache (the
database by default, Redis when configured: settings.CACHES), so every worker process counts
against the same limit. Used by the API (per token) and by comments and offers (per person)."""

from __future__ import annotations

from django.http import HttpRequest
from django_ratelimit.core import get_usage


def over_limit(
    *, group: str, key: str, limit: int, window: int, request: HttpRequest | None = None
) -> int | None:
    """Count one use of `group` by `key`: the seconds to wait when that is more than `limit` in
    the current window of `window` seconds, else None (no limit when `limit` is 0 or less)."""
    if limit <= 0:
        return None
    usage = get_usage(
        request,
        group=group,
        key=lambda _group, _request: key,
        rate=f"{limit}/{window}s",
        increment=True,
    )
    if usage is None or not usage["should_limit"]:
        return None
    return max(1, int(usage["time_left"]))
