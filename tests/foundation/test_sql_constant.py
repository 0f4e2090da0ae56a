"""Constants of the code written into a query's text (`okrs.sqlread.sql_constant`,
`inline_constants`): the database reads back exactly the value, anything that would need
escaping is refused, and on PostgreSQL the anonymous reader's list reads, whose rules are all
such constants, are planned once per connection (a generic plan), not on every read."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from hypothesis import given, settings
from hypothesis import strategies as st

from okrs.goals.access import visible_objectives_sql
from okrs.goals.models import Objective, ObjectiveState
from okrs.goals.selectors import ObjectiveListFilter, objective_list_page, objective_list_sql
from okrs.heartbeats.models import WorkPacket
from okrs.heartbeats.selectors import PacketListFilter, packet_list_page, packet_list_sql
from okrs.org.access import visible_team_ids_sql
from okrs.sqlread import inline_constants, sql_constant
from tests import factories as f

pytestmark = pytest.mark.django_db

WORDS = st.from_regex(r"[A-Za-z0-9_.-]*", fullmatch=True)


def _select(sql: str) -> object:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]


@settings(max_examples=60, deadline=None)
@given(WORDS)
def test_a_word_reads_back_as_itself(word: str) -> None:
    assert _select(f"SELECT {sql_constant(word)}") == word


@settings(max_examples=60, deadline=None)
@given(st.integers(-(2**62), 2**62))
def test_an_integer_reads_back_as_itself(number: int) -> None:
    assert int(_select(f"SELECT {sql_constant(number)}")) == number


def test_an_enum_member_is_written_as_its_value() -> None:
    assert sql_constant(ObjectiveState.PUBLISHED) == "'published'"


@given(st.text().filter(lambda text: not re.fullmatch(r"[A-Za-z0-9_.-]*", text)))
def test_anything_that_would_need_escaping_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="not a constant"):
        sql_constant(text)


@pytest.mark.parametrize("value", [True, None, 1.5, b"public", ["public"]])
def test_other_kinds_of_value_are_refused(value: object) -> None:
    with pytest.raises(TypeError, match="not a constant"):
        sql_constant(value)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.one_of(WORDS, st.integers(-1000, 1000)), min_size=1, max_size=4))
def test_inlined_constants_give_what_the_parameters_gave(values: list[object]) -> None:
    sql = "SELECT " + " || '|' || ".join(["CAST(%s AS TEXT)"] * len(values))
    with connection.cursor() as cursor:
        cursor.execute(sql, [str(value) for value in values])
        passed = cursor.fetchone()[0]
    assert _select(inline_constants(sql, values)) == passed


@pytest.mark.parametrize(
    ("sql", "params"),
    [
        ("SELECT %s", ()),
        ("SELECT %s, %s", ("a",)),
        ("SELECT 1", ("a",)),
        ("SELECT %(name)s", ()),
    ],
)
def test_placeholders_and_parameters_must_pair(sql: str, params: tuple[object, ...]) -> None:
    with pytest.raises(ValueError, match="placeholders"):
        inline_constants(sql, params)


def test_the_anonymous_rules_pass_no_parameters() -> None:
    anonymous = AnonymousUser()
    assert visible_objectives_sql(anonymous, "o", "t")[1] == ()
    assert visible_team_ids_sql(anonymous) is not None
    assert visible_team_ids_sql(anonymous)[1] == ()


def _numbered(sql: str) -> str:
    """`sql` as PostgreSQL lists a prepared statement: `$1`, `$2`... for the placeholders."""
    parts = sql.split("%s")
    return parts[0] + "".join(f"${n}{part}" for n, part in enumerate(parts[1:], start=1))


def _plans(sql: str) -> tuple[int, int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE statement = %s",
            [_numbered(sql)],
        )
        found = cursor.fetchone()
    assert found is not None, "the read was not prepared"
    return found


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")
def test_the_anonymous_list_reads_are_planned_once() -> None:
    """PostgreSQL makes a custom plan for a prepared statement's first five runs, then keeps its
    generic plan unless it judges it dearer. With the rule's constants as parameters, on
    tables of some size, it judged so, and planned the objectives list anew on every read."""
    teams = [f.team(f"t{n}", visibility="private" if n % 4 == 0 else "public") for n in range(40)]
    periods = [
        f.period("2017-Q1"),
        f.period("2017-Q2", start=dt.date(2017, 4, 1), end=dt.date(2017, 6, 30)),
    ]
    states = ObjectiveState.values
    Objective.objects.bulk_create(
        Objective(
            team=teams[n % len(teams)],
            period=periods[n % 2],
            title=f"Objective {n}",
            state=states[n % len(states)],
            visibility="private" if n % 7 == 0 else "team",
        )
        for n in range(3000)
    )
    WorkPacket.objects.bulk_create(
        WorkPacket(team=teams[n % len(teams)], title=f"Packet {n}") for n in range(3000)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    anonymous = AnonymousUser()
    objectives = ObjectiveListFilter(period="2017-Q2")
    packets = PacketListFilter(team="t1")
    for _ in range(12):
        assert len(objective_list_page(anonymous, objectives, limit=51)) == 51
        assert len(packet_list_page(anonymous, packets, limit=51)) == 51
    for sql, _ in (
        objective_list_sql(anonymous, objectives, after=0, limit=51),
        packet_list_sql(anonymous, packets, after=0, limit=51),
    ):
        generic, custom = _plans(sql)  # of the reads after the first few (not prepared)
        assert custom <= 5 and generic >= 5, (sql, generic, custom)
