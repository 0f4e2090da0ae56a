"""Search by words over objectives, key results and packets, within what the reader may see."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from okrs.heartbeats.models import WorkPacket
from tests import factories as f
from tests.web_viz.conftest import World, grow

pytestmark = pytest.mark.django_db


def _search(client, **params: str) -> str:  # type: ignore[no-untyped-def]
    response = client.get("/search/", params)
    assert response.status_code == 200
    return response.content.decode()


def test_every_word_must_match_in_any_order_and_case(client, world: World) -> None:  # type: ignore[no-untyped-def]
    html = _search(client, q="ONBOARDING unified")
    assert "A unified onboarding approach" in html
    assert f'href="/objectives/{world.child.pk}/"' in html
    assert "Grow the core community" not in html
    html = _search(client, q="unified campaigns")
    assert "A unified onboarding approach" not in html and "0 results" in html


def test_key_results_are_found_and_link_to_their_page(client, world: World) -> None:  # type: ignore[no-untyped-def]
    html = _search(client, q="sentiment")
    assert "Core community sentiment NPS" in html
    assert f'href="/key-results/{world.kr_parent.pk}/"' in html


def test_packets_are_found_when_their_team_is_readable(client, world: World) -> None:  # type: ignore[no-untyped-def]
    packet = WorkPacket.objects.create(
        team=world.reps,
        title="Zebra onboarding checklist",
        external_url="https://github.com/mozilla/reps/issues/1",
    )
    WorkPacket.objects.create(team=world.secret_team, title="Zebra hidden packet")
    html = _search(client, q="zebra")
    assert (
        "Zebra onboarding checklist" in html and "https://github.com/mozilla/reps/issues/1" in html
    )
    assert f'href="/teams/reps/packets/{packet.pk}/"' in html
    assert "Zebra hidden packet" not in html


@pytest.mark.parametrize("who", ["anonymous", "outsider"])
def test_private_things_are_not_found_by_outsiders(client, world: World, who: str) -> None:  # type: ignore[no-untyped-def]
    if who == "outsider":
        client.force_login(world.outsider)
    html = _search(client, q="zebra")
    assert "Zebra budget" not in html and "Zebra secret" not in html


def test_members_find_their_team_private_objective_and_draft(client, world: World) -> None:  # type: ignore[no-untyped-def]
    f.objective(team=world.reps, period=world.child.period, title="Zebra draft idea", state="draft")
    client.force_login(world.member)
    html = _search(client, q="zebra")
    assert "Zebra budget plans" in html and "Zebra budget spent" in html
    assert "Zebra draft idea" in html
    assert "Zebra secret" not in html


def test_results_of_one_kind_are_paginated(client, world: World) -> None:  # type: ignore[no-untyped-def]
    grow(45)
    html = _search(client, q="bulk goal")
    assert "All 45 objectives" in html
    first = _search(client, q="bulk goal", kind="objectives")
    assert "Page 1 of 3" in first and 'rel="next"' in first
    third = _search(client, q="bulk goal", kind="objectives", page="3")
    assert "Page 3 of 3" in third and third.count('<div class="where">') == 5


def test_empty_query_shows_the_form_only(client, world: World) -> None:  # type: ignore[no-untyped-def]
    html = _search(client, q="   ")
    assert 'name="q"' in html and 'role="status"' not in html and "<section" not in html


def test_search_query_count_does_not_grow(client, world: World) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.member)
    grow(3)
    with CaptureQueriesContext(connection) as small:
        _search(client, q="bulk")
    grow(60, team_slug="more")
    with CaptureQueriesContext(connection) as large:
        html = _search(client, q="bulk")
    assert "All 63 objectives" in html
    assert len(large) == len(small)
