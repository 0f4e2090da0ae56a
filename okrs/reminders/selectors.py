"""Reads for reminders and digests, with their joins built in."""

from __future__ import annotations

import datetime as dt

from django.db.models import Max, QuerySet

from okrs.goals.access import visible_key_results
from okrs.goals.models import CheckIn, KeyResult, MeasureKind, ObjectiveState
from okrs.org.access import User
from okrs.org.models import Membership, Role


def tracked_key_results(today: dt.date) -> QuerySet[KeyResult]:
    """Manual KRs with an owner, of published objectives in a period running today; each with the
    time of its last recorded check-in (`last_recorded`) and its reminder state."""
    return (
        KeyResult.objects.filter(
            measure_kind=MeasureKind.MANUAL,
            owner__isnull=False,
            owner__is_active=True,
            objective__state=ObjectiveState.PUBLISHED,
            objective__period__start__lte=today,
            objective__period__end__gte=today,
        )
        .select_related("owner", "objective__team", "objective__period", "reminder_state")
        .annotate(last_recorded=Max("checkins__recorded_at"))
        .order_by("owner_id", "objective__team__name", "objective__order", "order", "id")
    )


def readable_by(user: User, key_results: QuerySet[KeyResult]) -> QuerySet[KeyResult]:
    """Only the key results `user` may read (through the goals access rules)."""
    return key_results.filter(pk__in=visible_key_results(user).values("pk"))


def team_leads() -> QuerySet[Membership]:
    return (
        Membership.objects.filter(role=Role.LEAD, person__is_active=True)
        .exclude(person__email="")
        .select_related("person", "team")
        .order_by("team_id", "person_id")
    )


def recent_checkins(key_result_ids: list[int], since: dt.datetime) -> QuerySet[CheckIn]:
    return (
        CheckIn.objects.filter(key_result_id__in=key_result_ids, recorded_at__gte=since)
        .select_related("key_result", "author")
        .order_by("key_result_id", "recorded_at", "id")
    )
