"""Pages. Views stay thin: parse, check access, call a selector, render."""

from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from okrs.goals.access import visible_objectives
from okrs.goals.models import Period
from okrs.goals.selectors import current_period, scoreboard


def home(request: HttpRequest) -> HttpResponse:
    """The period overview: each team's objectives and KRs with grade, pace and status."""
    slug = request.GET.get("period")
    period = get_object_or_404(Period, slug=slug) if slug else current_period()
    if period is None:
        return render(request, "web/empty.html", {"title": "No period yet"})
    on = _parse_day(request.GET.get("on"))
    board = scoreboard(period, visible_objectives(request.user), on=on)
    periods = Period.objects.order_by("-start")
    return render(
        request,
        "web/home.html",
        {"board": board, "periods": periods, "title": f"OKRs {period}"},
    )


def _parse_day(raw: str | None) -> dt.date | None:
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise Http404("`on` must be a date such as 2017-02-15") from None
