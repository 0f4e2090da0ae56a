"""Private objectives and their key results, and private teams, never show to those who may not
read them: on any page, in the API's lists, in exports, in the published post, or in digests."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client

from okrs.org.models import Membership
from okrs.reminders.services import digest_for
from tests.hardening.world import build_world

SECRET = ("Hushteam", "Hushobj")  # every private title in the world starts with one of these

PAGES = [
    "/",
    "/?period=2017-Q1",
    "/map/",
    "/map/?period=2017-Q1",
    "/search/?q=Hush",
    "/search/?q=key+result",
    "/periods/2017-Q1/review/",
    "/periods/2017-Q1/review/trend/",
    "/teams/pub/",
    "/teams/pub/heartbeats/",
    "/teams/pub/trend/?period=2017-Q1",
    "/teams/other/",
    "/api/v1/teams",
    "/api/v1/objectives",
    "/api/v1/objectives?period=2017-Q1",
    "/api/v1/key-results",
    "/api/v1/alignments",
    "/api/v1/heartbeats",
    "/api/v1/packets",
    "/api/v1/periods/2017-Q1",
    "/api/v1/periods/2017-Q1/score",
    "/api/v1/people",
    "/api/v1/people/member",
    "/api/v1/teams/pub",
    "/api/v1/teams/pub/offers",
]


def _text(response) -> str:  # type: ignore[no-untyped-def]
    body = response.content.decode()
    if response.get("Content-Type", "").startswith("application/json"):
        body = json.dumps(json.loads(body), ensure_ascii=False)
    return body


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["outsider", "anon"])
def test_pages_and_api_lists_hide_private_things(role: str) -> None:
    world = build_world()
    client = Client()
    if world.people[role] is not None:
        client.force_login(world.people[role])
    shown = 0
    for path in PAGES:
        cache.clear()
        response = client.get(path)
        assert response.status_code in (200, 403, 404), (path, response.status_code)
        body = _text(response)
        for word in SECRET:
            assert word not in body, (role, path, word)
        shown += "Sunny" in body
    assert shown >= 8  # the public things are there: the pages really rendered content


@pytest.mark.django_db
def test_members_see_the_private_things_on_the_same_pages() -> None:
    """The positive control: the words hidden above are on these pages for a team member."""
    world = build_world()
    client = Client()
    client.force_login(world.people["viewer"])
    for path in ("/?period=2017-Q1", "/api/v1/objectives", "/api/v1/key-results"):
        body = _text(client.get(path))
        assert "Hushobj" in body and "Hushteam" in body, path


@pytest.mark.django_db
def test_export_and_published_post_leave_private_things_out() -> None:
    build_world()
    for command, args in (
        ("export", ["--period", "2017-Q1"]),
        ("publish", ["--period", "2017-Q1"]),
        ("publish", ["--period", "2017-Q1", "--format", "html"]),
        ("publish", ["--period", "2017-Q1", "--team", "pub"]),
    ):
        out = StringIO()
        call_command(command, *args, stdout=out)
        text = out.getvalue()
        assert "Sunny" in text, (command, args)
        for word in SECRET:
            assert word not in text, (command, args, word)


@pytest.mark.django_db
def test_lead_digest_of_another_team_names_nothing_private() -> None:
    world = build_world()
    import datetime as dt

    now = dt.datetime(2017, 2, 1, 9, tzinfo=dt.UTC)
    membership = Membership.objects.get(person=world.people["outsider"])
    digest = digest_for(membership, now=now)
    text = repr(digest)
    for word in (*SECRET, "Sunny"):
        assert word not in text
    own = digest_for(
        Membership.objects.get(person=world.people["lead"], team__slug="priv"), now=now
    )
    assert own is not None and "Hushteam" in repr(own)  # a lead's own private team is there
