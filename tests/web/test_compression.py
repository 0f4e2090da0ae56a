"""Anonymous pages are gzipped; a signed-in reader's pages and token calls never are (BREACH)."""

from __future__ import annotations

import gzip

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_anonymous_page_is_compressed_and_reads_back(world) -> None:  # type: ignore[no-untyped-def]
    response = Client().get("/map/", HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200 and response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    assert "Alignment map" in gzip.decompress(response.content).decode()


def test_signed_in_pages_and_token_calls_are_not_compressed(world) -> None:  # type: ignore[no-untyped-def]
    response = world.client("member").get("/map/", HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200 and not response.has_header("Content-Encoding")
    token_call = Client().get(
        "/api/v1/objectives", HTTP_ACCEPT_ENCODING="gzip", HTTP_AUTHORIZATION="Bearer x"
    )
    assert not token_call.has_header("Content-Encoding")


def test_api_responses_are_not_compressed(world) -> None:  # type: ignore[no-untyped-def]
    response = Client().get("/api/v1/objectives", HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200 and not response.has_header("Content-Encoding")
