"""Constants of the code written into a query's text (`okrs.sqlread.sql_constant`): the
database reads back exactly the value, and anything that would need escaping is refused."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from hypothesis import given, settings
from hypothesis import strategies as st

from okrs.goals.models import ObjectiveState
from okrs.sqlread import sql_constant

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
