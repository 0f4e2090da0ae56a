"""Turn saved check-ins, objectives and packets into webhook events (queued in the outbox)."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from okrs.goals.models import CheckIn, Objective
from okrs.goals.selectors import status_change_of
from okrs.heartbeats.models import WorkPacket
from okrs.hooks.models import Event, Subscription
from okrs.hooks.services import emit


def _checkin_payload(checkin: CheckIn) -> dict[str, Any]:
    kr = checkin.key_result
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


def _status_payload(checkin: CheckIn) -> dict[str, Any] | None:
    """The KR's status before and after this check-in (`goals.selectors.status_change_of`, as
    the notifications judge it), or None when it did not change."""
    change = status_change_of(checkin)
    if change is None:
        return None
    kr = checkin.key_result
    return {
        "key_result": {"id": kr.pk, "code": kr.code, "title": kr.title},
        "objective": {"id": kr.objective_id, "title": kr.objective.title},
        "from": change[0].value,
        "to": change[1].value,
        "checkin": checkin.pk,
    }


@receiver(post_save, sender=CheckIn, dispatch_uid="hooks_checkin")
def checkin_saved(sender: Any, instance: CheckIn, created: bool, raw: bool, **kw: Any) -> None:
    if raw or not created:
        return
    emit(
        subscriptions=Subscription.objects.filter(
            team__objectives__key_results=instance.key_result_id
        ),
        events={
            Event.CHECKIN_RECORDED: lambda: _checkin_payload(instance),
            Event.STATUS_CHANGED: lambda: _status_payload(instance),
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


@receiver(post_save, sender=Objective, dispatch_uid="hooks_objective")
def objective_saved(sender: Any, instance: Objective, created: bool, raw: bool, **kw: Any) -> None:
    if raw:
        return
    event = Event.OBJECTIVE_CREATED if created else Event.OBJECTIVE_CHANGED
    emit(
        subscriptions=Subscription.objects.filter(team_id=instance.team_id),
        events={event: lambda: _objective_payload(instance)},
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


@receiver(post_save, sender=WorkPacket, dispatch_uid="hooks_packet")
def packet_saved(sender: Any, instance: WorkPacket, created: bool, raw: bool, **kw: Any) -> None:
    if raw:
        return
    emit(
        subscriptions=Subscription.objects.filter(team_id=instance.team_id),
        events={Event.PACKET_CHANGED: lambda: _packet_payload(instance)},
    )
