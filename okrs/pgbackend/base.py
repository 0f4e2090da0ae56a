"""Django's PostgreSQL backend (`ENGINE = "okrs.pgbackend"`), reading `timestamptz` values with
`datetime.fromisoformat` instead of Django's loader.

Django reads every `timestamptz` through a Python subclass of psycopg's Python parser, then
replaces its time zone: 5.6 µs a value on the benchmark machine, 0.6 ms for a page of 50 API
rows with two times each, half of what PostgreSQL and psycopg take for the rest of such a
query. PostgreSQL writes times as ISO 8601 in the `ISO` date style (its default, and what
psycopg asks for), which CPython's `fromisoformat` parses in C: 0.6 µs a value. Whatever it
cannot parse (a year before 1 or after 9999, `infinity`, another date style) goes to psycopg's
parser, as before. Values are aware and in UTC, as Django's are; the loader is installed only
when Django reads times in UTC (`USE_TZ` and no `TIME_ZONE` of the database's own), and carries
the `timezone` attribute Django checks before each cursor.

It also checks a kept connection's health without a round trip (`is_usable`).
"""

from __future__ import annotations

import datetime as dt
import select
from typing import Any

from django.db.backends.postgresql import base
from psycopg.types.datetime import TimestamptzLoader


class UtcTimestamptzLoader(TimestamptzLoader):
    timezone = dt.UTC  # read by Django's `create_cursor`: no loader of its own is put back

    def load(self, data: Any) -> dt.datetime:
        try:
            value = dt.datetime.fromisoformat(str(data, "ascii"))
        except ValueError:
            value = super().load(data)
        if value.tzinfo is not dt.UTC:
            value = value.astimezone(dt.UTC)
        return value


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params: dict[str, Any]) -> Any:
        connection = super().get_new_connection(conn_params)
        if self.timezone is dt.UTC:
            connection.adapters.register_loader("timestamptz", UtcTimestamptzLoader)
        return connection

    def is_usable(self) -> bool:
        """Django's health check (`CONN_HEALTH_CHECKS`), before the first query of each request
        on a kept connection, sends `SELECT 1` and waits for it: a round trip on every request,
        a sixth of the samples of a gunicorn worker serving a list read. An idle connection is
        sent nothing by the server unless the server is closing it (terminated, shut down,
        crashed: an error message, then the end of the stream), so a socket with nothing to read
        is taken as usable without asking; one with something to read gets Django's round trip,
        which fails on a closed connection as before."""
        connection = self.connection
        if connection is None or connection.closed or connection.broken:
            return False
        try:
            poller = select.poll()  # select.select refuses a descriptor at or above FD_SETSIZE
            poller.register(connection.fileno(), select.POLLIN)
            readable = poller.poll(0)
        except (OSError, ValueError):
            return False
        return super().is_usable() if readable else True
