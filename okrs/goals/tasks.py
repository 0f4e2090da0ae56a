"""What a check-in that changed its key result's status tells, as a task of the worker: the
webhooks (`checkin.recorded`, `status.changed`), the team's chat channels and the inbox of the
key result's followers and owners. The check-in writes one outbox row for all of it
(`okrs.worker.outbox`), so it stays six statements whatever it changes."""

from __future__ import annotations

from django.db import transaction
from django_tasks import task

from okrs.core.pacing import Status


@task()
def tell_status_change(checkin_id: int, before: str, after: str) -> str:
    from okrs.goals.models import CheckIn
    from okrs.goals.services import status_change_side_effects

    checkin = (
        CheckIn.objects.select_related(
            "author",
            "key_result__owner",
            "key_result__objective__owner",
            "key_result__objective__period",
            "key_result__objective__team",
        )
        .filter(pk=checkin_id)
        .first()
    )
    if checkin is None:
        return "nothing to do (the check-in is gone)"
    with transaction.atomic():
        status_change_side_effects(checkin, checkin.key_result, (Status(before), Status(after)))
    return f"told: {before} → {after}"
