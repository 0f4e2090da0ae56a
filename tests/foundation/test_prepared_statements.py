"""On PostgreSQL, queries run more than once on a connection are prepared (planned once)."""

from __future__ import annotations

import pytest
from django.db import connection

from okrs.goals.models import Objective
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")
def test_a_query_run_again_is_prepared() -> None:
    objective = f.objective()

    def prepared() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_prepared_statements")
            return int(cursor.fetchone()[0])

    before = prepared()
    for _ in range(3):  # the same SQL text, with its parameters bound by the server
        assert Objective.objects.filter(pk=objective.pk, title__startswith="x").count() == 0
    assert prepared() > before
