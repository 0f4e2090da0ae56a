"""Cohort measures count the cohort as it was on the day measured (`CohortMembership.on`): a
volunteer who joins today (an accepted offer of help) or a person who leaves changes nothing
measured before, even when a site admin re-measures a closed period on purpose."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from okrs.core.measures import DistinctPeopleParams
from okrs.goals.models import Period
from okrs.measures.demo import load_demo_datasets
from okrs.measures.evaluate import _members, evaluate
from okrs.measures.models import Measurement, ParticipationEvent
from okrs.org.memberships import cohort_join, cohort_leave
from okrs.org.models import Cohort, CohortMembership
from okrs.talk import services as talk
from tests import factories as f
from tests.measures.test_demo import FILE_REPS, expected_feedback, expected_watching

pytestmark = pytest.mark.django_db

DAY0 = dt.date(2017, 1, 1)


def _at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC)


spans = st.lists(
    st.tuples(
        st.one_of(st.none(), st.integers(0, 30)),  # started, days after DAY0 (None: unknown)
        st.one_of(st.none(), st.integers(0, 30)),  # lasted this many days (None: still in)
    ),
    min_size=1,
    max_size=6,
)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(spans, st.integers(-2, 62))
def test_the_cohort_on_a_day_is_who_had_started_and_not_yet_ended(
    memberships: list[tuple[int | None, int | None]], offset: int
) -> None:
    CohortMembership.objects.all().delete()
    cohort = Cohort.objects.get_or_create(slug="c", defaults={"name": "C"})[0]
    day = DAY0 + dt.timedelta(days=offset)
    expected = set()
    for n, (start, length) in enumerate(memberships):
        person = User.objects.get_or_create(username=f"p{n}")[0]
        started = None if start is None else DAY0 + dt.timedelta(days=start)
        ended = None if length is None else (started or DAY0) + dt.timedelta(days=length)
        CohortMembership.objects.create(
            cohort=cohort, user=person, started_on=started, ended_on=ended
        )
        if (started is None or started <= day) and (ended is None or day < ended):
            expected.add(person.pk)
    assert set(_members("c", _at(day)).values_list("user_id", flat=True)) == expected
    # the written-out query counts the same people
    for pk in User.objects.filter(username__startswith="p").values_list("pk", flat=True):
        ParticipationEvent.objects.get_or_create(
            person_id=pk, kind="k", at=_at(DAY0 - dt.timedelta(days=9)), content_key=f"e{pk}"
        )
    period = Period.objects.filter(slug="2017-Q1").first() or f.period()
    result = evaluate(DistinctPeopleParams(event="k", cohort="c"), period=period, as_of=_at(day))
    assert result.value == len(expected)


def test_joining_and_leaving_keep_the_rows_and_their_days() -> None:
    cohort = Cohort.objects.create(slug="c", name="C")
    person = f.person("p")
    first = cohort_join(cohort=cohort, person=person, on=dt.date(2017, 1, 5))
    assert cohort_join(cohort=cohort, person=person, on=dt.date(2017, 2, 1)) == first  # kept
    assert cohort_leave(person=person, cohort=cohort, on=dt.date(2017, 3, 1)) == 1
    again = cohort_join(cohort=cohort, person=person, on=dt.date(2017, 4, 1))
    rows = CohortMembership.objects.filter(user=person).order_by("pk")
    assert [(m.started_on, m.ended_on) for m in rows] == [
        (dt.date(2017, 1, 5), dt.date(2017, 3, 1)),
        (dt.date(2017, 4, 1), None),
    ]
    assert again.pk != first.pk
    in_march = _members("c", _at(dt.date(2017, 3, 15)))
    assert not in_march.exists() and _members("c", _at(dt.date(2017, 2, 1))).exists()


def test_an_offer_accepted_today_changes_no_number_of_the_closed_demo_quarter(seed) -> None:  # type: ignore[no-untyped-def]
    for username in FILE_REPS:
        f.membership(f.person(username), seed.cohort.team)
    load_demo_datasets()
    before = dict(Measurement.objects.values_list("key_result_id", "value"))
    assert before[seed.watching.pk] == expected_watching()
    lead = f.person("lead-of-reps")
    f.membership(lead, seed.cohort.team, role="lead")
    volunteer = f.person("volunteer")  # no facts, no events: counting them would lower shares
    offer = talk.offer_make(target=seed.watching, person=volunteer, note="count me in")
    talk.offer_accept(offer=offer, lead=lead)
    assert seed.cohort.members.filter(pk=volunteer.pk).exists()  # in the cohort from today
    call_command("measure", "--period", "2017-Q1", stdout=StringIO())
    f.person("root", is_superuser=True)
    call_command("measure", "--period", "2017-Q1", "--remeasure-by", "root", stdout=StringIO())
    after = dict(Measurement.objects.values_list("key_result_id", "value"))
    assert after == before
    assert after[seed.watching.pk] == expected_watching()
    assert after[seed.feedback.pk] == expected_feedback()
