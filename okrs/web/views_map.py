"""The alignment map page: the period's visible goals and their links, as SVG drawn here."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from okrs.core.alignment_map import (
    MapEdge,
    MapKeyResult,
    MapLayout,
    MapObjective,
    MapTeam,
    MapView,
    finish_view,
    layout,
    plan_view,
    render_list,
    render_svg,
)
from okrs.core.pacing import Status
from okrs.core.scoring import KeyResultScore
from okrs.goals.models import Alignment, KeyResult, Objective, Period
from okrs.goals.selectors import (
    ORDER,
    current_period,
    kept_rollups,
    kept_score,
    objective_status,
    reader_parts,
    scoring_day,
)
from okrs.org.access import User, visible_teams
from okrs.web.paths import path_to
from okrs.web.words import reader_words


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
    """Draw one view of the objectives `user` may see: the team `focus` (a slug; None for the
    top of the organization) and the teams right below it (`okrs.core.alignment_map`).

    Reads what the view draws, whatever the size of the rest: the readable teams with their
    kept rollups (a row per team: grade and number of objectives, which decide the view), the
    drawn teams' objectives and key results with their kept scores (a status per row for
    today), the links from or to them and the objectives at their other ends. Seven queries.
    Raises Http404 for a team the reader may not see.
    """
    visible = Objective.objects.visible_to(user).filter(period=period)
    day = scoring_day(period)
    rollups = kept_rollups(reader_parts(user, period))
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
            grade=rollups.teams[pk].grade if pk in rollups.teams else None,
            href=team_href(slug),
            view_href=f"{map_url}?period={period.slug}&team={slug}",
        )
        for pk, name, parent_id, slug in rows
    ]
    focus_key = None
    if focus:
        focus_key = next((pk for pk, _, _, slug in rows if slug == focus), None)
        if focus_key is None:
            raise Http404(gettext("No team you may see has this name."))
    counts = {pk: rollup.objectives for pk, rollup in rollups.teams.items()}
    planned = plan_view(teams=teams, counts=counts, focus=focus_key)
    drawn_objectives = list(
        visible.filter(team_id__in=[t.key for t in planned.with_objectives]).order_by(*ORDER)
    )
    drawn = [o.pk for o in drawn_objectives]
    key_results = list(
        KeyResult.objects.filter(objective_id__in=drawn, archived=False).order_by("order", "id")
    )
    commitments = {o.pk: o.commitment for o in drawn_objectives}
    scores = {
        kr.pk: kept_score(kr, period, commitments[kr.objective_id], day) for kr in key_results
    }
    own: dict[int, list[tuple[KeyResultScore, float]]] = defaultdict(list)
    for kr in key_results:
        own[kr.objective_id].append((scores[kr.pk], kr.weight))
    # the links from or to a drawn objective, with what names the objective at their other end
    ends = ("team_id", "code", "title")
    links = list(
        Alignment.objects.filter(
            Q(child_id__in=drawn, parent__in=visible.values("pk"))
            | Q(parent_id__in=drawn, child__in=visible.values("pk"))
        )
        .order_by("id")
        .values_list(
            "child_id",
            "parent_id",
            "weight",
            *(f"child__{name}" for name in ends),
            *(f"parent__{name}" for name in ends),
        )
    )
    edges = [MapEdge(child=c, parent=p, weight=w) for c, p, w, *_ in links]
    final = day >= period.end
    objectives = [_map_objective(o, own[o.pk], final) for o in drawn_objectives]
    named = set(drawn)
    for child, parent, _, *labels in links:
        for pk, (team_id, code, title) in ((child, labels[:3]), (parent, labels[3:])):
            if pk not in named:  # at the other end of a link: named in an outside row
                named.add(pk)
                objectives.append(
                    MapObjective(pk, team_id, code, title, None, Status.NO_DATA, objective_href(pk))
                )
    view = finish_view(
        planned, objectives=objectives, edges=edges, team_names={t.key: t.name for t in teams}
    )
    with_krs = {o.key for o in view.objectives if o.team in view.full}
    drawn_krs = [
        MapKeyResult(
            key=kr.pk,
            objective=kr.objective_id,
            code=kr.code,
            title=kr.title,
            grade=scores[kr.pk].grade,
            status=scores[kr.pk].status,
            href=key_result_href(kr.pk),
        )
        for kr in key_results
        if kr.objective_id in with_krs
    ]
    plan = layout(
        teams=view.teams,
        objectives=view.objectives,
        key_results=drawn_krs,
        edges=view.edges,
        outside=view.outside,
        expand=view.expand,
        spread=False,
        words=reader_words(),
    )
    where = view.anchor.name if view.anchor is not None else gettext("the organization")
    description = gettext(
        "%(where)s in %(period)s: %(objectives)s objectives and %(krs)s key results of"
        " %(teams)s teams, with %(links)s contributes-to links drawn and %(outside)s to"
        " objectives outside this view. Each box is a link to its page and shows its grade"
        " and status."
    ) % {
        "where": where,
        "period": period,
        "objectives": len(view.objectives),
        "krs": len(drawn_krs),
        "teams": len(plan.teams),
        "links": len(plan.edges),
        "outside": len(view.outside),
    }
    svg = render_svg(
        plan,
        title=gettext("Alignment map %(period)s: %(where)s") % {"period": period, "where": where},
        description=description,
        org_grade=rollups.organization.grade,
    )
    return AlignmentMap(
        grade=rollups.organization.grade, plan=plan, view=view, svg=svg, text=render_list(plan)
    )


def _map_objective(
    objective: Objective, key_results: list[tuple[KeyResultScore, float]], final: bool
) -> MapObjective:
    """A drawn objective with its kept grade and its status for the day its key results were
    scored for."""
    _, state = objective_status(
        progress=objective.kept_progress,
        confidence=objective.kept_confidence,
        key_results=key_results,
        final=final,
    )
    return MapObjective(
        key=objective.pk,
        team=objective.team_id,
        code=objective.code,
        title=objective.title,
        grade=objective.kept_grade,
        status=state,
        href=objective_href(objective.pk),
    )


def alignment_map(request: HttpRequest) -> HttpResponse:
    """`/map/?period=&team=`: one view of organization → teams → objectives → key results and
    their links, opened at the top of the organization or at a team."""
    slug = request.GET.get("period")
    period = get_object_or_404(Period, slug=slug) if slug else current_period()
    if period is None:
        return render(request, "web/empty.html", {"title": gettext("No period yet")})
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
            "title": gettext("Alignment map %(period)s") % {"period": period},
        },
    )
