"""A database that goes away for a moment: clean 503s with Retry-After (HTML for pages, JSON for
the API), and the next request works again without a restart."""

from __future__ import annotations

import pytest
from django.db import OperationalError, connection
from django.test import Client

from tests import factories as f


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
def test_postgres_backends_terminated_from_another_connection(live_server) -> None:  # type: ignore[no-untyped-def]
    """pg_terminate_backend on every connection of the test database: the server's next request
    may answer 503, then it answers 200 again without a restart."""
    import httpx
    import psycopg

    objective = f.objective(title="Survives")
    url = f"{live_server.url}/objectives/{objective.pk}/"
    assert httpx.get(url).status_code == 200
    settings_dict = connection.settings_dict
    dsn = (
        f"host={settings_dict['HOST']} port={settings_dict['PORT'] or 5432} "
        f"user={settings_dict['USER']} dbname=postgres"
    )
    if settings_dict.get("PASSWORD"):
        dsn += f" password={settings_dict['PASSWORD']}"
    with psycopg.connect(dsn, autocommit=True) as admin:
        killed = admin.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            [settings_dict["NAME"]],
        ).fetchone()[0]
    assert killed >= 1
    answers = [httpx.get(url).status_code for _ in range(3)]
    assert set(answers) <= {200, 503}, answers
    assert answers[-1] == 200
    assert httpx.get(f"{live_server.url}/api/v1/objectives/{objective.pk}").status_code == 200
