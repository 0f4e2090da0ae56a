"""`okrs.goals.rows.update_rows`: one UPDATE writing different values to several rows, NULLs
and integers included, in slices when there are many, and nothing to rows it was not given."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from okrs.goals import rows
from okrs.goals.models import Objective
from tests import factories as f

pytestmark = pytest.mark.django_db

FIELDS = ("kept_grade", "kept_progress", "kept_confidence", "kept_measured", "kept_total")


def _kept(objective: Objective) -> tuple[object, ...]:
    objective.refresh_from_db()
    return tuple(getattr(objective, name) for name in FIELDS)


def test_each_row_gets_its_own_values_in_one_statement() -> None:
    period = f.period()
    a, b, untouched = (f.objective(period=period, code=f"O{n}") for n in range(3))
    before = _kept(untouched)
    with CaptureQueriesContext(connection) as queries:
        updated = rows.update_rows(
            Objective,
            FIELDS,
            {a.pk: (0.25, 0.5, None, 1, 3), b.pk: (None, None, 0.75, 0, 2)},
        )
    assert updated == 2
    assert len(queries.captured_queries) == 1
    assert _kept(a) == (0.25, 0.5, None, 1, 3)
    assert _kept(b) == (None, None, 0.75, 0, 2)
    assert _kept(untouched) == before


def test_a_column_of_nulls_only_is_written_as_nulls() -> None:
    objective = f.objective(period=f.period())
    rows.update_rows(Objective, FIELDS, {objective.pk: (0.5, 0.5, 0.5, 1, 1)})
    rows.update_rows(Objective, FIELDS, {objective.pk: (None, None, None, 0, 0)})
    assert _kept(objective) == (None, None, None, 0, 0)


def test_many_rows_go_in_slices(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rows, "ROWS_PER_STATEMENT", 2)
    period = f.period()
    objectives = [f.objective(period=period, code=f"O{n}") for n in range(5)]
    with CaptureQueriesContext(connection) as queries:
        updated = rows.update_rows(
            Objective, FIELDS, {o.pk: (n / 10, n / 5, None, n, 5) for n, o in enumerate(objectives)}
        )
    assert updated == 5
    assert len(queries.captured_queries) == 3
    assert [_kept(o) for o in objectives] == [(n / 10, n / 5, None, n, 5) for n in range(5)]


def test_nothing_given_runs_nothing() -> None:
    with CaptureQueriesContext(connection) as queries:
        assert rows.update_rows(Objective, FIELDS, {}) == 0
    assert queries.captured_queries == []


def test_times_are_written_as_times() -> None:
    import datetime as dt

    from okrs.goals.models import KeyResult

    kr = f.key_result()
    at = dt.datetime(2017, 1, 3, 12, 30, tzinfo=dt.UTC)
    rows.update_rows(KeyResult, ("kept_value", "kept_at"), {kr.pk: (4.5, at)})
    kr.refresh_from_db()
    assert (kr.kept_value, kr.kept_at) == (4.5, at)
    assert KeyResult.objects.filter(kept_at__date=dt.date(2017, 1, 3)).count() == 1
