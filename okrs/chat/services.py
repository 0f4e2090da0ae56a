"""Connecting chat channels and queueing what goes there. Only what anyone may read on the site
is ever posted (a chat channel's readers are not known): nothing of a private team, a private
objective or a draft, except an objective of a public team waiting for its parent team's review,
which the reviewing team's channels hear about (title and link only)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from okrs.chat.models import Channel, Kind, Message, MessageState, Topic
from okrs.core import chat
from okrs.hooks.addresses import AddressRefused, check_url
from okrs.org.access import can_lead_team
from okrs.org.models import Team, Visibility

# The hosts each kind's webhooks live on are not enforced (Mattermost and Matrix are
# self-hosted); the address check is the same as webhooks'.


def channel_create(
    *, lead: AbstractBaseUser, team: Team, name: str, kind: str, url: str, topics: Iterable[str]
) -> Channel:
    if not can_lead_team(lead, team):
        raise PermissionDenied(_("Only the team's leads may connect chat channels."))
    if team.visibility != Visibility.PUBLIC:
        raise ValidationError(
            _("A private team's OKRs stay on the site: chat channels are for public teams.")
        )
    if kind not in Kind.values:
        raise ValidationError({"kind": _("Choose Slack, Mattermost, Discord or Matrix.")})
    chosen = sorted(set(topics))
    unknown = [t for t in chosen if t not in Topic.values]
    if unknown or not chosen:
        raise ValidationError({"topics": _("Choose at least one of the listed topics.")})
    try:
        check_url(url)
    except AddressRefused as exc:
        raise ValidationError({"url": _("The address %(reason)s") % {"reason": exc}}) from exc
    return Channel.objects.create(
        team=team,
        name=name.strip()[:100] or kind,
        kind=kind,
        url=url,
        topics=chosen,
        created_by=lead if lead.is_authenticated else None,
    )


def channel_delete(*, lead: AbstractBaseUser, channel: Channel) -> None:
    if not can_lead_team(lead, channel.team):
        raise PermissionDenied(_("Only the team's leads may disconnect chat channels."))
    channel.delete()


def announce(team_ids: Iterable[int], topic: str, note: chat.Note) -> int:
    """Queue `note` for the active channels of `team_ids` that chose `topic`; sent by the worker
    after commit. Returns how many messages were queued (one query when nobody listens)."""
    channels = [
        c for c in Channel.objects.filter(team_id__in=list(team_ids), active=True)
        if topic in c.topics
    ]  # fmt: skip
    if not channels:
        return 0
    messages = Message.objects.bulk_create(
        Message(channel=c, topic=topic, body=chat.render(c.kind, note)) for c in channels
    )
    ids = [m.pk for m in messages]
    transaction.on_commit(lambda: enqueue(ids))
    return len(ids)


def enqueue(ids: list[int]) -> None:
    from okrs.chat.tasks import deliver_chat_message

    for pk in ids:
        deliver_chat_message.enqueue(pk)


def site_link(path: str) -> str:
    return settings.OKRS_SITE_URL.rstrip("/") + path


def due_ids(now: dt.datetime, before: dt.datetime, limit: int = 500) -> list[int]:
    return list(
        Message.objects.filter(state=MessageState.PENDING, next_attempt_at__lte=before)
        .order_by("next_attempt_at", "id")
        .values_list("pk", flat=True)[:limit]
    )


def now() -> dt.datetime:
    return timezone.now()
