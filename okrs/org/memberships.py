"""Writes to cohort memberships: people join and leave a cohort on a day, and an ended
membership is kept, so that a measure of a closed period counts the cohort as it was then."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone

from okrs.org.models import Cohort, CohortMembership


@transaction.atomic
def cohort_join(
    *, cohort: Cohort, person: AbstractBaseUser, on: dt.date | None = None
) -> CohortMembership:
    """`person` is in `cohort` from `on` (default: today); a current membership is kept as it
    is (its start does not move)."""
    membership, _ = CohortMembership.objects.get_or_create(
        cohort=cohort,
        user_id=person.pk,
        ended_on=None,
        defaults={"started_on": on or timezone.localdate()},
    )
    return membership


@transaction.atomic
def cohort_leave(
    *, person: AbstractBaseUser, cohort: Cohort | None = None, on: dt.date | None = None
) -> int:
    """End `person`'s current membership of `cohort` (of every cohort for None) on `on`
    (default: today): not a member from that day on, the row kept. Returns how many ended."""
    day = on or timezone.localdate()
    current = CohortMembership.objects.filter(user_id=person.pk, ended_on__isnull=True)
    if cohort is not None:
        current = current.filter(cohort=cohort)
    # a membership due to start after `day` ends where it starts: it never was
    return current.update(
        ended_on=Case(When(started_on__gt=day, then=F("started_on")), default=Value(day))
    )
