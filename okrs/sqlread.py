"""Helpers of the written-out reads of the API's busiest endpoints (`okrs bench load`): their rows
as dicts, and one row loaded by key with related rows as `select_related` loads them.

Each such read is tested equal to the ORM query it stands for. The ORM spends most of a small
read building and compiling the query, about 1 ms for a key result with its objective, team,
period and owner on the benchmark machine, where the query itself and the instances take 0.2.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import connection
from django.db.models import ForeignKey, Model

M = TypeVar("M", bound=Model)

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


def inline_constants(sql: str, params: tuple[Any, ...] | list[Any]) -> str:
    """`sql` with each `%s` replaced by its parameter as `sql_constant` writes it: a query the
    ORM compiled from a rule whose parameters are all constants of the code."""
    parts = sql.split("%s")
    if len(parts) != len(params) + 1 or "%" in "".join(parts).replace("%%", ""):
        raise ValueError(f"{len(params)} parameters for {len(parts) - 1} placeholders: {sql}")
    text = parts[0]
    for value, part in zip(params, parts[1:], strict=True):
        text += sql_constant(value) + part
    return text


def read_dicts(
    sql: str, args: list[Any], fields: tuple[str, ...], times: tuple[str, ...] = ()
) -> list[dict[str, Any]]:
    """The rows of a written-out query as dicts keyed by `fields`, the `times` among them aware
    (in UTC) on every database: SQLite's are read naive, as stored in UTC."""
    with connection.cursor() as cursor:
        cursor.execute(sql, args)
        items = [dict(zip(fields, row, strict=True)) for row in cursor.fetchall()]
    for item in items:
        for name in times:
            value = item[name]
            if value is not None and value.tzinfo is None:
                item[name] = value.replace(tzinfo=dt.UTC)
    return items


def api_time_sql(column: str) -> str:
    """SQL giving the time in `column` as the API writes a time (`okrs.api.renderer`: ISO 8601
    in UTC with `Z`, and milliseconds when it has a fraction of a second), NULL for NULL.

    For the list reads, whose rows go out as they are read (`okrs.api.common.json_page`): a page
    of 50 rows holds 100 times, and making each a `datetime` and then text again took the
    objectives list 2.3 of its 6.5 million instructions a read. PostgreSQL formats the
    `timestamptz` in UTC; SQLite holds what Django writes, naive UTC text `YYYY-MM-DD
    HH:MM:SS[.ffffff]`, and the fraction is cut as Django's encoder cuts it (tested equal to
    the renderer for any time: `tests/foundation/test_api_time_sql.py`)."""
    if connection.vendor == "postgresql":
        # one `to_char` a value, its format chosen by whether the time has a fraction
        utc, seconds = f"{column} AT TIME ZONE 'UTC'", 'YYYY-MM-DD"T"HH24:MI:SS'
        return (
            f"(CASE WHEN date_trunc('second', {column}) = {column}"
            f" THEN to_char({utc}, '{seconds}\"Z\"') ELSE to_char({utc}, '{seconds}.MS\"Z\"') END)"
        )
    return (
        f"(substr({column}, 1, 10) || 'T' || substr({column}, 12, 8)"
        f" || CASE WHEN length({column}) > 19 THEN substr({column}, 20, 4) ELSE '' END || 'Z')"
    )


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


def from_row(
    model: type[M],
    attnames: list[str],
    converters: list[tuple[int, Any, list[Any]]],
    values: list[Any],
) -> M:
    """An instance of `model` from its columns as read (`values`, in `attnames` order, changed in
    place), as the ORM makes one: `converters_of` the fields applied, then `Model.from_db`."""
    return model.from_db(connection.alias, attnames, convert_row(converters, values))


def convert_row(converters: list[tuple[int, Any, list[Any]]], values: list[Any]) -> list[Any]:
    """`values` (a row as read, changed in place and returned) with `converters_of` its columns
    applied, as the ORM's compiler applies them."""
    for index, expression, functions in converters:
        for convert in functions:
            values[index] = convert(values[index], expression, connection)
    return values


@dataclass(frozen=True)
class _Node:
    path: str  # "" for the row itself, "objective__team" for a related row
    model: type[Model]
    attnames: list[str]
    pk_index: int
    converters: list[tuple[int, Any, list[Any]]]  # a column's index, expression, converters


@functools.lru_cache(maxsize=64)
def _plan(model: type[Model], paths: tuple[str, ...], vendor: str) -> tuple[str, list[_Node]]:
    """The query of `load_related` and how to read its row, once per shape and database."""
    q = connection.ops.quote_name
    aliases: dict[str, tuple[type[Model], str]] = {"": (model, "r0")}  # path -> model, alias
    joins: list[str] = []
    for path in paths:
        prefix = ""
        for name in path.split("__"):
            parent_model, parent_alias = aliases[prefix]
            prefix = f"{prefix}__{name}" if prefix else name
            if prefix in aliases:
                continue
            field = parent_model._meta.get_field(name)
            assert isinstance(field, ForeignKey), f"{prefix}: not a foreign key"
            target = field.related_model
            assert isinstance(target, type) and issubclass(target, Model)
            alias = f"r{len(aliases)}"
            aliases[prefix] = (target, alias)
            kind = "LEFT JOIN" if field.null else "JOIN"
            joins.append(
                f" {kind} {q(target._meta.db_table)} {alias}"
                f" ON {alias}.{q(field.target_field.column)} = {parent_alias}.{q(field.column)}"
            )
    columns, nodes = [], []
    for path, (target, alias) in aliases.items():
        fields = target._meta.concrete_fields
        columns += [f"{alias}.{q(f.column)}" for f in fields]
        pk_index = fields.index(target._meta.pk)
        attnames = [f.attname for f in fields]
        nodes.append(_Node(path, target, attnames, pk_index, converters_of(fields)))
    sql = (
        f"SELECT {', '.join(columns)} FROM {q(model._meta.db_table)} r0{''.join(joins)}"
        f" WHERE r0.{q(model._meta.pk.column)} = %s"
    )
    return sql, nodes


def load_related(model: type[M], pk: Any, *paths: str) -> M | None:
    """`model.objects.select_related(*paths).filter(pk=pk).first()` without the ORM's query
    building: one query joining the foreign keys along `paths` (`"objective__team"`; an inner
    join where the key cannot be null, a left join where it can), every column of every model
    on the way, and the instances made by `Model.from_db` and linked as `select_related` links
    them (no query when one is followed); None when there is no such row."""
    sql, nodes = _plan(model, paths, connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql, [pk])
        row = cursor.fetchone()
    if row is None:
        return None
    made: dict[str, Model | None] = {}
    start = 0
    for node in nodes:
        values = list(row[start : start + len(node.attnames)])
        start += len(node.attnames)
        if values[node.pk_index] is None:  # a left join that found nothing
            made[node.path] = None
            continue
        made[node.path] = from_row(node.model, node.attnames, node.converters, values)
    for path, instance in made.items():
        parent_path, _, name = path.rpartition("__")
        if path and (parent := made[parent_path]) is not None:
            setattr(parent, name, instance)
    return made[""]  # type: ignore[return-value]
