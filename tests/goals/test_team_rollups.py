"""The teams' rollups kept in parts (`TeamRollup`, one per reach and archived or not) read for
a reader (`reader_parts`) sum exactly what the reader may see: the same team rollups, the same
organization and the same review figures as aggregating `Objective.objects.visible_to(reader)`
over the period, for any teams (public or private, under a parent), objective states,
visibility, grades and weights, and readers (nobody, a member, a parent team's lead, a site
admin). The parts' access rule (`TeamRollupQuerySet.visible_to`) and the objectives'
(`_readable`) are two statements of one rule; this test holds them together."""

from __future__ import annotations

import math
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser, User
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from okrs.core.charts import GRADE_BUCKETS
from okrs.core.pacing import EXPECTED_FINAL_GRADE, Commitment
from okrs.goals import scores
from okrs.goals.models import KeyResult, Objective, ObjectiveState, Period, TeamRollup
from okrs.goals.selectors import (
    kept_rollups,
    kept_team_rollups,
    organization_rollup,
    reader_parts,
    team_rollups,
)
from okrs.org.models import Membership, Team
from okrs.web.views_review import review_figures
from tests import factories as f

pytestmark = pytest.mark.django_db

objective = st.tuples(
    st.integers(0, 3),  # which team
    st.sampled_from(list(ObjectiveState)),
    st.booleans(),  # private
    st.sampled_from(list(Commitment)),
    st.one_of(st.none(), st.floats(0, 1, allow_subnormal=False)),  # kept grade
    st.floats(0.1, 5),  # weight
    st.lists(
        st.one_of(st.none(), st.floats(0, 1, allow_subnormal=False)), max_size=3
    ),  # its key results' grades
)
world = st.tuples(
    st.lists(st.booleans(), min_size=4, max_size=4),  # each team private
    st.lists(objective, max_size=10),
)


def _same(a: float | None, b: float | None) -> bool:
    return (a is None and b is None) or (
        a is not None and b is not None and math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
    )


def _readers(teams: list[Team]) -> list[Any]:
    member = User.objects.filter(username="member").first() or f.person("member")
    Membership.objects.get_or_create(person=member, team=teams[1], role="member")
    lead = User.objects.filter(username="lead").first() or f.person("lead")
    # leads the parent of teams 1 to 3, and is a member of team 2
    Membership.objects.get_or_create(person=lead, team=teams[0], role="lead")
    Membership.objects.get_or_create(person=lead, team=teams[2], role="member")
    admin = User.objects.filter(username="root").first() or User.objects.create_superuser(
        "root", "root@example.org", "pw"
    )
    return [AnonymousUser(), member, lead, admin]


def _build(private_teams: list[bool], rows: list[tuple[Any, ...]]) -> tuple[Period, list[Team]]:
    for model in (KeyResult, Objective, TeamRollup, Period):
        model.objects.all().delete()
    period = f.period()
    # the same four teams in every example (a parent protects its children), made again
    top = Team.objects.get_or_create(slug="t0", defaults={"name": "T0"})[0]
    teams = [top] + [
        Team.objects.get_or_create(slug=f"t{n}", defaults={"name": f"T{n}", "parent": top})[0]
        for n in range(1, 4)
    ]
    for team, private in zip(teams, private_teams, strict=True):
        Team.objects.filter(pk=team.pk).update(visibility="private" if private else "public")
    for n, (team, state, private, commitment, grade, weight, kr_grades) in enumerate(rows):
        made = Objective.objects.create(
            team=teams[team],
            period=period,
            code=f"O{n}",
            title=f"O{n}",
            state=state,
            visibility="private" if private else "team",
            commitment=commitment,
            kept_grade=grade,
            weight=weight,
            kept_measured=sum(g is not None for g in kr_grades),
            kept_total=len(kr_grades),
        )
        for m, kr_grade in enumerate(kr_grades):
            KeyResult.objects.create(
                objective=made,
                title=f"KR{m}",
                direction="increase",
                baseline=0,
                target=100,
                kept_grade=kr_grade,
                archived=m == 2,  # an archived key result counts nowhere
            )
    scores.rebuild_team_rollups()
    return period, teams


