"""A NUL character in the address answers 400 on every page and API read, on both databases
(PostgreSQL refuses NUL in text: a search holding one used to end in a 500)."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "/search/?q=a%00b",
        "/?team=%00",
        "/?owner=x%00",
        "/map/?period=2017%00",
        "/api/v1/teams?parent=a%00",
    ],
)
def test_a_nul_in_the_query_is_a_clear_400(url: str) -> None:
    response = Client().get(url)
    assert response.status_code == 400
    assert "NUL" in response.content.decode()
    if url.startswith("/api/"):
        assert response.json()["code"] == "bad_request"


def test_an_ordinary_search_still_answers() -> None:
    assert Client().get("/search/?q=community").status_code == 200
