"""Status changes on what people own or follow become notifications, after the change commits
(so the writes of other apps pay nothing inside their transactions)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from okrs.goals import models as goals_models
from okrs.heartbeats.models import EventKind, PacketEvent, RasciRole

# The objective history (goals.Change) records state changes: proposed, approved, published…
Change = getattr(goals_models, "Change", None)
STATE_ACTIONS = {
    "proposed",
    "changes_requested",
    "approved",
    "published",
    "archived",
    "restored",
}


@receiver(post_save, sender=goals_models.CheckIn, dispatch_uid="talk_key_result_status")
def key_result_checked_in(sender: Any, instance: Any, created: bool, **_: Any) -> None:
    if created:
        transaction.on_commit(lambda: _key_result_status(instance.pk))


@receiver(post_save, sender=PacketEvent, dispatch_uid="talk_packet_status")
def packet_status_changed(sender: Any, instance: PacketEvent, created: bool, **_: Any) -> None:
    if not created or instance.kind != EventKind.STATUS:
        return
    transaction.on_commit(lambda: _packet_status(instance.pk))


def objective_state_changed(sender: Any, instance: Any, created: bool, **_: Any) -> None:
    if not created or instance.action not in STATE_ACTIONS or instance.key_result_id:
        return
    transaction.on_commit(lambda: _objective_state(instance.pk))


if Change is not None:
    post_save.connect(objective_state_changed, sender=Change, dispatch_uid="talk_objective_state")


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


def _key_result_status(checkin_id: int) -> None:
    from okrs.goals.selectors import status_change_of
    from okrs.talk.services import notify_status_change

    checkin = (
        goals_models.CheckIn.objects.select_related(
            "author", "key_result__owner", "key_result__objective__owner"
        )
        .filter(pk=checkin_id)
        .first()
    )
    change = status_change_of(checkin) if checkin is not None else None
    if checkin is None or change is None:
        return
    key_result = checkin.key_result
    before, after = change
    notify_status_change(
        target=key_result,
        actor=checkin.author,
        what=f"{before.label} → {after.label}",
        owners=[key_result.owner, key_result.objective.owner],
    )


def _objective_state(change_id: int) -> None:
    from okrs.talk.services import notify_status_change

    assert Change is not None
    change = (
        Change.objects.select_related("objective__team", "objective__owner", "actor")
        .filter(pk=change_id)
        .first()
    )
    if change is None:
        return
    objective = change.objective
    notify_status_change(
        target=objective,
        actor=change.actor,
        what=change.get_action_display().lower(),
        owners=[objective.owner],
    )
