"""One UPDATE that writes different values to several rows: what the kept scores' roll-up writes
after every check-in (the objective and each one it contributes to).

Django's `bulk_update` says the same with a `CASE WHEN id = … THEN …` per field and row, and
building those expressions was a third of a check-in's CPU (figures in docs/performance.md). This
is `UPDATE … FROM (VALUES …)`, which PostgreSQL and SQLite (3.33 and later) both run, with the
values as parameters and every name quoted by the backend.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import connection, models

ROWS_PER_STATEMENT = 1000
"""Rows per UPDATE: a database takes a bounded number of parameters (PostgreSQL 65,535)."""


def update_rows(
    model: type[models.Model], fields: Sequence[str], rows: Mapping[int, Sequence[Any]]
) -> int:
    """Write `rows` (primary key → one value per field of `fields`, in order) in one statement;
    returns the number of rows updated. Values go through each field's `get_db_prep_save`, as
    the ORM's own writes do."""
    if not rows:
        return 0
    quote = connection.ops.quote_name
    meta = model._meta
    table = quote(meta.db_table)
    columns = [meta.get_field(name) for name in fields]
    # the VALUES list's columns are column1 (the key), column2, …: the same names on both
    # engines. PostgreSQL gives a column of NULLs the type text, so each is cast to its field's
    # type there; SQLite stores what it is given (and its CAST to a date would make it a number)
    cast = connection.vendor == "postgresql"
    assignments = ", ".join(
        f"{quote(field.column)} = "
        + (
            f"CAST(v.column{i + 2} AS {field.cast_db_type(connection)})"
            if cast
            else f"v.column{i + 2}"
        )
        for i, field in enumerate(columns)
    )
    placeholder = "(" + ", ".join(["%s"] * (len(columns) + 1)) + ")"
    params: list[Any] = []
    for pk, values in rows.items():
        params.append(pk)
        params.extend(
            field.get_db_prep_save(value, connection)
            for field, value in zip(columns, values, strict=True)
        )
    pk_column = quote(meta.pk.column)
    width = len(columns) + 1
    updated = 0
    with connection.cursor() as cursor:
        for start in range(0, len(params), ROWS_PER_STATEMENT * width):
            chunk = params[start : start + ROWS_PER_STATEMENT * width]
            values_list = ", ".join([placeholder] * (len(chunk) // width))
            cursor.execute(
                f"UPDATE {table} SET {assignments} FROM (VALUES {values_list}) AS v "
                f"WHERE {table}.{pk_column} = v.column1",
                chunk,
            )
            updated += cursor.rowcount
    return updated
