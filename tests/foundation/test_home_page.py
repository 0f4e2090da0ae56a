"""The first page lists the period's objectives per team with KRs, grade, pace and status."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories as f

pytestmark = pytest.mark.django_db


def _fill(count: int) -> None:
    period = f.period()
    team = f.team()
    for _ in range(count):
        objective = f.objective(team=team, period=period)
        kr = f.key_result(objective=objective, unit="%")
        f.checkin(kr, 40, "2017-02-01T00:00:00", confidence=0.7)


def test_home_shows_objectives_krs_grade_and_status(client) -> None:  # type: ignore[no-untyped-def]
    period = f.period()
    reps = f.team("reps", name="Mozilla Reps")
    objective = f.objective(team=reps, period=period, code="O1", title="A unified approach")
    kr = f.key_result(
        objective=objective,
        code="KR3",
        title="Core community sentiment > 11.5 NPS",
        direction="at_least",
        baseline=5,
        target=11.5,
        unit="NPS",
    )
    f.checkin(kr, 8.25, "2017-02-01T00:00:00", confidence=0.9)
    response = client.get("/", {"period": "2017-Q1", "on": "2017-02-15"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Mozilla Reps" in html and "Core community sentiment &gt; 11.5 NPS" in html
    assert "8.25 NPS" in html and "0.50" in html  # value and grade
    assert "At risk" in html or "On track" in html or "Off track" in html


def test_home_hides_drafts_and_private_objectives_from_anonymous(client) -> None:  # type: ignore[no-untyped-def]
    period = f.period()
    team = f.team()
    f.objective(team=team, period=period, title="Public goal")
    f.objective(team=team, period=period, title="Draft goal", state="draft")
    f.objective(team=team, period=period, title="Private goal", visibility="private")
    html = client.get("/").content.decode()
    assert "Public goal" in html
    assert "Draft goal" not in html and "Private goal" not in html


def test_home_without_periods_says_how_to_start(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/")
    assert response.status_code == 200
    assert "okrs demo" in response.content.decode()


def test_home_rejects_a_malformed_date(client) -> None:  # type: ignore[no-untyped-def]
    f.period()
    assert client.get("/", {"on": "yesterday"}).status_code == 404
    assert client.get("/", {"period": "1999-Q9"}).status_code == 404


def test_home_query_count_does_not_grow_with_objectives(client) -> None:  # type: ignore[no-untyped-def]
    _fill(2)
    with CaptureQueriesContext(connection) as small:
        assert client.get("/").status_code == 200
    _fill(25)
    with CaptureQueriesContext(connection) as large:
        assert client.get("/").status_code == 200
    assert len(large) == len(small)
