"""Writes of the hooks app: subscriptions, and the deliveries that events put in the outbox."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext

from okrs.hooks.addresses import AddressRefused, check_url
from okrs.hooks.models import Delivery, Event, Subscription
from okrs.org.models import Team


@transaction.atomic
def subscription_create(
    *, team: Team, url: str, events: Iterable[str], created_by: AbstractBaseUser | None
) -> Subscription:
    wanted = sorted(set(events))
    unknown = [e for e in wanted if e not in Event.values]
    if not wanted or unknown:
        raise ValidationError(
            {
                "events": gettext("Choose among %(events)s; got %(got)s.")
                % {
                    "events": ", ".join(Event.values),
                    "got": ", ".join(sorted(unknown)) if unknown else gettext("none"),
                }
            }
        )
    subscription = Subscription(
        team=team,
        url=url,
        events=wanted,
        secret=secrets.token_urlsafe(32),
        created_by=created_by,
    )
    subscription.full_clean(exclude=["created_by"])
    try:
        check_url(subscription.url)
    except AddressRefused as exc:
        raise ValidationError({"url": str(exc)}) from None
    subscription.save()
    return subscription


@transaction.atomic
def subscription_delete(*, subscription: Subscription) -> None:
    subscription.delete()


def emit(*, subscriptions: QuerySet[Subscription], events: dict[str, Callable[[], Any]]) -> int:
    """Queue each event in `events` for the active subscriptions listening to it; returns how
    many deliveries were queued. One query when nobody listens.

    The delivery rows are written in the caller's transaction (an outbox): they exist exactly when
    the change they report was committed. Sending starts only after commit, as tasks of the worker.
    `events` maps an event name to a function building its payload (None: nothing to report),
    called only when someone listens.
    """
    # in key order: the model's ordering (by team) would join the team table on every check-in
    listeners = list(subscriptions.filter(active=True).order_by("pk"))
    deliveries = []
    for event, build in events.items():
        wanted = [s for s in listeners if event in s.events]
        payload = build() if wanted else None
        if payload is not None:
            deliveries += [Delivery(subscription=s, event=event, payload=payload) for s in wanted]
    if not deliveries:
        return 0
    Delivery.objects.bulk_create(deliveries)
    transaction.on_commit(lambda: enqueue_deliveries([d.pk for d in deliveries]))
    return len(deliveries)


def enqueue_deliveries(ids: list[int]) -> None:
    """One worker task per delivery (after commit: the worker must see the rows)."""
    from okrs.hooks.tasks import deliver_webhook

    for pk in ids:
        deliver_webhook.enqueue(pk)
