"""One UPDATE that writes different values to several rows: what the kept scores' roll-up writes
after every check-in (the objective and each one it contributes to).

Django's `bulk_update` says the same with a `CASE WHEN id = … THEN …` per field and row, and
building those expressions was a third of a check-in's CPU (figures in docs/performance.md). This
is `UPDATE … FROM (VALUES …)`, which PostgreSQL and SQLite (3.33 and later) both run, with the
values as parameters and every name quoted by the backend.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
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


def update_from(
    model: type[models.Model],
    match: Mapping[str, str],
    source: models.QuerySet,
    optional: models.QuerySet | None = None,
) -> int:
    """Write the rows a query computes into `model`, in one statement (`update_from_sql`)."""
    return execute(*update_from_sql(model, match, source, optional))


def execute(sql: str, params: Sequence[Any]) -> int:
    """Run one statement built here; returns the number of rows it wrote."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


_STAND_IN = -(2**62)


@dataclass(frozen=True)
class Statement:
    """A statement built once for some number of keys, run again with other keys: its SQL,
    its parameters, and where the keys go among them (parameter index, which key)."""

    sql: str
    params: tuple[Any, ...]
    places: tuple[tuple[int, int], ...]

    @classmethod
    def build(cls, make: Callable[[list[int]], tuple[str, list[Any]]], count: int) -> Statement:
        """`make(keys)` (SQL and parameters, by the ORM) built with `count` stand-in keys,
        which mark their places among the parameters."""
        marks = [_STAND_IN + n for n in range(count)]
        sql, params = make(marks)
        places = tuple(
            (i, p - _STAND_IN)
            for i, p in enumerate(params)
            if type(p) is int and _STAND_IN <= p < _STAND_IN + count
        )
        if {which for _, which in places} != set(range(count)):
            raise ValueError("every key must have a place among the parameters")
        return cls(sql, tuple(params), places)

    def run(self, keys: Sequence[int]) -> int:
        """Run it with `keys` in the places of the stand-ins; returns the rows written."""
        params = list(self.params)
        for i, which in self.places:
            params[i] = keys[which]
        return execute(self.sql, params)


def update_from_sql(
    model: type[models.Model],
    match: Mapping[str, str],
    source: models.QuerySet,
    optional: models.QuerySet | None = None,
) -> tuple[str, list[Any]]:
    """`UPDATE … FROM (source) LEFT JOIN (optional)` and its parameters, where `source` and
    `optional` are `values()` querysets (the ORM builds their SQL) whose columns are named
    after `model`'s fields, beside the key columns `match` names (model field → column). A row
    of `model` no `source` row matches is left as it is; a column of `optional` without a row
    takes its field's default.

    What the teams' kept rollups write after a check-in: one grouped read of the objectives
    and one of their key results, matched to the parts. The ORM's own form, an UPDATE of every
    column by a correlated subquery, cost 44 ms of CPU to build and 10 ms in PostgreSQL a
    check-in on the large benchmark (docs/performance.md, fourteenth session)."""
    quote = connection.ops.quote_name
    meta = model._meta
    table = quote(meta.db_table)
    source_sql, source_params = source.query.sql_with_params()
    fields = [name for name in source.query.annotation_select if name not in match.values()]
    assignments = [f"{quote(meta.get_field(name).column)} = p.{quote(name)}" for name in fields]
    # the parameters in the order of their places: the SET clause's, the source's, the join's
    joined, set_params, params = "", [], list(source_params)
    if optional is not None:
        optional_sql, optional_params = optional.query.sql_with_params()
        on = " AND ".join(f"o.{quote(key)} = p.{quote(key)}" for key in match.values())
        joined = f" LEFT JOIN ({optional_sql}) AS o ON {on}"
        params.extend(optional_params)
        for name in optional.query.annotation_select:
            if name in match.values():
                continue
            field = meta.get_field(name)
            default = field.get_default()
            value = f"o.{quote(name)}"
            if default is not None:
                value = f"COALESCE({value}, %s)"
                set_params.append(default)
            assignments.append(f"{quote(field.column)} = {value}")
    where = " AND ".join(
        f"{table}.{quote(meta.get_field(name).column)} = p.{quote(key)}"
        for name, key in match.items()
    )
    sql = (
        f"UPDATE {table} SET {', '.join(assignments)} "
        f"FROM ({source_sql}) AS p{joined} WHERE {where}"
    )
    return sql, [*set_params, *params]
