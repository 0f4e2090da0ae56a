"""Reads of teams that the API's list needs fast: written out, tested equal to the ORM."""

from __future__ import annotations

from typing import Any

from django.db import connection

from okrs.org.access import User, visible_team_ids_sql
from okrs.org.models import Team
from okrs.sqlread import read_dicts

TEAM_LIST_FIELDS = (
    "id", "slug", "name", "parent", "description", "visibility", "tracker_url", "discussion_url",
)  # fmt: skip
"""The keys of a `team_list_page` row: the team's columns, its parent by slug, named only to
those who may read the parent."""


def team_list_sql(
    user: User, *, parent: str | None, after: int, limit: int
) -> tuple[str, list[Any]]:
    """One query: the teams `user` may read (`org.access.visible_team_ids_sql`), children of
    the team `parent` if given (which the caller must be able to read too), with a key above
    `after`, in key order, at most `limit`; its columns in `TEAM_LIST_FIELDS` order.

    Written out for the reason `heartbeats.selectors.packet_list_sql` is: the ORM took 1.5 ms
    to build this query (a rule applied three times); tested equal to the ORM's
    (`tests/api/test_team_list_sql.py`)."""
    q = connection.ops.quote_name
    team = Team._meta

    def column(name: str, alias: str = "t") -> str:
        return f"{alias}.{q(team.get_field(name).column)}"

    visible = visible_team_ids_sql(user)
    readable_parent, parent_args = "TRUE", []
    if visible is not None:
        readable_parent, parent_args = f"{column('id', 'p')} IN ({visible[0]})", [*visible[1]]
    shown_parent = f"CASE WHEN {readable_parent} THEN {column('slug', 'p')} END"
    selected = [shown_parent if name == "parent" else column(name) for name in TEAM_LIST_FIELDS]
    args: list[Any] = [*parent_args]
    where = [f"{column('id')} > {int(after)}"]  # as `packet_list_sql` writes it
    if visible is not None:
        where.append(f"{column('id')} IN ({visible[0]})")
        args += visible[1]
    if parent is not None:
        where += [f"{column('slug', 'p')} = %s", readable_parent]
        args += [parent, *parent_args]
    sql = (
        f"SELECT {', '.join(selected)} FROM {q(team.db_table)} t"
        f" LEFT JOIN {q(team.db_table)} p ON {column('id', 'p')} = {column('parent')}"
        f" WHERE {' AND '.join(where)} ORDER BY {column('id')} LIMIT {int(limit)}"
    )
    return sql, args


def team_list_page(
    user: User, *, parent: str | None = None, after: int = 0, limit: int
) -> list[dict[str, Any]]:
    """The rows of `team_list_sql`, as dicts keyed by `TEAM_LIST_FIELDS`."""
    return read_dicts(
        *team_list_sql(user, parent=parent, after=after, limit=limit), TEAM_LIST_FIELDS
    )
