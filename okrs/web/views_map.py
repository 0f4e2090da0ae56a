"""The alignment map page: the period's visible goals and their links, as SVG drawn here."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, reverse
from django.utils.safestring import mark_safe

from okrs.core.alignment_map import (
    MapEdge,
    MapKeyResult,
    MapLayout,
    MapObjective,
    MapTeam,
    layout,
    render_list,
    render_svg,
)
from okrs.goals.access import visible_objectives
from okrs.goals.models import KeyResult, Period
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
    svg: str
    text: str


def build_map(user: User, period: Period) -> AlignmentMap:
    """Score the objectives `user` may see and lay them out; six queries whatever the size,
    plain rows (no model instances).

    Three for the grades, one each for the objectives' and key results' titles, one for the
    readable teams (so the tree keeps the ancestors of teams with objectives); links come with
    the grades, so a link to an objective the reader may not see is never fetched.
    """
    visible = visible_objectives(user).filter(period=period)
    graded = grades(period, visible)
    teams = [
        MapTeam(
            key=team.pk,
            name=team.name,
            parent=team.parent_id,
            grade=graded.teams.get(team.pk),
            href=team_href(team.slug),
        )
        for team in visible_teams(user).order_by("order", "name", "id")
    ]
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
            objective__in=visible.values("pk"), archived=False
        )
        .order_by("order", "id")
        .values_list("pk", "objective_id", "code", "title")
        if pk in graded.key_results
    ]
    edges = [MapEdge(child=c, parent=p, weight=w) for c, p, w in graded.links]
    plan = layout(teams=teams, objectives=objectives, key_results=key_results, edges=edges)
    description = (
        f"{len(objectives)} objectives and {len(key_results)} key results of"
        f" {len(plan.teams)} teams in {period}, with {len(plan.edges)} contributes-to links."
        " Each box is a link to its page and shows its grade and status."
    )
    svg = render_svg(
        plan,
        title=f"Alignment map {period}",
        description=description,
        org_grade=graded.organization,
    )
    return AlignmentMap(grade=graded.organization, plan=plan, svg=svg, text=render_list(plan))


def alignment_map(request: HttpRequest) -> HttpResponse:
    """`/map/?period=`: organization → teams → objectives → key results, and their links."""
    slug = request.GET.get("period")
    period = get_object_or_404(Period, slug=slug) if slug else current_period()
    if period is None:
        return render(request, "web/empty.html", {"title": "No period yet"})
    result = build_map(request.user, period)
    return render(
        request,
        "web/map.html",
        {
            "period": period,
            "periods": Period.objects.order_by("-start"),
            "plan": result.plan,
            # render_svg and render_list escape every text they write
            "svg": mark_safe(result.svg),
            "text": mark_safe(result.text),
            "title": f"Alignment map {period}",
        },
    )
