"""The API's check-ins list, a written-out query (`goals.selectors.checkin_list_sql`), against
the ORM's: the key result's check-ins (never another's), in key order from the cursor, each as
`checkin_out` renders it, with and without an author."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from okrs.api.routers.goals import checkin_out
from okrs.api.schemas import CheckInOut
from okrs.goals.models import CheckIn
from okrs.goals.selectors import checkin_list_page
from tests import factories as f
from tests.api.schema_json import schema_json, written_json

pytestmark = pytest.mark.django_db
START = dt.datetime(2017, 1, 2, 9, 30, 15, 250000, tzinfo=dt.UTC)


@pytest.fixture
def world():  # type: ignore[no-untyped-def]
    ours = f.key_result()
    return ours, f.key_result(objective=ours.objective), f.person("checker")


CHECKIN = st.tuples(
    st.booleans(),  # of the key result read (or of its sibling)
    st.floats(-1e6, 1e6, allow_nan=False),
    st.one_of(st.none(), st.floats(0, 1)),  # confidence
    st.booleans(),  # with an author
    st.integers(0, 10_000),  # minutes after START
)


@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(checkins=st.lists(CHECKIN, max_size=10), after=st.integers(0, 10), limit=st.integers(1, 6))
def test_the_written_out_list_is_the_orm_list(world, checkins, after, limit) -> None:  # type: ignore[no-untyped-def]
    ours, sibling, person = world
    CheckIn.objects.all().delete()
    first = None
    for mine, value, confidence, authored, minutes in checkins:
        made = f.checkin(
            ours if mine else sibling,
            value,
            START + dt.timedelta(minutes=minutes),
            confidence=confidence,
            author=person if authored else None,
            note=f"note {minutes}",
        )
        first = first or made.pk
    start = (first or 1) - 1 + after
    expected = [
        checkin_out(c)
        for c in CheckIn.objects.select_related("author")
        .filter(key_result=ours, pk__gt=start)
        .order_by("pk")[:limit]
    ]
    got = checkin_list_page(ours.pk, after=start, limit=limit)
    assert written_json(got) == schema_json(CheckInOut, expected)
