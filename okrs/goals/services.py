"""Writes to goals: one typed, atomic function per domain action."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from okrs.goals.models import CheckIn, CheckInSource, KeyResult


@transaction.atomic
def checkin_create(
    *,
    key_result: KeyResult,
    value: float,
    author: AbstractBaseUser | None,
    confidence: float | None = None,
    note: str = "",
    at: dt.datetime | None = None,
    source: str = CheckInSource.MANUAL,
) -> CheckIn:
    """Append a check-in to the key result's history (never overwrites an earlier one)."""
    checkin = CheckIn(
        key_result=key_result,
        value=value,
        confidence=confidence,
        note=note,
        author=author,
        at=at or timezone.now(),
        source=source,
    )
    checkin.full_clean(exclude=["key_result", "author"])
    checkin.save()
    return checkin
