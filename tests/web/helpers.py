"""Helpers shared by the page tests."""

from __future__ import annotations

from collections.abc import Callable

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext


def query_counts(client: Client, url: str, grow: Callable[[], None]) -> tuple[int, int]:
    """Queries of GET `url` before and after `grow()` adds data; both responses must be 200."""
    client.get(url)  # warm caches (content types, sessions)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    grow()
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200
    return len(small), len(large)


def html(response) -> str:  # type: ignore[no-untyped-def]
    return response.content.decode()