def _figures(period: Period, reader: Any) -> dict[str, Any]:
    """The review's figures computed in Python from the key results the reader may see."""
    krs = list(
        KeyResult.objects.visible_to(reader)
        .filter(objective__period=period, archived=False)
        .values_list("objective__commitment", "kept_grade")
    )
    found: dict[str, Any] = {"count": len(krs)}
    for commitment in Commitment:
        grades = [g for c, g in krs if c == commitment.value and g is not None]
        found[commitment.value] = (
            sum(c == commitment.value for c, _ in krs),
            len(grades),
            sum(grades) / len(grades) if grades else None,
            sum(g >= EXPECTED_FINAL_GRADE[commitment] - 1e-9 for g in grades),
        )
    last = len(GRADE_BUCKETS) - 1
    found["buckets"] = [
        sum(g is not None and low <= g and (g < high or (i == last and g <= high)) for _, g in krs)
        for i, (low, high) in enumerate(GRADE_BUCKETS)
    ]
    return found


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(world)
def test_a_readers_kept_parts_sum_what_the_reader_may_see(spec: tuple[Any, ...]) -> None:
    period, teams = _build(*spec)
    for reader in _readers(teams):
        for archived in (True, False):
            scope = Objective.objects.visible_to(reader).filter(period=period)
            if not archived:
                scope = scope.exclude(state=ObjectiveState.ARCHIVED)
            expected = team_rollups(scope)
            parts = reader_parts(reader, period, archived=archived)
            found = kept_rollups(parts)
            assert list(found.teams) == list(expected.teams), (reader, archived)
            for team, rollup in expected.teams.items():
                kept = found.teams[team]
                assert _same(kept.grade, rollup.grade), (reader, team)
                assert (kept.measured, kept.objectives) == (rollup.measured, rollup.objectives)
            organization = organization_rollup(parts)
            for org in (found.organization, organization):
                assert _same(org.grade, expected.organization.grade), reader
                assert org.measured == expected.organization.measured
                assert org.objectives == expected.organization.objectives == scope.count()
            some = list(expected.teams)[:1]
            assert list(kept_team_rollups(parts, some)) == some
        figures = review_figures(reader_parts(reader, period))
        expected_figures = _figures(period, reader)
        assert figures.count == expected_figures["count"]
        assert figures.buckets == expected_figures["buckets"]
        for summary in figures.summaries:
            count, graded, mean, reached = expected_figures[summary.commitment.value]
            assert (summary.count, summary.graded, summary.reached) == (count, graded, reached)
            assert _same(summary.mean, mean)


def test_a_team_made_private_takes_its_objectives_out_of_what_outsiders_sum() -> None:
    """The reach of a team's objectives is kept in its parts: the team's settings service
    writes them again when its visibility changes (and they agree with a recomputation)."""
    from okrs.org.services import team_settings_update

    period, teams = _build(
        [False, False, False, False], [(1, "published", False, "committed", 0.5, 1, [])]
    )
    admin = _readers(teams)[-1]
    assert list(kept_rollups(reader_parts(AnonymousUser(), period)).teams) == [teams[1].pk]
    team = teams[1]
    team_settings_update(
        team=team,
        actor=admin,
        name=team.name,
        description="",
        visibility="private",
        parent=team.parent,
    )
    assert kept_rollups(reader_parts(AnonymousUser(), period)).teams == {}
    assert list(kept_rollups(reader_parts(admin, period)).teams) == [team.pk]
    # (the objective's grade was set by hand: only the parts are compared)
    assert [d for d in scores.verify() if d.kind == "team rollup"] == []
