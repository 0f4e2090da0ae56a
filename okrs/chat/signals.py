"""What a team's channels hear about, as it happens: an objective proposed for review, an offer
of help (a key result's status changing is announced by `goals.services.checkin_create`).
Public things only (okrs.chat.services)."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from okrs.chat import notes
from okrs.chat.models import Topic
from okrs.chat.services import announce
from okrs.goals.models import Change, ChangeAction
from okrs.talk.models import Offer


@receiver(post_save, sender=Change, dispatch_uid="chat_review")
def change_saved(sender: Any, instance: Change, created: bool, raw: bool, **kw: Any) -> None:
    if raw or not created or instance.action != ChangeAction.PROPOSED:
        return
    objective = instance.objective
    team = objective.team
    if not notes.may_announce_review(objective):
        return
    announce(
        [t for t in (team.parent_id, team.pk) if t], Topic.REVIEW, notes.review_note(objective)
    )


@receiver(post_save, sender=Offer, dispatch_uid="chat_offer")
def offer_saved(sender: Any, instance: Offer, created: bool, raw: bool, **kw: Any) -> None:
    if raw or not created:
        return
    note = notes.offer_note(instance)
    if note is not None:
        announce([instance.team_id], Topic.OFFER, note)
