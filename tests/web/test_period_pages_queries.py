"""The period pages read what they show plus kept rollups: the overview, a team page, the period
review, the alignment map and the API period score run the same number of queries for an
organization of 3 teams and of 12 teams with twice the objectives each, read anonymously and
by a site admin."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from okrs.goals.models import Objective, ObjectiveState, ObjectiveVisibility, Period
from okrs.org.models import Team
from tests import factories as f

pytestmark = pytest.mark.django_db


def _current_period() -> Period:
    today = timezone.localdate()
    return f.period("now", start=today - dt.timedelta(days=30), end=today + dt.timedelta(days=60))


def _grow(period: Period, root: Team, top: Objective, *, teams: int, objectives: int) -> None:
    """`teams` more teams below `root`, each with `objectives` objectives of two key results
    (one checked in) contributing to `top`; every fourth team private, every third objective a
    draft, every fifth marked private."""
    for _ in range(teams):
        n = Team.objects.count() - 1  # the first team below the root is t000
        team = f.team(f"t{n:03d}", name=f"Team {n:03d}", parent=root, order=n)
        if n % 4 == 3:
            team.visibility = "private"
            team.save()
        for i in range(objectives):
            state = ObjectiveState.DRAFT if i % 3 == 2 else ObjectiveState.PUBLISHED
            visibility = ObjectiveVisibility.PRIVATE if i % 5 == 4 else ObjectiveVisibility.TEAM
            objective = f.objective(
                team=team, period=period, code=f"O{i}", state=state, visibility=visibility
            )
            measured = f.key_result(objective=objective, code="KR1", target=10.0)
            f.key_result(objective=objective, code="KR2", target=10.0)
            f.checkin(measured, 4.0, timezone.now() - dt.timedelta(days=1))
            f.align(objective, top)


@pytest.fixture
def organization() -> dict[str, object]:
    period = _current_period()
    root = f.team("org", name="The Organization")
    top = f.objective(team=root, period=period, code="O1", title="The organization's goal")
    f.checkin(f.key_result(objective=top, code="KR1", target=10.0), 2.0, timezone.now())
    _grow(period, root, top, teams=3, objectives=2)
    return {"period": period, "root": root, "top": top}


def _urls(period: Period) -> dict[str, str]:
    return {
        "overview": f"/?period={period.slug}",
        "team": f"/teams/t000/?period={period.slug}",
        "review": f"/periods/{period.slug}/review/",
        "map": f"/map/?period={period.slug}",
        "api score": f"/api/v1/periods/{period.slug}/score",
    }


def _counts(client: Client, urls: dict[str, str]) -> dict[str, int]:
    counts = {}
    for name, url in urls.items():
        client.get(url)  # the first read of a session may write it
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, (name, response.status_code)
        counts[name] = len(queries)
    return counts


@pytest.mark.parametrize("who", ["anonymous", "admin"])
def test_period_pages_read_the_same_queries_at_two_sizes(organization, who: str) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    if who == "admin":
        client.force_login(f.person("admin", is_superuser=True, is_staff=True))
    period = organization["period"]
    urls = _urls(period)
    small = _counts(client, urls)
    _grow(period, organization["root"], organization["top"], teams=9, objectives=4)
    assert Team.objects.count() == 13
    large = _counts(client, urls)
    assert large == small, (small, large)


def test_the_period_score_is_a_page_of_teams_with_the_period_rollup(organization) -> None:  # type: ignore[no-untyped-def]
    """The API period score pages through the teams (key order, `cursor` and `limit`); the
    period's grade and "N of M measured" cover every team, on every page."""
    period = organization["period"]
    client = Client()
    client.force_login(f.person("admin", is_superuser=True, is_staff=True))
    url = f"/api/v1/periods/{period.slug}/score"
    first = client.get(url, {"limit": 2}).json()
    assert len(first["items"]) == 2 and first["next_cursor"]
    rest = client.get(url, {"limit": 2, "cursor": first["next_cursor"]}).json()
    assert rest["next_cursor"] is None
    slugs = [team["slug"] for team in first["items"] + rest["items"]]
    assert slugs == ["org", "t000", "t001", "t002"]
    assert first["grade"] == rest["grade"] and first["total"] == rest["total"] == 1 + 3 * 2 * 2
    assert sum(team["total"] for team in first["items"] + rest["items"]) == first["total"]
    assert client.get(url, {"limit": 21}).status_code == 422
