"""Publish the quarter: the post previewed in three formats, copied or downloaded, and posted to
the period's Discourse topic where one is linked and the forum configured."""

from __future__ import annotations

import json

import httpx
import pytest

from okrs.talk.models import ForumTopic
from okrs.web.views import publish as publish_view
from tests import factories as f
from tests.web.helpers import html, query_counts

pytestmark = pytest.mark.django_db


def test_the_post_is_previewed_in_each_format_and_downloaded(world) -> None:  # type: ignore[no-untyped-def]
    private = f.objective(
        team=world.team, period=world.period, title="Secret plan", visibility="private"
    )
    client = world.client(None)
    page = html(client.get("/periods/2017-Q1/publish/"))
    assert "Grow the community" in page and "Secret plan" not in page
    assert 'data-copy="post-text"' in page and "okrs/copy.js" in page
    # the copy button's "Copied." is said in the reader's language (copy.js writes data-done)
    assert 'data-done="Copied."' in page
    spanish = html(client.get("/periods/2017-Q1/publish/", HTTP_ACCEPT_LANGUAGE="es"))
    assert 'data-done="Copiado."' in spanish
    assert 'aria-current="page">Discourse<' in page
    markdown = html(client.get("/periods/2017-Q1/publish/?format=markdown"))
    assert "# " in markdown
    download = client.get("/periods/2017-Q1/publish/?format=html&download=1")
    assert download["Content-Disposition"] == 'attachment; filename="okrs-2017-Q1.html"'
    assert "<h1>" in download.content.decode() and "Secret plan" not in download.content.decode()
    assert "Publish" in html(client.get("/periods/"))  # linked from the periods index
    del private

    def grow() -> None:
        for n in range(4):
            objective = f.objective(team=world.team, period=world.period, title=f"More {n}")
            f.key_result(objective=objective)

    small, large = query_counts(client, "/periods/2017-Q1/publish/", grow)
    assert small == large and large <= 14


def test_posting_to_the_periods_discourse_topic(world, settings) -> None:  # type: ignore[no-untyped-def]
    sent = []

    def forum(request: httpx.Request) -> httpx.Response:
        sent.append((str(request.url), request.headers["Api-Key"], json.loads(request.content)))
        return httpx.Response(200, json={"id": 99})

    settings.OKRS_DISCOURSE_URL = "https://discourse.example.org"
    settings.OKRS_DISCOURSE_API_KEY = "key"
    lead = world.client("parent_lead")  # the lead of a top-level team
    assert "Discourse topic (admin: Forum topics)" in html(lead.get("/periods/2017-Q1/publish/"))
    ForumTopic.objects.create(
        period=world.period, url="https://discourse.example.org/t/reps-q1/12", topic_id=12
    )
    publish_view.TRANSPORT = httpx.MockTransport(forum)
    try:
        assert "Post to Discourse" in html(lead.get("/periods/2017-Q1/publish/"))
        response = lead.post("/periods/2017-Q1/publish/", follow=True)
        assert "Posted to the Discourse topic" in html(response)
        assert len(sent) == 1
        url, key, body = sent[0]
        assert url == "https://discourse.example.org/posts.json" and key == "key"
        assert body["topic_id"] == 12 and "Grow the community" in body["raw"]
        assert world.client("member").post("/periods/2017-Q1/publish/").status_code == 403
        assert len(sent) == 1
        publish_view.TRANSPORT = httpx.MockTransport(lambda r: httpx.Response(500))
        refused = lead.post("/periods/2017-Q1/publish/", follow=True)
        assert "The forum refused the post (HTTP 500)" in html(refused)
    finally:
        publish_view.TRANSPORT = None
