"""A key result's latest check-in, a written-out query (`goals.selectors.latest_checkin`, what
the API's key result read shows), against the ORM's (`key_results_with_latest`): by time, ties
broken by the later key, never another key result's, None without any."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from okrs.goals.models import CheckIn, KeyResult
from okrs.goals.selectors import key_results_with_latest, latest_checkin
from tests import factories as f

pytestmark = pytest.mark.django_db
START = dt.datetime(2017, 1, 2, 9, 30, 15, 250000, tzinfo=dt.UTC)

CHECKIN = st.tuples(
    st.booleans(),  # of the key result read (or of its sibling)
    st.floats(-1e6, 1e6, allow_nan=False),
    st.one_of(st.none(), st.floats(0, 1)),  # confidence
    st.integers(0, 4),  # minutes after START: few, so that times tie
)


@pytest.fixture
def world():  # type: ignore[no-untyped-def]
    ours = f.key_result()
    return ours, f.key_result(objective=ours.objective)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(checkins=st.lists(CHECKIN, max_size=8))
def test_the_written_out_latest_is_the_orms(world, checkins) -> None:  # type: ignore[no-untyped-def]
    ours, sibling = world
    CheckIn.objects.all().delete()
    for mine, value, confidence, minutes in checkins:
        at = START + dt.timedelta(minutes=minutes)
        f.checkin(ours if mine else sibling, value, at, confidence=confidence)
    annotated = key_results_with_latest(KeyResult.objects.filter(pk=ours.pk)).get()
    expected = (annotated.latest_value, annotated.latest_confidence, annotated.latest_at)
    got = latest_checkin(ours.pk)
    if not any(mine for mine, *_ in checkins):
        assert got is None and expected == (None, None, None)
    else:
        assert got == expected
        assert got is not None and got[2].tzinfo is not None


def test_the_api_shows_the_latest(client, world) -> None:  # type: ignore[no-untyped-def]
    ours, _ = world
    ours.objective.team.visibility = "public"
    ours.objective.team.save()
    f.checkin(ours, 3.0, "2017-01-05T10:00:00", confidence=0.5)
    f.checkin(ours, 7.0, "2017-01-05T10:00:00", confidence=0.9)  # same time, later key
    f.checkin(ours, 1.0, "2017-01-04T10:00:00")
    body = client.get(f"/api/v1/key-results/{ours.pk}").json()
    assert (body["value"], body["confidence"]) == (7.0, 0.9)
    assert body["last_checkin_at"] == "2017-01-05T10:00:00Z"
