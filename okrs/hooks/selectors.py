"""Reads of the hooks app with their joins built in."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from okrs.hooks.models import Attempt, Delivery, Subscription
from okrs.org.models import Team


def team_subscriptions(team: Team) -> QuerySet[Subscription]:
    return Subscription.objects.filter(team=team).select_related("team").order_by("id")


def delivery_log(subscriptions: QuerySet[Subscription]) -> QuerySet[Delivery]:
    """Deliveries of the subscriptions, newest first, each with its attempts (two queries)."""
    return (
        Delivery.objects.filter(subscription__in=subscriptions)
        .select_related("subscription")
        .prefetch_related(Prefetch("log", queryset=Attempt.objects.order_by("at", "id")))
        .order_by("-id")
    )
