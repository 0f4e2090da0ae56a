"""Pages for finding things by links: the personal home, the teams, periods and surveys indexes.

Views stay thin: check access, call a reader of `okrs.web.menus` / `okrs.web.personal`, render.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from okrs.goals.selectors import current_period
from okrs.measures.access import led_teams
from okrs.measures.models import Survey
from okrs.web import menus
from okrs.web.personal import personal_home


@login_required
@require_GET
def me(request: HttpRequest) -> HttpResponse:
    """What asks for the signed-in person now: their KRs (due first), reviews and offers waiting
    for them, changes on what they follow, their teams' current heartbeats."""
    showing_all = request.GET.get("krs") == "all"
    home = personal_home(request.user, all_key_results=showing_all)
    return render(
        request, "web/me.html", {"home": home, "showing_all": showing_all, "title": "Home"}
    )


@require_GET
def teams(request: HttpRequest) -> HttpResponse:
    period = current_period()
    entries = menus.teams_index(request.user, period)
    return render(
        request,
        "web/teams.html",
        {"entries": entries, "period": period, "title": "Teams"},
    )


@require_GET
def periods(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "web/periods.html",
        {
            "entries": menus.periods_index(request.user),
            "can_create": menus.can_create_period(request.user),
            "title": "Periods",
        },
    )


@login_required
@require_GET
def surveys(request: HttpRequest) -> HttpResponse:
    """The surveys of the teams the reader leads, newest first, with their number of answers."""
    teams = led_teams(request.user)
    if not teams.exists():
        raise PermissionDenied(
            gettext("Surveys are run by team leads: you need the lead role in a team.")
        )
    chosen = teams.filter(slug=request.GET.get("team", "")).first()
    rows = Survey.objects.filter(team__in=[chosen] if chosen else teams.values("pk"))
    rows = rows.select_related("team", "cohort").annotate(answers=Count("responses"))
    return render(
        request,
        "web/surveys.html",
        {
            "surveys": list(rows.order_by("-created_at", "slug")[:200]),
            "chosen": chosen,
            "team": None,
            "title": gettext("Surveys of %(chosen)s") % {"chosen": chosen.name}
            if chosen
            else gettext("Surveys"),
        },
    )
