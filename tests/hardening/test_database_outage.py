"""A database that goes away for a moment: clean 503s with Retry-After (HTML for pages, JSON for
the API), and the next request works again without a restart."""

from __future__ import annotations

import pytest
from django.db import OperationalError, connection
from django.test import Client

from tests import factories as f
from tests.pg import terminate_backend


@pytest.mark.django_db
def test_a_lost_connection_answers_503_and_the_next_request_recovers(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    objective = f.objective(title="Still here")
    client = Client(raise_request_exception=False)
    from django.db.backends.utils import CursorWrapper

    real = CursorWrapper.execute
    outage = {"on": True}

    def execute(self, sql, params=None):  # type: ignore[no-untyped-def]
        if outage["on"] and "goals_objective" in sql:
            raise OperationalError("server closed the connection unexpectedly")
        return real(self, sql, params)

    monkeypatch.setattr(CursorWrapper, "execute", execute)
    page = client.get(f"/objectives/{objective.pk}/")
    assert page.status_code == 503
    assert page["Retry-After"] == "5"
    assert "Unavailable for a moment" in page.content.decode()
    assert page["Content-Security-Policy"]
    api = client.get(f"/api/v1/objectives/{objective.pk}")
    assert api.status_code == 503 and api["Retry-After"] == "5"
    assert api.json()["code"] == "unavailable"
    outage["on"] = False
    assert client.get(f"/objectives/{objective.pk}/").status_code == 200
    assert client.get(f"/api/v1/objectives/{objective.pk}").json()["title"] == "Still here"


@pytest.mark.django_db
def test_a_query_bug_stays_a_500(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Only outages become 503: an OperationalError from a malformed query is a bug."""
    objective = f.objective()
    from django.db.backends.utils import CursorWrapper

    real = CursorWrapper.execute

    def execute(self, sql, params=None):  # type: ignore[no-untyped-def]
        if "goals_objective" in sql:
            raise OperationalError("no such column: goals_objective.nope")
        return real(self, sql, params)

    monkeypatch.setattr(CursorWrapper, "execute", execute)
    response = Client(raise_request_exception=False).get(f"/objectives/{objective.pk}/")
    assert response.status_code == 500


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_postgres_backend_terminated_from_another_connection() -> None:
    """pg_terminate_backend on the connection serving the requests: the next request answers
    200 (the health check reconnects) or a clean 503, and the one after is 200, no restart."""
    objective = f.objective(title="Survives")
    client = Client(raise_request_exception=False)
    url = f"/objectives/{objective.pk}/"
    assert client.get(url).status_code == 200
    connection.ensure_connection()
    victim = connection.connection.info.backend_pid
    for _ in range(2):  # once between requests, once more right before the API call
        assert terminate_backend(victim) is True
        first = client.get(url)
        assert first.status_code in (200, 503), first.status_code
        if first.status_code == 503:
            assert first["Retry-After"]
        assert client.get(url).status_code == 200
        connection.ensure_connection()
        victim = connection.connection.info.backend_pid
    api = client.get(f"/api/v1/objectives/{objective.pk}")
    assert api.status_code == 200 and api.json()["title"] == "Survives"
