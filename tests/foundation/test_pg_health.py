"""On PostgreSQL, the health check of a kept connection (`okrs.pgbackend`'s `is_usable`) asks
the server nothing while the connection is idle and sound, and finds a connection the server
has closed unusable (Django's round trip then confirms it)."""

from __future__ import annotations

import os
import resource
import time

import pytest
from django.db import connection
from django.db.backends.postgresql import base as django_base

from okrs.goals.models import Objective
from tests import factories as f
from tests.pg import terminate_backend

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")


def _round_trips(monkeypatch) -> list[int]:  # type: ignore[no-untyped-def]
    """Calls of Django's own check (a `SELECT 1` round trip), recorded."""
    calls: list[int] = []
    real = django_base.DatabaseWrapper.is_usable

    def counted(self):  # type: ignore[no-untyped-def]
        calls.append(1)
        return real(self)

    monkeypatch.setattr(django_base.DatabaseWrapper, "is_usable", counted)
    return calls


@pytest.mark.django_db
def test_a_sound_idle_connection_is_usable_without_a_round_trip(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    connection.ensure_connection()
    calls = _round_trips(monkeypatch)
    assert connection.is_usable() is True
    assert calls == []


@pytest.mark.django_db(transaction=True)
def test_requests_on_a_kept_connection_make_no_health_round_trip(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """As each request does (Django's `close_old_connections` at its start, then its first
    query), with the connection kept: the check runs, and asks the server nothing."""
    objective = f.objective(title="Kept")
    assert connection.settings_dict["CONN_HEALTH_CHECKS"] is True
    connection.ensure_connection()
    kept = connection.connection
    calls = _round_trips(monkeypatch)
    for _ in range(3):
        connection.close_if_unusable_or_obsolete()
        assert connection.health_check_done is False
        assert Objective.objects.get(pk=objective.pk).title == "Kept"
        assert connection.health_check_done is True
    assert connection.connection is kept
    assert calls == []


@pytest.mark.django_db(transaction=True)
def test_a_connection_on_a_descriptor_above_fd_setsize_is_checked_without_a_round_trip(
    monkeypatch,  # type: ignore[no-untyped-def]
) -> None:
    """A busy process can hold its connection on a descriptor at or above 1024, which
    `select.select` refuses: the check must still answer without reconnecting or asking."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    needed = 1100
    if soft < needed:
        assert hard == resource.RLIM_INFINITY or hard >= needed, "the test needs 1,100 open files"
        resource.setrlimit(resource.RLIMIT_NOFILE, (needed, hard))
    fillers: list[int] = []
    try:
        while not fillers or fillers[-1] < 1030:
            fillers.append(os.open(os.devnull, os.O_RDONLY))
        connection.close()
        connection.ensure_connection()
        assert connection.connection.fileno() >= 1024
        calls = _round_trips(monkeypatch)
        assert connection.is_usable() is True
        assert calls == []
        victim = connection.connection.info.backend_pid
        assert terminate_backend(victim) is True
        deadline = time.monotonic() + 5
        while connection.is_usable() and time.monotonic() < deadline:
            time.sleep(0.01)
        assert connection.is_usable() is False
    finally:
        connection.close()
        for descriptor in fillers:
            os.close(descriptor)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


@pytest.mark.django_db(transaction=True)
def test_a_connection_the_server_closed_is_not_usable(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    connection.ensure_connection()
    victim = connection.connection.info.backend_pid
    calls = _round_trips(monkeypatch)
    assert terminate_backend(victim) is True
    deadline = time.monotonic() + 5
    while connection.is_usable() and time.monotonic() < deadline:  # until the notice arrives
        time.sleep(0.01)
    assert connection.is_usable() is False
    assert calls, "the server's message was confirmed by Django's round trip"
    connection.close()
    connection.ensure_connection()
    assert connection.is_usable() is True
