"""Webhook events of the goals' and packets' writes, queued in the outbox by the services that
make them.

The services call these inside their transaction (`okrs.hooks.services.emit` writes the delivery
rows there and sends them after commit, as worker tasks); nothing goes through `post_save`, so
one save can never fan out unseen (reordering objectives notifies nobody).
"""

from __future__ import annotations

from typing import Any

from okrs.core.pacing import Status
from okrs.goals.models import CheckIn, KeyResult, Objective
from okrs.heartbeats.models import WorkPacket
from okrs.hooks.models import Event, Subscription
from okrs.hooks.services import emit


def _checkin_payload(checkin: CheckIn, kr: KeyResult) -> dict[str, Any]:
    return {
        "key_result": {"id": kr.pk, "code": kr.code, "title": kr.title},
        "objective": {"id": kr.objective_id, "title": kr.objective.title},
        "checkin": {
            "id": checkin.pk,
            "value": checkin.value,
            "confidence": checkin.confidence,
            "note": checkin.note,
            "at": checkin.at.isoformat(),
            "author": checkin.author.get_username() if checkin.author_id else None,
            "source": checkin.source,
        },
    }


def _status_payload(
    checkin: CheckIn, kr: KeyResult, change: tuple[Status, Status] | None
) -> dict[str, Any] | None:
    if change is None:
        return None
    return {
        "key_result": {"id": kr.pk, "code": kr.code, "title": kr.title},
        "objective": {"id": kr.objective_id, "title": kr.objective.title},
        "from": change[0].value,
        "to": change[1].value,
        "checkin": checkin.pk,
    }


def checkin_recorded(
    checkin: CheckIn, key_result: KeyResult, change: tuple[Status, Status] | None
) -> None:
    """`checkin.recorded`, and `status.changed` when the check-in changed the KR's status."""
    emit(
        subscriptions=Subscription.objects.filter(team_id=key_result.objective.team_id),
        events={
            Event.CHECKIN_RECORDED: lambda: _checkin_payload(checkin, key_result),
            Event.STATUS_CHANGED: lambda: _status_payload(checkin, key_result, change),
        },
    )


def _objective_payload(objective: Objective) -> dict[str, Any]:
    return {
        "id": objective.pk,
        "code": objective.code,
        "title": objective.title,
        "period": objective.period.slug,
        "state": objective.state,
        "visibility": objective.visibility,
        "commitment": objective.commitment,
    }


def objective_changed(objective: Objective, *, created: bool = False) -> None:
    """`objective.created` or `objective.changed` (not for a move in the team's list)."""
    event = Event.OBJECTIVE_CREATED if created else Event.OBJECTIVE_CHANGED
    emit(
        subscriptions=Subscription.objects.filter(team_id=objective.team_id),
        events={event: lambda: _objective_payload(objective)},
    )


def _packet_payload(packet: WorkPacket) -> dict[str, Any]:
    return {
        "id": packet.pk,
        "title": packet.title,
        "status": packet.status,
        "heartbeat": packet.heartbeat_id,
        "due": packet.due.isoformat() if packet.due else None,
        "external_url": packet.external_url,
    }


def packet_changed(packet: WorkPacket) -> None:
    """`packet.changed`: a work packet was created or one of its fields changed."""
    emit(
        subscriptions=Subscription.objects.filter(team_id=packet.team_id),
        events={Event.PACKET_CHANGED: lambda: _packet_payload(packet)},
    )
