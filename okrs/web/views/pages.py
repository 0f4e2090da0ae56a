"""Pages. Views stay thin: parse, check access, call a selector, render."""

from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from okrs.goals.access import (
    can_edit_objective,
    can_review_objective,
    get_key_result_for_user,
    get_objective_for_user,
)
from okrs.goals.forms import AlignmentForm, CheckInForm, ReviewForm
from okrs.goals.models import Objective, ObjectiveState, Period
from okrs.goals.selectors import current_period
from okrs.measures.selectors import measure_summary
from okrs.org.access import get_team_for_user
from okrs.org.models import Team
from okrs.web import selectors
from okrs.web.charts import key_result_chart, objective_trend, team_trend
from okrs.web.views.checkins import checkin_form_for


def _period(request: HttpRequest) -> Period | None:
    slug = request.GET.get("period")
    return get_object_or_404(Period, slug=slug) if slug else current_period()


def _parse_day(raw: str | None) -> dt.date | None:
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise Http404(gettext("`on` must be a date such as 2017-02-15")) from None


def home(request: HttpRequest) -> HttpResponse:
    """The period overview: each team's objectives and KRs with grade, pace and status."""
    period = _period(request)
    if period is None:
        return render(request, "web/empty.html", {"title": gettext("No period yet")})
    filters = {
        "team": request.GET.get("team", ""),
        "owner": request.GET.get("owner", ""),
        "status": request.GET.get("status", ""),
    }
    data = selectors.overview(
        request.user,
        period,
        on=_parse_day(request.GET.get("on")),
        archived=request.GET.get("archived") == "1",
        page=request.GET.get("page"),
        **filters,
    )
    can = selectors.abilities(request.user)
    selectors.mark_checkins(data.board.objectives, can)
    return render(
        request,
        "web/home.html",
        {
            "board": data.board,
            "periods": Period.objects.order_by("-start"),
            "teams": data.teams,
            "page": data.page,
            "paging": _query_without_page(request),
            "statuses": selectors.status_choices(),
            "filters": filters,
            "filtered": any(filters.values()),
            "can_create": bool(can.admin or "lead" in can.roles.values()),
            "title": gettext("OKRs %(period)s") % {"period": period},
        },
    )


def _query_without_page(request: HttpRequest) -> str:
    """The query string of this page without `page`, for the links to other pages."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def team(request: HttpRequest, slug: str) -> HttpResponse:
    team = get_team_for_user(request.user, slug)
    period = _period(request)
    if period is None:
        return render(request, "web/empty.html", {"title": gettext("No period yet")})
    page = selectors.team_page(request.user, team, period, on=_parse_day(request.GET.get("on")))
    can = selectors.abilities(request.user)
    selectors.mark_checkins(page.board.objectives, can)
    return render(
        request,
        "web/team.html",
        {
            "page": page,
            "team": team,
            "board": page.board,
            "periods": Period.objects.order_by("-start"),
            "can_lead": can.leads(team.pk),
            # a team with teams below rolls up their history too, which grows with the
            # organization: its trend is drawn on demand (`team_grade_trend`), a team's own inline
            "trend_on_demand": bool(page.children) and bool(page.board.objectives),
            "trend": _team_trend(
                request, team, period, [row.objective.pk for row in page.board.objectives]
            )
            if not page.children
            else None,
            "title": f"{team.name} · {period}",
        },
    )


def _team_trend(
    request: HttpRequest, team: Team, period: Period, shown: list[int]
) -> SafeString | None:
    """The team's grade over time, graded from the history of its objectives of `period` the
    reader sees (`shown`, their keys) and of what contributes to them; None without any."""
    if not shown:
        return None
    return team_trend(period, selectors.with_contributors(request.user, shown), team)


def team_grade_trend(request: HttpRequest, slug: str) -> HttpResponse:
    """`/teams/<slug>/trend/`: the team's grade over time in a period, which the page of a team
    with teams below links to. An htmx request gets the chart alone, to put in the page."""
    team = get_team_for_user(request.user, slug)
    period = _period(request)
    if period is None:
        raise Http404(gettext("No period yet."))
    shown = Objective.objects.visible_to(request.user).filter(team=team, period=period)
    trend = _team_trend(request, team, period, list(shown.values_list("pk", flat=True)))
    if request.headers.get("HX-Request"):
        return HttpResponse(trend or "")
    return render(
        request,
        "web/team_trend.html",
        {
            "team": team,
            "period": period,
            "trend": trend,
            "title": gettext("Grade of %(team)s over time") % {"team": team.name},
        },
    )


def objective(request: HttpRequest, pk: int) -> HttpResponse:
    objective = get_objective_for_user(request.user, pk)
    page = selectors.objective_page(request.user, objective)
    can = selectors.abilities(request.user)
    selectors.mark_checkins([page.row], can)
    can_edit = can_edit_objective(request.user, objective)
    reviewing = objective.state == ObjectiveState.IN_REVIEW and can_review_objective(
        request.user, objective
    )
    context = {
        "page": page,
        "objective": objective,
        "row": page.row,
        "can_edit": can_edit,
        "can_review": reviewing,
        "can_comment": can_edit or reviewing or objective.team_id in can.roles,
        "review_form": ReviewForm(),
        "trend": objective_trend(
            objective.period, selectors.with_contributors(request.user, [objective.pk]), objective
        ),
        "title": str(objective),
    }
    if can_edit and objective.state != ObjectiveState.ARCHIVED:
        offered = selectors.offered_candidates(request.user, objective)
        context["align_form"] = AlignmentForm(candidates=Objective.objects.filter(pk__in=offered))
    return render(request, "web/objective.html", context)


def key_result(request: HttpRequest, pk: int) -> HttpResponse:
    key_result = get_key_result_for_user(request.user, pk)
    return render(request, "web/key_result.html", key_result_context(request, key_result))


def key_result_context(
    request: HttpRequest, key_result, form: CheckInForm | None = None
) -> dict[str, object]:
    """What the KR page and its in-place check-in panel show."""
    page = selectors.key_result_page(key_result)
    can = selectors.abilities(request.user)
    objective = key_result.objective
    deleted = key_result.deleted_at is not None  # keeps its page, takes nothing more
    can_checkin = not deleted and can.checks_in(key_result, objective.team_id)
    return {
        "page": page,
        "kr": key_result,
        "objective": objective,
        "row": page.row,
        "chart": _chart(key_result, page),
        "summary": measure_summary(key_result),
        "can_edit": not deleted and can.leads(objective.team_id),
        "can_checkin": can_checkin,
        "checkin_form": form or (checkin_form_for(page.row) if can_checkin else None),
        "title": str(key_result),
    }


def _chart(key_result, page: selectors.KeyResultPage) -> str:
    return key_result_chart(key_result, page.checkins, key_result.objective.period)
