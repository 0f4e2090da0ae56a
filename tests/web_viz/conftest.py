"""A small organization like the seed's: a public parent team and program, a private team, and
a private objective inside the public program; people with each kind of access."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.contrib.auth.models import User

from okrs.goals.models import KeyResult, Objective
from okrs.org.models import Team
from tests import factories as f


@dataclass
class World:
    cdt: Team
    reps: Team
    secret_team: Team
    parent: Objective
    child: Objective
    aspirational: Objective
    private: Objective
    secret: Objective
    kr_parent: KeyResult
    kr_child: KeyResult
    kr_private: KeyResult
    kr_secret: KeyResult
    lead: User
    member: User
    outsider: User


@pytest.fixture
def world(db) -> World:  # type: ignore[no-untyped-def]
    period = f.period()
    cdt = f.team("cdt", name="Community Development Team")
    reps = f.team("reps", name="Mozilla Reps", parent=cdt)
    secret_team = f.team("hush", name="Hush Team", parent=cdt, visibility="private")
    parent = f.objective(team=cdt, period=period, code="O1", title="Grow the core community")
    child = f.objective(team=reps, period=period, code="O1", title="A unified onboarding approach")
    aspirational = f.objective(
        team=reps, period=period, code="O2", title="Reps lead campaigns", commitment="aspirational"
    )
    private = f.objective(
        team=reps, period=period, code="O3", title="Zebra budget plans", visibility="private"
    )
    secret = f.objective(team=secret_team, period=period, code="S1", title="Zebra secret launch")
    f.align(child, parent)
    f.align(private, parent)
    f.align(secret, child)
    kr_parent = f.key_result(
        objective=parent,
        code="KR1",
        title="Core community sentiment NPS",
        direction="at_least",
        baseline=5,
        target=11.5,
        unit="NPS",
    )
    kr_child = f.key_result(
        objective=child, code="KR1", title="Onboarding framework identified", direction="milestone"
    )
    kr_asp = f.key_result(
        objective=aspirational, code="KR1", title="Campaigns run", baseline=0, target=10
    )
    kr_private = f.key_result(objective=private, code="KR1", title="Zebra budget spent")
    kr_secret = f.key_result(objective=secret, code="KR1", title="Zebra secret users")
    f.checkin(kr_parent, 11.5, "2017-02-01T00:00:00", confidence=0.9)
    f.checkin(kr_child, 1, "2017-02-10T00:00:00")
    f.checkin(kr_asp, 8, "2017-03-01T00:00:00")
    f.checkin(kr_private, 20, "2017-02-01T00:00:00")
    f.checkin(kr_secret, 30, "2017-02-01T00:00:00")
    lead, member, outsider = f.person("lead"), f.person("member"), f.person("outsider")
    f.membership(lead, reps, "lead")
    f.membership(member, reps, "member")
    return World(
        cdt=cdt,
        reps=reps,
        secret_team=secret_team,
        parent=parent,
        child=child,
        aspirational=aspirational,
        private=private,
        secret=secret,
        kr_parent=kr_parent,
        kr_child=kr_child,
        kr_private=kr_private,
        kr_secret=kr_secret,
        lead=lead,
        member=member,
        outsider=outsider,
    )


def grow(count: int, *, team_slug: str = "bulk") -> None:
    """Add `count` public objectives with two KRs, a check-in and a link to the previous one."""
    period = f.period()
    team = Team.objects.filter(slug=team_slug).first() or f.team(team_slug, name="Bulk")
    previous = None
    for index in range(count):
        objective = f.objective(team=team, period=period, title=f"Bulk goal {index}")
        for number in range(2):
            kr = f.key_result(objective=objective, title=f"Bulk result {index}.{number}")
            f.checkin(kr, 10 * number + index, "2017-02-01T00:00:00", confidence=0.8)
        if previous is not None:
            f.align(objective, previous)
        previous = objective
