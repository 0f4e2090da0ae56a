"""A team's chat channels page (its leads only). Thin: access, then the service."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from okrs.chat.forms import ChannelForm
from okrs.chat.models import Channel, Message
from okrs.chat.services import channel_create, channel_delete
from okrs.org.access import get_team_for_user


def masked(url: str) -> str:
    """A webhook URL holds its secret in the path: only the scheme and host are shown."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname}/…"


def channels(request: HttpRequest, slug: str) -> HttpResponse:
    team = get_team_for_user(request.user, slug, write=True)
    form = ChannelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            channel_create(lead=request.user, team=team, **form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items() if hasattr(exc, "error_dict") else []:
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
            if not hasattr(exc, "error_dict"):
                for error in exc.messages:
                    form.add_error(None, error)
        else:
            messages.success(request, _("Channel connected."))
            return redirect("chat:channels", slug=team.slug)
    team_channels = list(Channel.objects.filter(team=team))
    for channel in team_channels:
        channel.shown_url = masked(channel.url)  # type: ignore[attr-defined]
    recent = Message.objects.filter(channel__team=team).select_related("channel")[:20]
    return render(
        request,
        "chat/channels.html",
        {
            "team": team,
            "form": form,
            "channels": team_channels,
            "recent": recent,
            "title": _("Chat channels of %(team)s") % {"team": team.name},
        },
    )


@require_POST
def channel_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    team = get_team_for_user(request.user, slug, write=True)
    channel_delete(lead=request.user, channel=get_object_or_404(Channel, pk=pk, team=team))
    messages.success(request, _("Channel disconnected."))
    return redirect("chat:channels", slug=team.slug)
