"""Heartbeats and work packets through the API."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from okrs.heartbeats.models import WorkPacket
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def heartbeat(world: Any) -> Any:
    return f.heartbeat(
        team=world.team, period=world.period, start=dt.date(2017, 1, 2), end=dt.date(2017, 1, 20)
    )


def test_heartbeats_of_visible_teams(world: Any, heartbeat: Any) -> None:
    hidden = f.team("council", visibility="private")
    f.heartbeat(
        team=hidden, period=world.period, start=dt.date(2017, 1, 2), end=dt.date(2017, 1, 20)
    )
    items = world.api().get("/heartbeats").json()["items"]
    assert [h["team"] for h in items] == ["reps"]
    assert world.api().get(f"/heartbeats/{heartbeat.pk}").json()["name"] == heartbeat.name


def test_lead_creates_and_moves_a_packet(world: Any, heartbeat: Any) -> None:
    api = world.api(world.lead)
    created = api.post(
        "/packets",
        {
            "team": "reps",
            "title": "Write the guide",
            "heartbeat": heartbeat.pk,
            "key_results": [world.kr.pk],
            "priority": "P1",
        },
    )
    assert created.status_code == 201, created.content
    packet = created.json()
    assert packet["key_results"] == [world.kr.pk] and packet["heartbeat"] == heartbeat.pk
    moved = api.patch(
        f"/packets/{packet['id']}", {"status": "done"}, headers={"If-Match": created["ETag"]}
    )
    assert moved.status_code == 200 and moved.json()["status"] == "done"
    stale = api.patch(
        f"/packets/{packet['id']}", {"title": "x"}, headers={"If-Match": created["ETag"]}
    )
    assert stale.status_code == 412
    assert [p["id"] for p in api.get("/packets", status="done").json()["items"]] == [packet["id"]]


def test_packet_lists_only_key_results_the_reader_may_see(world: Any) -> None:
    packet = WorkPacket.objects.create(team=world.team, title="Both")
    packet.key_results.add(world.kr, world.private_kr)
    anonymous = world.api().get(f"/packets/{packet.pk}").json()
    assert anonymous["key_results"] == [world.kr.pk]
    member = world.api(world.member).get(f"/packets/{packet.pk}").json()
    assert sorted(member["key_results"]) == sorted([world.kr.pk, world.private_kr.pk])


def test_member_cannot_create_packets(world: Any) -> None:
    response = world.api(world.member).post("/packets", {"team": "reps", "title": "Mine"})
    assert response.status_code == 403


def test_packet_list_queries_do_not_grow(world: Any) -> None:
    api = world.api()

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert api.get("/packets").status_code == 200
        return len(queries)

    WorkPacket.objects.create(team=world.team, title="one").key_results.add(world.kr)
    few = count()
    for i in range(10):
        WorkPacket.objects.create(team=world.team, title=f"p{i}").key_results.add(world.kr)
    assert count() == few


def test_docs_page_loads_its_assets_locally(world: Any) -> None:
    from django.test import Client

    page = Client().get("/api/v1/docs")
    assert page.status_code == 200
    html = page.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower() and "https://" not in html
