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
    render_svg,
)
from okrs.goals.access import visible_objectives
from okrs.goals.models import Alignment, Period
from okrs.goals.selectors import Scoreboard, current_period, scoreboard
from okrs.org.access import User, visible_teams


def node_href(name: str, fallback: str, **kwargs: object) -> str:
    """The URL of a named page, or the literal path when that page is not registered."""
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return fallback


def objective_href(pk: int) -> str:
    return node_href("web:objective", f"/objectives/{pk}/", pk=pk)


def key_result_href(pk: int) -> str:
    return node_href("web:key_result", f"/key-results/{pk}/", pk=pk)


def team_href(slug: str) -> str | None:
    href = node_href("web:team", "", slug=slug)
    return href or None


@dataclass
class AlignmentMap:
    board: Scoreboard
    plan: MapLayout
    svg: str


def build_map(user: User, period: Period) -> AlignmentMap:
    """Score the objectives `user` may see and lay them out; five queries whatever the size.

    Three for the scoreboard, one for the readable teams (so the tree keeps the ancestors of
    teams with objectives) and one for the links between visible objectives: a link to an
    objective the reader may not see is never fetched.
    """
    board = scoreboard(period, visible_objectives(user), on=None)
    rows = board.objectives
    ids = [row.objective.pk for row in rows]
    grades = {team_row.team.pk: team_row.grade for team_row in board.teams}
    teams = [
        MapTeam(
            key=team.pk,
            name=team.name,
            parent=team.parent_id,
            grade=grades.get(team.pk),
            href=team_href(team.slug),
        )
        for team in visible_teams(user).order_by("order", "name", "id")
    ]
    objectives = [
        MapObjective(
            key=row.objective.pk,
            team=row.objective.team_id,
            code=row.objective.code,
            title=row.objective.title,
            grade=row.grade,
            status=row.status,
            href=objective_href(row.objective.pk),
        )
        for row in rows
    ]
    key_results = [
        MapKeyResult(
            key=kr_row.key_result.pk,
            objective=row.objective.pk,
            code=kr_row.key_result.code,
            title=kr_row.key_result.title,
            grade=kr_row.score.grade,
            status=kr_row.score.status,
            href=key_result_href(kr_row.key_result.pk),
        )
        for row in rows
        for kr_row in row.key_results
    ]
    links = Alignment.objects.filter(child_id__in=ids, parent_id__in=ids).order_by("id")
    edges = [
        MapEdge(child=c, parent=p, weight=w)
        for c, p, w in links.values_list("child_id", "parent_id", "weight")
    ]
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
        org_grade=board.grade,
    )
    return AlignmentMap(board=board, plan=plan, svg=svg)


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
            "board": result.board,
            # render_svg escapes every text it writes
            "svg": mark_safe(result.svg),
            "title": f"Alignment map {period}",
        },
    )
