"""Cohort fact share, a hand-written query, against the facts read one by one in Python: the
share of the cohort whose latest observation of every condition's fact (up to the moment
measured, ties broken by the later row) has the value asked."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from okrs.core.measures import parse_measure
from okrs.measures.evaluate import evaluate
from okrs.measures.models import PersonFact
from okrs.org.models import Cohort
from tests import factories as f

pytestmark = pytest.mark.django_db
START = dt.datetime(2017, 1, 1, tzinfo=dt.UTC)
KEYS = ["discourse.watching.reps", "discourse.watching.nda"]
VALUES = ["true", "false", "True", "maybe ü"]

FACT = st.tuples(
    st.integers(min_value=0, max_value=5),  # who (people 0-5; 0-3 are in the cohort)
    st.sampled_from(KEYS),
    st.sampled_from(VALUES),
    st.integers(min_value=0, max_value=4),  # day observed (the same day happens: ties)
)
CONDITIONS = st.lists(
    st.tuples(st.sampled_from(KEYS), st.sampled_from(VALUES)),
    min_size=1,
    max_size=2,
    unique_by=lambda condition: condition[0],  # the parser takes each key once
)


def _oracle(
    facts: list[tuple[int, int, str, str, dt.datetime]],
    members: list[int],
    conditions: list[tuple[str, str]],
    as_of: dt.datetime,
) -> tuple[int, int]:
    satisfied = 0
    for person in members:
        ok = True
        for key, value in conditions:
            seen = [(at, pk, v) for pk, who, k, v, at in facts if who == person and k == key]
            seen = [s for s in seen if s[0] <= as_of]
            ok = ok and bool(seen) and max(seen)[2] == value
        satisfied += ok
    return len(members), satisfied


@pytest.fixture
def world():  # type: ignore[no-untyped-def]
    people = [f.person(f"fact-person-{i}") for i in range(6)]
    cohort = Cohort.objects.create(slug="reps", name="Reps")
    cohort.members.add(*people[:4])
    return people, f.period()


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(facts=st.lists(FACT, max_size=25), conditions=CONDITIONS, day=st.integers(0, 7))
@example(  # two observations the same moment: the later row wins
    facts=[(0, KEYS[0], "true", 1), (0, KEYS[0], "false", 1)],
    conditions=[(KEYS[0], "false")],
    day=3,
)
@example(  # observed after the moment measured: not yet known
    facts=[(1, KEYS[0], "true", 1), (1, KEYS[0], "false", 5)], conditions=[(KEYS[0], "true")], day=3
)
def test_the_query_gives_what_the_facts_read_one_by_one_give(world, facts, conditions, day) -> None:  # type: ignore[no-untyped-def]
    people, period = world
    PersonFact.objects.all().delete()
    stored = []
    for n, (who, key, value, days) in enumerate(facts):
        at = START + dt.timedelta(days=days, hours=12)  # the moment measured, on that day
        fact = PersonFact.objects.create(
            person=people[who], key=key, value=value, observed_at=at, content_key=f"k{n}"
        )
        stored.append((fact.pk, people[who].pk, key, value, at))
    as_of = START + dt.timedelta(days=day, hours=12)
    params = parse_measure(
        "cohort_fact_share",
        {"cohort": "reps", "conditions": [{"key": k, "value": v} for k, v in conditions]},
    )
    result = evaluate(params, period=period, as_of=as_of)
    total, satisfied = _oracle(stored, [p.pk for p in people[:4]], conditions, as_of)
    assert (result.sample, result.detail) == (total, {"satisfied": satisfied, "cohort_size": total})
    assert result.value == round(100.0 * satisfied / total, 2)
