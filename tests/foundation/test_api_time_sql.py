"""Times formatted by the database as the API writes them (`okrs.sqlread.api_time_sql`, for
the list reads): for any time, the same text as the API's renderer gives for the time the ORM
reads back, on SQLite and PostgreSQL; NULL stays NULL."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from okrs.api.renderer import _default
from okrs.goals.models import CheckIn
from okrs.sqlread import api_time_sql
from tests import factories as f

pytestmark = pytest.mark.django_db

BERLIN = dt.timezone(dt.timedelta(hours=1))
ZONES = st.sampled_from([dt.UTC, BERLIN, dt.timezone(dt.timedelta(hours=-9, minutes=-30))])
TIMES = st.datetimes(
    min_value=dt.datetime(1000, 1, 2), max_value=dt.datetime(9999, 12, 30), timezones=ZONES
)


@pytest.fixture
def checkin() -> CheckIn:
    return f.checkin(f.key_result(), 1.0, "2017-01-02T10:00:00")


def _formatted(pk: int, column: str) -> object:
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {api_time_sql('c.' + q(column))} FROM {q(CheckIn._meta.db_table)} c"
            f" WHERE c.{q('id')} = %s",
            [pk],
        )
        return cursor.fetchone()[0]


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(moment=TIMES)
@example(moment=dt.datetime(2017, 1, 2, 10, 0, 0, tzinfo=dt.UTC))
@example(moment=dt.datetime(2017, 1, 2, 10, 0, 0, 999, tzinfo=dt.UTC))  # a fraction, 0 ms
@example(moment=dt.datetime(2017, 1, 2, 10, 0, 0, 999999, tzinfo=dt.UTC))  # cut, not rounded
@example(
    moment=dt.datetime(2017, 1, 1, 0, 30, 0, 500000, tzinfo=dt.timezone(dt.timedelta(hours=1)))
)
def test_the_database_writes_a_time_as_the_renderer_does(checkin, moment) -> None:  # type: ignore[no-untyped-def]
    CheckIn.objects.filter(pk=checkin.pk).update(at=moment)
    read = CheckIn.objects.get(pk=checkin.pk).at
    assert read == moment
    assert _formatted(checkin.pk, "at") == _default(read)


def test_null_stays_null() -> None:
    q = connection.ops.quote_name
    with connection.cursor() as cursor:  # a time column's NULL: no check-in joined
        cursor.execute(
            f"SELECT {api_time_sql('c.' + q('at'))} FROM (SELECT 1 AS one) d"
            f" LEFT JOIN {q(CheckIn._meta.db_table)} c ON 1 = 0"
        )
        assert cursor.fetchone()[0] is None
