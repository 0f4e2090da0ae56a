"""The rows every period page grades from (`goals.selectors.scoring_rows`, one written-out query)
against the ORM's annotations (`key_results_with_latest`): the same key results (archived ones
left out, only those of the objectives given), the same latest check-in as of the end of the day
(by time, ties broken by the later key, later check-ins ignored), None without one."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import override_settings
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from okrs.goals.models import CheckIn, KeyResult, Objective
from okrs.goals.selectors import KR_SCORING_FIELDS, key_results_with_latest, scoring_rows
from tests import factories as f

pytestmark = pytest.mark.django_db
ON = dt.date(2017, 2, 10)
END_OF_DAY_UTC = dt.datetime(2017, 2, 10, 23, 59, tzinfo=dt.UTC)

CHECKIN = st.tuples(
    st.integers(0, 3),  # which key result
    st.floats(-1e6, 1e6, allow_nan=False),
    st.one_of(st.none(), st.floats(0, 1)),  # confidence
    st.integers(-3, 3),  # minutes from 23:59 on the day: some after its end, some tied
)


@pytest.fixture
def world():  # type: ignore[no-untyped-def]
    """Four key results: two of one objective, one archived, one of another objective (not read),
    and a milestone with a stretch-less rule and a deadline."""
    ours = f.objective()
    other = f.objective(team=ours.team)
    return [
        f.key_result(objective=ours),
        f.key_result(objective=ours, direction="milestone", deadline=dt.date(2017, 2, 1)),
        f.key_result(objective=ours, archived=True),
        f.key_result(objective=other, target_high=None, stretch=150.0),
    ], ours


def _orm_rows(objectives, on, with_time):  # type: ignore[no-untyped-def]
    fields = [*KR_SCORING_FIELDS, "latest_value", "latest_confidence"]
    return sorted(
        key_results_with_latest(
            KeyResult.objects.filter(objective__in=objectives.values("pk"), archived=False),
            on=on,
            with_time=with_time,
        ).values_list(*fields, *(["latest_at"] if with_time else []))
    )


@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(checkins=st.lists(CHECKIN, max_size=10), with_time=st.booleans())
@example(checkins=[(0, 1.0, None, 0), (0, 2.0, 0.5, 0), (1, 0.5, None, -1)], with_time=False)
def test_the_written_out_rows_are_the_orms(world, checkins, with_time) -> None:  # type: ignore[no-untyped-def]
    key_results, ours = world
    CheckIn.objects.all().delete()
    for which, value, confidence, minutes in checkins:
        at = END_OF_DAY_UTC + dt.timedelta(minutes=minutes)
        f.checkin(key_results[which], value, at, confidence=confidence)
    objectives = Objective.objects.filter(pk=ours.pk)
    got = sorted(scoring_rows(objectives, ON, with_time=with_time))
    assert got == _orm_rows(objectives, ON, with_time)
    assert [row[0] for row in got] == sorted(kr.pk for kr in key_results[:2])
    assert {type(row[8]) for row in got} == {type(None), dt.date}  # the deadline, a date
    if with_time:
        assert all(row[12] is None or row[12].tzinfo is not None for row in got)


def test_a_check_in_after_the_day_is_not_read(world) -> None:  # type: ignore[no-untyped-def]
    (first, *_), ours = world
    f.checkin(first, 10.0, END_OF_DAY_UTC, confidence=0.5)
    f.checkin(first, 90.0, END_OF_DAY_UTC + dt.timedelta(minutes=1))
    rows = {row[0]: row for row in scoring_rows(Objective.objects.filter(pk=ours.pk), ON)}
    assert rows[first.pk][10:] == (10.0, 0.5)
    on_next_day = {
        row[0]: row
        for row in scoring_rows(Objective.objects.filter(pk=ours.pk), ON + dt.timedelta(days=1))
    }
    assert on_next_day[first.pk][10:] == (90.0, None)


@override_settings(TIME_ZONE="Pacific/Auckland")
def test_the_day_ends_in_the_sites_time_zone(world) -> None:  # type: ignore[no-untyped-def]
    """In Auckland (UTC+13 in February) 10 February ends at 10:59:59 UTC."""
    (first, *_), ours = world
    f.checkin(first, 10.0, "2017-02-10T10:59:00")
    f.checkin(first, 20.0, "2017-02-10T11:00:00")
    objectives = Objective.objects.filter(pk=ours.pk)
    rows = {row[0]: row for row in scoring_rows(objectives, ON)}
    assert rows[first.pk][10] == 10.0
    assert sorted(scoring_rows(objectives, ON, with_time=True)) == _orm_rows(objectives, ON, True)


def test_no_objectives_no_rows(world) -> None:  # type: ignore[no-untyped-def]
    assert scoring_rows(Objective.objects.none(), ON) == []
    assert scoring_rows(Objective.objects.filter(pk__in=[]), ON, with_time=True) == []
