"""Requests served by the WSGI app (request signals connected, as under gunicorn) keep their
database connection: opening one per request cost more than most API reads themselves."""

from __future__ import annotations

import io
import sys
from typing import Any

import pytest
from django.db import connection

from okrs.wsgi import application


def _get(path: str) -> int:
    environ = {
        "REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": "", "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80", "HTTP_HOST": "127.0.0.1", "wsgi.input": io.BytesIO(b""),
        "wsgi.url_scheme": "http", "wsgi.errors": sys.stderr, "SERVER_PROTOCOL": "HTTP/1.1",
    }  # fmt: skip
    status: list[str] = []
    body = application(environ, lambda s, h, *a: status.append(s))
    b"".join(body)
    body.close()  # type: ignore[attr-defined]  # request_finished: old connections are closed here
    return int(status[0].split()[0])


@pytest.mark.django_db(transaction=True)
def test_the_connection_outlives_the_request(settings: Any) -> None:
    settings.ALLOWED_HOSTS = ["127.0.0.1"]
    assert _get("/api/v1/teams") == 200
    first = connection.connection
    assert first is not None
    assert _get("/api/v1/teams") == 200
    assert connection.connection is first
