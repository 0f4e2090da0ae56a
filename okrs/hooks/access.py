"""Who may see and change a team's webhooks: its leads (and site admins). Others who may read the
team get 403; those who may not read it get 404."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext

from okrs.hooks.models import Subscription
from okrs.org.access import User, can_lead_team, can_read_team, get_team_for_user
from okrs.org.models import Team


def get_team_for_webhooks(user: User, slug: str) -> Team:
    return get_team_for_user(user, slug, write=True)


def get_subscription_for_user(user: User, pk: int) -> Subscription:
    subscription = Subscription.objects.select_related("team").filter(pk=pk).first()
    if subscription is None or not can_read_team(user, subscription.team):
        raise Http404(gettext("No such webhook."))
    if not can_lead_team(user, subscription.team):
        raise PermissionDenied(gettext("Only the team's leads see and change its webhooks."))
    return subscription
