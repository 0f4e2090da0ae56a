"""A small organization for the page tests: a parent team with a lead, a program team with a
lead, a member and a viewer, and an outsider; one published objective with a key result."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from okrs.goals.models import KeyResult, Objective, Period
from okrs.org.models import Team
from tests import factories as f

TODAY = dt.date(2017, 2, 15)


@dataclass
class World:
    period: Period
    parent: Team
    team: Team
    parent_lead: User
    lead: User
    member: User
    viewer: User
    outsider: User
    admin: User
    objective: Objective
    kr: KeyResult

    def client(self, who: str | None) -> Client:
        client = Client()
        if who is not None:
            client.force_login(getattr(self, who))
        return client


@pytest.fixture
def world(db: Any) -> World:
    period = f.period()
    parent = f.team("cdt", name="Community Development")
    team = f.team("reps", name="Mozilla Reps", parent=parent)
    people = {
        name: f.person(name) for name in ("parent_lead", "lead", "member", "viewer", "outsider")
    }
    f.membership(people["parent_lead"], parent, "lead")
    f.membership(people["lead"], team, "lead")
    f.membership(people["member"], team, "member")
    f.membership(people["viewer"], team, "viewer")
    admin = User.objects.create_superuser("admin", "admin@example.org", "pw")
    objective = f.objective(team=team, period=period, code="O1", title="Grow the community")
    kr = f.key_result(
        objective=objective, code="KR1", title="Reps reporting", target=50, unit="Reps"
    )
    return World(period, parent, team, admin=admin, objective=objective, kr=kr, **people)


NOW = dt.datetime.combine(TODAY, dt.time(12, 0), tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _fixed_now(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pages score, and check-ins land, on a day inside the test period."""
    monkeypatch.setattr("django.utils.timezone.now", lambda: NOW)
