"""The organization's rollup in one row (`organization_rollup`: the teams' sums aggregated again
in SQL, which the API period score reads instead of every team's rollup) equals the one
`team_rollups` makes from the teams' rows, for any kept grades, weights and counts, teams
without a graded objective among them, and whoever reads."""

from __future__ import annotations

import math
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser, User
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from okrs.goals.models import Objective, ObjectiveVisibility, Period
from okrs.goals.selectors import organization_rollup, team_rollups
from okrs.org.models import Team
from tests import factories as f

pytestmark = pytest.mark.django_db

objective = st.tuples(
    st.integers(0, 4),  # which team
    st.one_of(st.none(), st.floats(-0.5, 1.5)),  # kept grade (None: no key result measured)
    st.floats(0.1, 5),  # weight
    st.integers(0, 4),  # key results measured
    st.booleans(),  # private
)


def _same(a: float | None, b: float | None) -> bool:
    return (a is None and b is None) or (
        a is not None and b is not None and math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)
    )


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(objective, max_size=14))
def test_the_organization_in_one_row_is_the_mean_of_its_teams(rows: list[tuple[Any, ...]]) -> None:
    Objective.objects.all().delete()
    Team.objects.all().delete()
    Period.objects.all().delete()
    period = f.period()
    teams = [f.team(f"t{n}") for n in range(5)]
    member = User.objects.filter(username="member").first() or f.person("member")
    f.membership(member, teams[0], "member")
    for n, (team, grade, weight, measured, private) in enumerate(rows):
        made = f.objective(team=teams[team], period=period, code=f"O{n}")
        Objective.objects.filter(pk=made.pk).update(
            kept_grade=grade,
            weight=weight,
            kept_measured=measured,
            kept_total=measured + 1,
            visibility=ObjectiveVisibility.PRIVATE if private else ObjectiveVisibility.TEAM,
        )
    for reader in (AnonymousUser(), member):
        scope = Objective.objects.visible_to(reader).filter(period=period)
        expected = team_rollups(scope).organization
        found = organization_rollup(scope)
        assert _same(found.grade, expected.grade), (found, expected)
        assert found.measured == expected.measured
        assert found.objectives == expected.objectives == scope.count()
