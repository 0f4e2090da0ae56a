"""Publish the quarter: the post `okrs publish` writes (okrs.documents.publish), previewed in
Markdown, Discourse and HTML with copy and download buttons, and posted as a reply to the
period's Discourse topic where one is linked and the forum is configured.

Anyone may read the post (it holds the public objectives only); posting it is for site admins
and the leads of a top-level team (those who set periods up), or the chosen team's leads."""

from __future__ import annotations

import httpx
import nh3
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from okrs.documents.publish import build_post
from okrs.documents.publish import render as render_post
from okrs.goals.models import Period
from okrs.org.access import can_lead_team, visible_teams
from okrs.talk.models import ForumTopic
from okrs.talk.services import mirroring_enabled
from okrs.web.menus import can_create_period

FORMATS = {
    "markdown": ("Markdown", "md"),
    "discourse": ("Discourse", "md"),
    "html": ("HTML", "html"),
}
TIMEOUT = httpx.Timeout(15.0, connect=5.0)
TRANSPORT: httpx.BaseTransport | None = None  # tests put a mock transport here


@require_http_methods(["GET", "POST"])
def publish(request: HttpRequest, slug: str) -> HttpResponse:
    period = get_object_or_404(Period, slug=slug)
    team = None
    if request.GET.get("team"):
        team = get_object_or_404(visible_teams(request.user), slug=request.GET["team"])
    fmt = request.GET.get("format", "discourse")
    if fmt not in FORMATS:
        fmt = "discourse"
    post = build_post(period, team=team)
    texts = {name: render_post(post, name) for name in FORMATS}
    may_post = can_create_period(request.user) or (
        team is not None and can_lead_team(request.user, team)
    )
    topic = ForumTopic.objects.filter(period=period).first()
    if request.method == "POST":
        if not request.user.is_authenticated or not may_post:
            raise PermissionDenied(
                gettext(
                    "Posting the quarter is for site admins, the leads of a top-level team, or"
                    " the chosen team's leads."
                )
            )
        return _post_to_forum(request, period, topic, texts["discourse"])
    if request.GET.get("download") == "1":
        response = HttpResponse(texts[fmt], content_type="text/plain; charset=utf-8")
        name = f"okrs-{period.slug}{'-' + team.slug if team else ''}.{FORMATS[fmt][1]}"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    return render(
        request,
        "web/publish.html",
        {
            "period": period,
            "team": team,
            "format": fmt,
            "formats": [(name, label) for name, (label, _) in FORMATS.items()],
            "text": texts[fmt],
            "preview": mark_safe(nh3.clean(texts["html"])),
            "topic": topic,
            "may_post": may_post and topic is not None and mirroring_enabled(),
            "why_not": _why_not(may_post, topic),
            "title": gettext("Publish %(period)s") % {"period": period},
        },
    )


def _why_not(may_post: bool, topic: ForumTopic | None) -> str:
    if not may_post:
        return ""
    if topic is None:
        return gettext("Link the period's Discourse topic (admin: Forum topics) to post it there.")
    if not mirroring_enabled():
        return "Set OKRS_DISCOURSE_URL and OKRS_DISCOURSE_API_KEY to post to Discourse."
    return ""


def _post_to_forum(
    request: HttpRequest, period: Period, topic: ForumTopic | None, raw: str
) -> HttpResponse:
    back = redirect(request.get_full_path())
    if topic is None or not mirroring_enabled():
        messages.error(request, _why_not(True, topic))
        return back
    headers = {
        "Api-Key": settings.OKRS_DISCOURSE_API_KEY,
        "Api-Username": getattr(settings, "OKRS_DISCOURSE_API_USERNAME", "system"),
        "Accept": "application/json",
    }
    url = settings.OKRS_DISCOURSE_URL.rstrip("/") + "/posts.json"
    try:
        with httpx.Client(headers=headers, timeout=TIMEOUT, transport=TRANSPORT) as client:
            response = client.post(url, json={"topic_id": topic.topic_id, "raw": raw})
    except httpx.HTTPError as exc:
        messages.error(
            request,
            gettext("The forum could not be reached (%(__name__)s).")
            % {"__name__": type(exc).__name__},
        )
        return back
    if response.status_code >= 300:
        messages.error(
            request,
            gettext("The forum refused the post (HTTP %(status_code)s).")
            % {"status_code": response.status_code},
        )
        return back
    messages.success(
        request,
        gettext("Posted to the Discourse topic of %(period)s: %(topic)s")
        % {"period": period, "topic": topic.url},
    )
    return back
