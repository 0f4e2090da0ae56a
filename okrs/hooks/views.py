"""The team's webhooks page: subscriptions and the delivery log, for the team's leads."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from okrs.hooks import services
from okrs.hooks.access import get_subscription_for_user, get_team_for_webhooks
from okrs.hooks.models import Event
from okrs.hooks.selectors import delivery_log, team_subscriptions
from okrs.labels import Labelled
from okrs.security.forms import CheckedValues

LOG_SIZE = 50


class SubscriptionForm(Labelled, CheckedValues, forms.Form):
    url = forms.URLField(max_length=500, assume_scheme="https")
    events = forms.MultipleChoiceField(
        choices=Event.choices, widget=forms.CheckboxSelectMultiple, initial=Event.values
    )


@require_http_methods(["GET", "POST"])
def webhooks(request: HttpRequest, slug: str) -> HttpResponse:
    team = get_team_for_webhooks(request.user, slug)
    form = SubscriptionForm(request.POST or None)
    secret = None
    if request.method == "POST" and form.is_valid():
        try:
            subscription = services.subscription_create(
                team=team,
                url=form.cleaned_data["url"],
                events=form.cleaned_data["events"],
                created_by=request.user,  # type: ignore[arg-type]
            )
            secret = subscription.secret
            form = SubscriptionForm()
        except ValidationError as exc:
            form.add_error(None, exc)
    subscriptions = team_subscriptions(team)
    deliveries = list(delivery_log(subscriptions)[:LOG_SIZE])
    context = {
        "team": team,
        "form": form,
        "subscriptions": subscriptions,
        "deliveries": deliveries,
        "secret": secret,
        "title": gettext("Webhooks of %(team)s") % {"team": team},
    }
    return render(request, "hooks/webhooks.html", context)


@require_POST
def delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    subscription = get_subscription_for_user(request.user, pk)
    services.subscription_delete(subscription=subscription)
    return redirect("hooks:webhooks", slug=subscription.team.slug)
