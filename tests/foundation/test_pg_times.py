"""On PostgreSQL, `timestamptz` values are read by okrs' loader (`okrs.pgbackend`): the same
aware UTC datetimes as Django's own loader gives, for any time, any session time zone, and the
values Python cannot hold refused as psycopg refuses them."""

from __future__ import annotations

import datetime as dt

import psycopg
import pytest
from django.db import DataError, connection
from django.db.backends.postgresql.psycopg_any import BaseTzLoader
from hypothesis import given, settings
from hypothesis import strategies as st

from okrs.goals.models import Objective
from tests import factories as f

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]


class DjangosLoader(BaseTzLoader):
    """Django's loader for a UTC connection: the oracle."""

    timezone = dt.UTC


def _read(sql: str, *params: object) -> object:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def test_the_connection_reads_times_with_okrs_loader_and_django_keeps_it() -> None:
    from okrs.pgbackend.base import UtcTimestamptzLoader

    with connection.cursor() as cursor:  # Django re-registers its own if `timezone` differs
        loader = cursor.cursor.adapters.get_loader(1184, psycopg.pq.Format.TEXT)
    assert loader is UtcTimestamptzLoader


def test_a_model_reads_back_the_time_it_saved() -> None:
    objective = f.objective()
    saved = Objective.objects.values_list("created_at", flat=True).get(pk=objective.pk)
    assert saved == objective.created_at and saved.tzinfo is dt.UTC


@settings(max_examples=150, deadline=None)
@given(
    moment=st.datetimes(
        min_value=dt.datetime(1, 1, 2),
        max_value=dt.datetime(9999, 12, 30),
        timezones=st.just(dt.UTC),
    ),
    zone=st.sampled_from(["UTC", "Asia/Kolkata", "America/St_Johns", "Pacific/Chatham"]),
)
def test_any_time_in_any_session_zone_reads_as_django_reads_it(moment, zone) -> None:  # type: ignore[no-untyped-def]
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('TimeZone', %s, false)", [zone])
        try:
            cursor.execute("SELECT %s::timestamptz, (%s::timestamptz)::text", [moment, moment])
            value, text = cursor.fetchone()
        finally:
            cursor.execute("SELECT set_config('TimeZone', 'UTC', false)")
    expected = DjangosLoader(1184, connection.connection).load(text.encode())
    assert value == moment == expected
    assert value.tzinfo is dt.UTC
    assert value.utcoffset() == dt.timedelta(0)


@pytest.mark.parametrize("text", ["infinity", "-infinity", "0001-01-01 00:00:00+00 BC"])
def test_times_python_cannot_hold_are_refused_as_psycopg_refuses_them(text: str) -> None:
    with pytest.raises(DataError) as ours:  # Django's, wrapping psycopg's
        _read("SELECT %s::timestamptz", text)
    with pytest.raises(psycopg.DataError) as psycopgs:
        DjangosLoader(1184, connection.connection).load(_read("SELECT %s", text).encode())
    assert str(ours.value) == str(psycopgs.value)
