"""Status changes of work packets become notifications, after the change commits. Key results
and objectives notify from their services (`okrs.goals.services`), in their transaction."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from okrs.heartbeats.models import EventKind, PacketEvent, RasciRole


@receiver(post_save, sender=PacketEvent, dispatch_uid="talk_packet_status")
def packet_status_changed(sender: Any, instance: PacketEvent, created: bool, **_: Any) -> None:
    if not created or instance.kind != EventKind.STATUS:
        return
    transaction.on_commit(lambda: _packet_status(instance.pk))


def _packet_status(event_id: int) -> None:
    from okrs.talk.services import notify_status_change

    event = PacketEvent.objects.select_related("packet__team", "actor").filter(pk=event_id).first()
    if event is None:
        return
    packet = event.packet
    owners = [
        role.person
        for role in packet.roles.select_related("person").filter(
            role__in=[RasciRole.RESPONSIBLE, RasciRole.ACCOUNTABLE]
        )
    ]
    labels = dict(type(packet)._meta.get_field("status").choices)
    what = f"moved to {labels.get(event.to_status, event.to_status)}"
    notify_status_change(target=packet, actor=event.actor, what=what, owners=owners)
