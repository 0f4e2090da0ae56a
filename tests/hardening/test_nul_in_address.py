"""A NUL character in the address or in a posted form field answers 400 on every page and API
read, on both databases (PostgreSQL refuses NUL in text: a search or a comment holding one used
to end in a 500)."""

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


def test_a_nul_in_a_posted_field_is_a_clear_400_naming_it() -> None:
    """A view that reads a text from the post itself (a comment) never meets the NUL: on
    PostgreSQL it was a 500, on SQLite a stored comment."""
    from okrs.talk.models import Comment
    from tests import factories as f

    member, team = f.person("member"), f.team("reps")
    f.membership(member, team, "member")
    objective = f.objective(team=team, state="published")
    client = Client()
    client.force_login(member)
    response = client.post(f"/talk/objective/{objective.pk}/comments/", {"body": "a\x00b"})
    assert response.status_code == 400
    assert "'body'" in response.content.decode()
    assert not Comment.objects.exists()
    assert (
        client.post(f"/talk/objective/{objective.pk}/comments/", {"body": "ab"}).status_code < 400
    )
    assert Comment.objects.count() == 1
