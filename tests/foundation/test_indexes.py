"""The foreign keys whose lookups a composite index serves have no index of their own (one index
less to write with every check-in, change, objective and work packet), and the migration that
dropped them goes back and forth on both databases."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection

SERVED = [  # (table, foreign key column, the composite index that serves it)
    ("goals_checkin", "key_result_id", "checkin_latest"),
    ("goals_change", "objective_id", "change_latest"),
    ("goals_objective", "period_id", "objective_period_id"),
    ("heartbeats_workpacket", "team_id", "packet_team_id"),
]


def _indexes(table: str) -> dict[str, list[str]]:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    return {
        name: info["columns"]
        for name, info in constraints.items()
        if info["index"] and not info["primary_key"]
    }


def _single_column_indexes(table: str, column: str) -> list[str]:
    return [name for name, columns in _indexes(table).items() if columns == [column]]


@pytest.mark.django_db
@pytest.mark.parametrize(("table", "column", "composite"), SERVED)
def test_a_foreign_key_served_by_a_composite_index_has_none_of_its_own(
    table: str, column: str, composite: str
) -> None:
    indexes = _indexes(table)
    assert indexes[composite][0] == column
    assert _single_column_indexes(table, column) == []


@pytest.mark.django_db(transaction=True)
def test_the_migration_goes_back_and_forth() -> None:
    try:
        call_command("migrate", "goals", "0004", verbosity=0)
        call_command("migrate", "heartbeats", "0004", verbosity=0)
        for table, column, _ in SERVED:
            assert len(_single_column_indexes(table, column)) == 1, table
    finally:
        call_command("migrate", verbosity=0)
    for table, column, _ in SERVED:
        assert _single_column_indexes(table, column) == [], table
