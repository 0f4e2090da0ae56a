"""Turn saved work packets into webhook events (queued in the outbox). Check-ins and objectives
queue theirs from their services (`okrs.hooks.events`)."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from okrs.heartbeats.models import WorkPacket
from okrs.hooks.models import Event, Subscription
from okrs.hooks.services import emit


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
