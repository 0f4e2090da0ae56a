"""Throttling of log-in attempts: after too many failures for a username from one address (or
from one address over all usernames) within a window, further attempts are refused unchecked."""

from __future__ import annotations

import datetime as dt
import math

from django.conf import settings
from django.utils import timezone

from okrs.web.models import LoginFailure

WINDOW = dt.timedelta(minutes=15)


def _limits() -> tuple[int, int]:
    per_user = getattr(settings, "OKRS_LOGIN_FAILURES_PER_USER", 5)
    per_ip = getattr(settings, "OKRS_LOGIN_FAILURES_PER_IP", 50)
    return per_user, per_ip


def _key(username: str) -> str:
    return username.strip().lower()[:150]


def wait_seconds(*, username: str, ip: str | None) -> int:
    """Seconds until `username` may try again from `ip`; 0 when not throttled."""
    since = timezone.now() - WINDOW
    per_user, per_ip = _limits()
    recent = LoginFailure.objects.filter(at__gte=since)
    for failures, limit in (
        (recent.filter(username=_key(username), ip=ip), per_user),
        (recent.filter(ip=ip), per_ip),
    ):
        times = list(failures.order_by("-at").values_list("at", flat=True)[:limit])
        if len(times) >= limit:
            free_at = times[-1] + WINDOW
            return max(1, math.ceil((free_at - timezone.now()).total_seconds()))
    return 0


def record_failure(*, username: str, ip: str | None) -> None:
    LoginFailure.objects.create(username=_key(username), ip=ip)


def clear(*, username: str, ip: str | None) -> None:
    """A successful log-in forgets the user's failures from that address."""
    LoginFailure.objects.filter(username=_key(username), ip=ip).delete()
