"""Distinct people, a written-out query, against the events counted one by one in Python: the
people (of the cohort, if given) with an event of the kind (and subject, if given) up to the
moment measured (and from the period's start, if asked), and the events behind them."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from okrs.core.measures import parse_measure
from okrs.measures.evaluate import evaluate
from okrs.measures.models import ParticipationEvent
from okrs.org.models import Cohort
from tests import factories as f

pytestmark = pytest.mark.django_db
START = dt.datetime(2017, 1, 1, 12, tzinfo=dt.UTC)
PERIOD_START = dt.date(2017, 1, 3)

EVENT = st.tuples(
    st.integers(min_value=0, max_value=5),  # who (people 0-5; 0-3 are in the cohort)
    st.sampled_from(["feedback", "talk"]),
    st.sampled_from(["strategy", "guide", ""]),
    st.integers(min_value=0, max_value=5),  # day (at noon, as the moment measured)
)
PARAMS = st.fixed_dictionaries(
    {"event": st.sampled_from(["feedback", "talk"])},
    optional={
        "subject": st.sampled_from(["strategy", "guide"]),
        "cohort": st.just("reps"),
        "since_period_start": st.booleans(),
    },
)


@pytest.fixture
def world():  # type: ignore[no-untyped-def]
    people = [f.person(f"event-person-{i}") for i in range(6)]
    Cohort.objects.create(slug="reps", name="Reps").members.add(*people[:4])
    return people, f.period("2017-Q1", start=PERIOD_START, end=dt.date(2017, 3, 31))


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(events=st.lists(EVENT, max_size=25), params=PARAMS, day=st.integers(0, 6))
@example(  # the moment measured and the period's first day are both bounds that count
    events=[(0, "feedback", "", 3), (1, "feedback", "", 2), (1, "feedback", "", 1)],
    params={"event": "feedback", "since_period_start": True},
    day=3,
)
def test_the_query_gives_what_the_events_counted_one_by_one_give(
    world, events, params, day
) -> None:  # type: ignore[no-untyped-def]
    people, period = world
    ParticipationEvent.objects.all().delete()
    stored = []
    for n, (who, kind, subject, days) in enumerate(events):
        at = START + dt.timedelta(days=days)
        ParticipationEvent.objects.create(
            person=people[who], kind=kind, subject=subject, at=at, content_key=f"k{n}"
        )
        stored.append((who, kind, subject, at))
    as_of = START + dt.timedelta(days=day)
    since = dt.datetime.combine(PERIOD_START, dt.time(), tzinfo=dt.UTC)
    kept = [
        who
        for who, kind, subject, at in stored
        if kind == params["event"]
        and at <= as_of
        and ("subject" not in params or subject == params["subject"])
        and (not params.get("since_period_start") or at >= since)
        and ("cohort" not in params or who < 4)
    ]
    result = evaluate(parse_measure("distinct_people", params), period=period, as_of=as_of)
    assert (result.value, result.sample) == (float(len(set(kept))), len(kept))
    assert result.detail == {"people": len(set(kept)), "events": len(kept)}


def test_an_event_at_the_first_moment_of_the_period_counts(world) -> None:  # type: ignore[no-untyped-def]
    people, period = world
    first = dt.datetime.combine(PERIOD_START, dt.time(), tzinfo=dt.UTC)
    for n, at in enumerate([first, first - dt.timedelta(microseconds=1)]):
        ParticipationEvent.objects.create(
            person=people[n], kind="feedback", subject="", at=at, content_key=f"edge{n}"
        )
    params = parse_measure("distinct_people", {"event": "feedback", "since_period_start": True})
    result = evaluate(params, period=period, as_of=first)
    assert (result.value, result.sample) == (1.0, 1)
