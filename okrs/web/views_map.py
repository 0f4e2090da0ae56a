"""The alignment map page: the period's visible goals and their links, as SVG drawn here."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, reverse
from django.utils.safestring import mark_safe

from okrs.core.alignment_map import (
    MapEdge,
    MapKeyResult,
    MapLayout,
    MapObjective,
    MapTeam,
    MapView,
    layout,
    render_list,
    render_svg,
    select_view,
)
from okrs.goals.models import KeyResult, Objective, Period
from okrs.goals.selectors import current_period, grades
from okrs.org.access import User, visible_teams
from okrs.web.paths import path_to


def node_href(name: str, fallback: str, **kwargs: object) -> str:
    """The URL of a named page, or the literal path when that page is not registered."""
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return fallback


def objective_href(pk: int) -> str:
    return path_to(pk, "web:objective")


def key_result_href(pk: int) -> str:
    return path_to(pk, "web:key_result")


def team_href(slug: str) -> str | None:
    href = node_href("web:team", "", slug=slug)
    return href or None


@dataclass
class AlignmentMap:
    grade: float | None
    plan: MapLayout
    view: MapView
    svg: str
    text: str


def build_map(user: User, period: Period, focus: str | None = None) -> AlignmentMap:
    """Score the objectives `user` may see and draw one view of them: the team `focus` (a
    slug; None for the top of the organization) and the teams right below it
    (`okrs.core.alignment_map.select_view`). Six queries whatever the size, plain rows.

    Three for the grades, one each for the objectives' and the drawn key results' titles,
    one for the readable teams; links come with the grades, so a link to an objective the
    reader may not see is never fetched. Raises Http404 for a team the reader may not see.
    """
    visible = Objective.objects.visible_to(user).filter(period=period)
    graded = grades(period, visible)
    map_url = reverse("web:map")
    rows = list(
        visible_teams(user)
        .order_by("order", "name", "id")
        .values_list("pk", "name", "parent_id", "slug")
    )
    teams = [
        MapTeam(
            key=pk,
            name=name,
            parent=parent_id,
            grade=graded.teams.get(pk),
            href=team_href(slug),
            view_href=f"{map_url}?period={period.slug}&team={slug}",
        )
        for pk, name, parent_id, slug in rows
    ]
    focus_key = None
    if focus:
        focus_key = next((pk for pk, _, _, slug in rows if slug == focus), None)
        if focus_key is None:
            raise Http404("No team you may see has this name.")
    objectives = [
        MapObjective(
            key=pk,
            team=team_id,
            code=code,
            title=title,
            grade=graded.objectives[pk].grade,
            status=graded.objectives[pk].status,
            href=objective_href(pk),
        )
        for pk, team_id, code, title in visible.order_by(
            "team__order", "team__name", "order", "id"
        ).values_list("pk", "team_id", "code", "title")
        if pk in graded.objectives
    ]
    edges = [MapEdge(child=c, parent=p, weight=w) for c, p, w in graded.links]
    view = select_view(teams=teams, objectives=objectives, edges=edges, focus=focus_key)
    with_krs = [o.key for o in view.objectives if o.team in view.full]
    key_results = [
        MapKeyResult(
            key=pk,
            objective=objective_id,
            code=code,
            title=title,
            grade=graded.key_results[pk].grade,
            status=graded.key_results[pk].status,
            href=key_result_href(pk),
        )
        for pk, objective_id, code, title in KeyResult.objects.filter(
            objective__in=with_krs, archived=False
        )
        .order_by("order", "id")
        .values_list("pk", "objective_id", "code", "title")
        if pk in graded.key_results
    ]
    plan = layout(
        teams=view.teams,
        objectives=view.objectives,
        key_results=key_results,
        edges=view.edges,
        outside=view.outside,
        expand=view.expand,
        spread=False,
    )
    where = view.anchor.name if view.anchor is not None else "the organization"
    description = (
        f"{where} in {period}: {len(view.objectives)} objectives and {len(key_results)} key"
        f" results of {len(plan.teams)} teams, with {len(plan.edges)} contributes-to links"
        f" drawn and {len(view.outside)} to objectives outside this view."
        " Each box is a link to its page and shows its grade and status."
    )
    svg = render_svg(
        plan,
        title=f"Alignment map {period}: {where}",
        description=description,
        org_grade=graded.organization,
    )
    return AlignmentMap(
        grade=graded.organization, plan=plan, view=view, svg=svg, text=render_list(plan)
    )


def alignment_map(request: HttpRequest) -> HttpResponse:
    """`/map/?period=&team=`: one view of organization → teams → objectives → key results and
    their links, opened at the top of the organization or at a team."""
    slug = request.GET.get("period")
    period = get_object_or_404(Period, slug=slug) if slug else current_period()
    if period is None:
        return render(request, "web/empty.html", {"title": "No period yet"})
    result = build_map(request.user, period, request.GET.get("team") or None)
    return render(
        request,
        "web/map.html",
        {
            "period": period,
            "periods": Period.objects.order_by("-start"),
            "plan": result.plan,
            "view": result.view,
            "focused": bool(request.GET.get("team")),
            # render_svg and render_list escape every text they write
            "svg": mark_safe(result.svg),
            "text": mark_safe(result.text),
            "title": f"Alignment map {period}",
        },
    )
