"""The alignment graph's recursive reads (``WITH RECURSIVE``, which the ORM cannot express).

- `descendants`: down the graph, every objective contributing to some, directly or not (what
  their grades depend on), as a queryset to filter with;
- `scores_above`: up the graph, in one statement, every objective some contribute to and what
  each of them is scored from: the roll-up of a check-in reads nothing else.

Both are written out here rather than composed by the ORM: a check-in runs the second on every
write, and one written-out statement replaces a query for the graph and a UNION ALL built by
the ORM (the figure is in `tests/foundation/test_no_handwritten_sql.py`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from okrs.goals.models import Alignment, KeyResult, Objective, ObjectiveState


def _marks(ids: list[int]) -> str:
    return ", ".join(["%s"] * len(ids))


def descendants(objective_ids: list[int]) -> QuerySet[Objective]:
    """The objectives given and every objective contributing to them, directly or not (one
    recursive query): all that their grades depend on."""
    if not objective_ids:
        return Objective.objects.none()
    alignment, objective = Alignment._meta.db_table, Objective._meta.db_table
    sql = (
        f"WITH RECURSIVE tree(id) AS (SELECT id FROM {objective} WHERE id IN "
        f"({_marks(objective_ids)}) "
        f"UNION SELECT a.child_id FROM {alignment} a JOIN tree ON a.parent_id = tree.id) "
        "SELECT id FROM tree"
    )
    return Objective.objects.filter(pk__in=RawSQL(sql, objective_ids))


@dataclass
class ScoresAbove:
    """What a roll-up from some objectives reads: `affected`, those objectives (that exist) and
    every one they contribute to; for each of those its key results that count, as (weight,
    kept grade, kept progress, kept confidence) in `own`, and the objectives contributing to it
    that are not archived, as (contributor, weight, its kept grade, kept progress) in
    `contributors`."""

    affected: set[int] = field(default_factory=set)
    own: dict[int, list[tuple[float, float | None, float | None, float | None]]] = field(
        default_factory=dict
    )
    contributors: dict[int, list[tuple[int, float, float | None, float | None]]] = field(
        default_factory=dict
    )


_AFFECTED, _KEY_RESULT, _CONTRIBUTOR = 0, 1, 2
# typed: PostgreSQL takes two untyped NULLs of a UNION's column for text
_FLOAT, _INTEGER = "CAST(NULL AS DOUBLE PRECISION)", "CAST(NULL AS INTEGER)"


def scores_above(objective_ids: Iterable[int]) -> ScoresAbove:
    """`ScoresAbove` the objectives given: one statement, whatever the depth of the graph."""
    ids = sorted(set(objective_ids))
    found = ScoresAbove()
    if not ids:
        return found
    objective = connection.ops.quote_name(Objective._meta.db_table)
    alignment = connection.ops.quote_name(Alignment._meta.db_table)
    key_result = connection.ops.quote_name(KeyResult._meta.db_table)
    # PostgreSQL guesses a hundred rows for a recursive CTE and then scans whole tables to join
    # it; an array of its ids is looked up by index
    in_up = (
        "= ANY(ARRAY(SELECT id FROM up))"
        if connection.vendor == "postgresql"
        else "IN (SELECT id FROM up)"
    )
    # UNION (not ALL) keeps each objective once, so the walk ends even on a cycle
    sql = (
        f"WITH RECURSIVE up(id) AS (SELECT id FROM {objective} WHERE id IN ({_marks(ids)}) "
        f"UNION SELECT a.parent_id FROM {alignment} a JOIN up ON a.child_id = up.id) "
        f"SELECT {_AFFECTED}, up.id, {_FLOAT}, {_FLOAT}, {_FLOAT}, {_FLOAT}, {_INTEGER} FROM up "
        f"UNION ALL SELECT {_KEY_RESULT}, k.objective_id, k.weight, k.kept_grade, "
        f"k.kept_progress, k.kept_confidence, {_INTEGER} FROM {key_result} k "
        f"WHERE k.objective_id {in_up} AND k.archived = %s "
        f"UNION ALL SELECT {_CONTRIBUTOR}, a.parent_id, a.weight, o.kept_grade, o.kept_progress, "
        f"{_FLOAT}, a.child_id FROM {alignment} a JOIN {objective} o ON o.id = a.child_id "
        f"WHERE a.parent_id {in_up} AND o.state <> %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*ids, False, ObjectiveState.ARCHIVED.value])
        rows = cursor.fetchall()
    for kind, pk, weight, grade, progress, confidence, child in rows:
        if kind == _AFFECTED:
            found.affected.add(pk)
        elif kind == _KEY_RESULT:
            found.own.setdefault(pk, []).append((weight, grade, progress, confidence))
        else:
            found.contributors.setdefault(pk, []).append((child, weight, grade, progress))
    return found
