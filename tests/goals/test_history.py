"""Grades over time from the check-in history: each day's grades are the page's grades of
that day, read in four queries whatever the number of days."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from okrs.goals.history import MAX_SAMPLES, grade_history, grades_on, sample_days
from okrs.goals.models import Objective, Period
from okrs.goals.selectors import scoring_day
from tests import factories as f

pytestmark = pytest.mark.django_db


def grades(period, objectives, *, on=None):  # type: ignore[no-untyped-def]
    """The objectives graded from the history as of the day a page would read for `on`."""
    return grades_on(period, objectives, scoring_day(period, on))


def _world() -> dict:
    period = f.period()
    cdt = f.team("cdt", name="Community Development")
    reps = f.team("reps", name="Mozilla Reps", parent=cdt)
    parent = f.objective(team=cdt, period=period, code="O1", title="Healthy community")
    child = f.objective(team=reps, period=period, code="O1", title="Onboarding", weight=2.0)
    f.align(child, parent)
    nps = f.key_result(objective=parent, baseline=5, target=11.5, unit="NPS")
    people = f.key_result(objective=child, baseline=0, target=50, unit="Reps")
    done = f.key_result(objective=child, direction="milestone")
    f.checkin(nps, 7.5, "2017-01-20T10:00:00", confidence=0.6)
    f.checkin(nps, 9.0, "2017-02-10T10:00:00")
    f.checkin(people, 12, "2017-02-05T10:00:00", confidence=0.4)
    f.checkin(people, 30, "2017-03-01T10:00:00")
    f.checkin(done, 1, "2017-03-15T10:00:00")
    return {"period": period, "parent": parent, "child": child, "reps": reps}


def test_each_days_grades_equal_the_pages_grades_of_that_day(
    django_assert_num_queries: object,
) -> None:
    world = _world()
    period = world["period"]
    days = sample_days(period, dt.date(2017, 3, 31))
    scope = Objective.objects.all()
    with django_assert_num_queries(4):  # type: ignore[operator]
        trend = grade_history(period, scope, days)
    assert trend.days == days
    for day, graded in zip(days, trend.graded, strict=True):
        page = grades(period, scope, on=day)
        assert graded.organization == page.organization, day
        assert graded.teams == page.teams, day
        assert {k: v.grade for k, v in graded.objectives.items()} == {
            k: v.grade for k, v in page.objectives.items()
        }, day
    points, expected = trend.objective(world["parent"].pk)
    assert points[0] == (period.start, 0.0)  # nothing checked in on the first day: counts as 0
    assert points[-1][1] == grades(period, scope, on=days[-1]).objectives[world["parent"].pk].grade
    assert expected[0][1] == 0.0 and expected[-1][1] == pytest.approx(1.0)
    team_points, team_expected = trend.team(world["reps"].pk)
    assert team_points[-1][1] == grades(period, scope, on=days[-1]).teams[world["reps"].pk]
    assert len(team_expected) == len(days)
    org_points, _ = trend.organization()
    assert org_points[-1][1] == grades(period, scope, on=days[-1]).organization


def test_sample_days_run_weekly_to_today_and_stay_few() -> None:
    quarter = Period(slug="q", start=dt.date(2017, 1, 1), end=dt.date(2017, 3, 31))
    days = sample_days(quarter, dt.date(2017, 2, 1))
    assert days[0] == quarter.start and days[-1] == dt.date(2017, 2, 1)
    assert all((b - a).days <= 7 for a, b in itertools.pairwise(days))
    year = Period(slug="y", start=dt.date(2017, 1, 1), end=dt.date(2017, 12, 31))
    days = sample_days(year, dt.date(2018, 5, 1))
    assert len(days) <= MAX_SAMPLES + 1 and days[-1] == year.end
    before = sample_days(quarter, dt.date(2016, 6, 1))
    assert before == [quarter.start]
