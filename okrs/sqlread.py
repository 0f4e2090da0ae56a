"""Helpers of the written-out reads left in `okrs.goals` (the period's scoring rows and the
anonymous reader's objective rule); the API's reads use the ORM. To be removed with them."""

from __future__ import annotations

import re
from typing import Any

from django.db import connection

_CONSTANT = re.compile(r"[A-Za-z0-9_.-]*")


def sql_constant(value: Any) -> str:
    """A constant of the code (an enum's value, a number) as an SQL literal, for a rule written
    into a query's text rather than passed as a parameter. PostgreSQL plans a prepared statement
    once (its generic plan) only where that plan is judged no dearer than one made for the
    parameters at hand; with a rule's constants as parameters it judges otherwise, and plans
    the statement anew on every read (the anonymous objectives list: 0.8 -> 0.4 ms of its CPU a
    read at the large scale). Only integers and words of letters, digits, `_`, `.` and `-`
    are taken, so nothing that needs escaping ever reaches the text: anything else raises."""
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise TypeError(f"not a constant for SQL text: {value!r}")
    if isinstance(value, int):
        return str(int(value))
    if not _CONSTANT.fullmatch(value):
        raise ValueError(f"not a constant for SQL text: {value!r}")
    return "'" + str.__str__(value) + "'"


def converters_of(fields: Any) -> list[tuple[int, Any, list[Any]]]:
    """What the ORM's compiler applies to these fields' columns as read: the backend's
    converters, then the field's; as (the column's index, its expression, the converters)."""
    found = []
    for index, field in enumerate(fields):
        converters = connection.ops.get_db_converters(field.cached_col)
        converters = converters + field.cached_col.get_db_converters(connection)
        if converters:
            found.append((index, field.cached_col, converters))
    return found


def convert_row(converters: list[tuple[int, Any, list[Any]]], values: list[Any]) -> list[Any]:
    """`values` (a row as read, changed in place and returned) with `converters_of` its columns
    applied, as the ORM's compiler applies them."""
    for index, expression, functions in converters:
        for convert in functions:
            values[index] = convert(values[index], expression, connection)
    return values
