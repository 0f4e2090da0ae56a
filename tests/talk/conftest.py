"""A team with a lead, a member and a viewer, an outsider and a visitor (signed in, no role),
a site admin; a published objective with a KR, a heartbeat and a packet of the team."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client, RequestFactory

from okrs.goals.models import KeyResult, Objective, Period
from okrs.heartbeats.models import Heartbeat, WorkPacket
from okrs.org.models import Team
from tests import factories as f
from tests.limits import clear_rate_limits


@dataclass
class World:
    period: Period
    team: Team
    lead: User
    member: User
    viewer: User
    visitor: User
    admin: User
    objective: Objective
    kr: KeyResult
    heartbeat: Heartbeat
    packet: WorkPacket

    def client(self, who: str | None) -> Client:
        client = Client(enforce_csrf_checks=False)
        if who is not None:
            client.force_login(getattr(self, who))
        return client


@pytest.fixture(autouse=True)
def _fresh_rate_limits(request: pytest.FixtureRequest) -> Any:
    clear_rate_limits(request)
    yield
    clear_rate_limits(request)


@pytest.fixture
def world(db: Any) -> World:
    period = f.period()
    team = f.team("reps", name="Mozilla Reps")
    people = {
        name: f.person(name, email=f"{name}@example.org")
        for name in ("lead", "member", "viewer", "visitor")
    }
    f.membership(people["lead"], team, "lead")
    f.membership(people["member"], team, "member")
    f.membership(people["viewer"], team, "viewer")
    admin = User.objects.create_superuser("admin", "admin@example.org", "pw")
    objective = f.objective(team=team, period=period, code="O1", title="Grow the community")
    kr = f.key_result(objective=objective, code="KR1", title="Reps reporting", target=50)
    heartbeat = f.heartbeat(
        team=team, period=period, name="Q1HB1", start=period.start, end=period.start.replace(day=14)
    )
    packet = f.packet(team=team, heartbeat=heartbeat, title="Plan the summit")
    return World(
        period=period,
        team=team,
        admin=admin,
        objective=objective,
        kr=kr,
        heartbeat=heartbeat,
        packet=packet,
        **people,
    )


@pytest.fixture
def rf() -> RequestFactory:
    return RequestFactory()
