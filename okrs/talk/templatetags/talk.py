"""`{% talk_discussion target %}` puts a target's discussion on a page with one line;
`{% talk_overview board %}` shows the newest talk and interest on the period overview."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from okrs.goals.access import visible_objectives
from okrs.goals.models import ObjectiveState
from okrs.talk import markdown, selectors

register = template.Library()


@register.inclusion_tag("talk/_discussion.html", takes_context=True)
def talk_discussion(context: template.Context, target: Any) -> dict[str, Any]:
    request = context["request"]
    return {
        "talk": selectors.discussion(request.user, target),
        "request": request,
        "user": request.user,
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("talk/_overview.html", takes_context=True)
def talk_overview(context: template.Context, board: Any) -> dict[str, Any]:
    request = context["request"]
    period = getattr(board, "period", None)
    # the most interest across the whole visible period, not only the page of teams shown
    interest = (
        selectors.top_interest(
            visible_objectives(request.user)
            .filter(period=period)
            .exclude(state=ObjectiveState.ARCHIVED),
            limit=8,
        )
        if period is not None
        else []
    )
    return {
        "recent": selectors.recent_comments(
            request.user, period_id=period.pk if period is not None else None
        ),
        "interest": interest,
    }


@register.filter
def talk_markdown(text: str) -> SafeString:
    return markdown.render(text)
