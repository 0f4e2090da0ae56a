"""Every list and detail read of the API runs a fixed number of queries, whatever the data size:
the same number on a small organization and on one with many more teams, objectives, key
results (some deleted), check-ins, packets, heartbeats, cohorts and links, for each kind of
reader."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from okrs.goals.models import KeyResult
from okrs.org.models import Cohort
from tests import factories as f

pytestmark = pytest.mark.django_db

START, END = dt.date(2017, 1, 2), dt.date(2017, 1, 22)
SESSION = 2  # a signed-in reader's session and user rows
READS = {  # name: queries for an anonymous reader
    "teams": 1,
    "team": 1,
    "people": 1,
    "cohorts": 1,
    "periods": 1,
    "objectives": 1,
    "objective": 1,
    "key results": 1,
    "deleted key results": 1,
    "key result": 1,
    "check-ins": 2,  # the key result's access, then the page
    "alignments": 1,
    "heartbeats": 1,
    "heartbeat": 1,
    "packets": 2,  # the page, then the key results it moves that the reader may read
    "packet": 2,
}


def _paths(world: Any, heartbeat: Any, packet: Any) -> dict[str, str]:
    kr = world.kr.pk
    return {
        "teams": "/teams",
        "team": f"/teams/{world.team.slug}",
        "people": "/people",
        "cohorts": "/cohorts",
        "periods": "/periods",
        "objectives": f"/objectives?period={world.period.slug}",
        "objective": f"/objectives/{world.objective.pk}",
        "key results": "/key-results",
        "deleted key results": "/key-results?deleted=true",
        "key result": f"/key-results/{kr}",
        "check-ins": f"/key-results/{kr}/checkins",
        "alignments": "/alignments",
        "heartbeats": "/heartbeats",
        "heartbeat": f"/heartbeats/{heartbeat.pk}",
        "packets": f"/packets?team={world.team.slug}",
        "packet": f"/packets/{packet.pk}",
    }


def _grow(world: Any, n: int) -> None:
    """`n` more of everything the reads touch, in public and private teams alike."""
    for i in range(n):
        team = f.team(f"more{i}", parent=world.team, visibility="private" if i % 3 else "public")
        f.membership(world.member, team, "member" if i % 2 else "viewer")
        f.membership(f.person(), team)
        owner = f.person()
        objective = f.objective(team=team, period=world.period, owner=owner)
        mine = f.objective(team=world.team, period=world.period, owner=owner, code=f"M{i}")
        f.align(objective, world.objective)
        kr = f.key_result(objective=mine, owner=owner)
        f.checkin(world.kr, i, "2017-02-01T00:00:00", author=owner)
        f.checkin(kr, i, "2017-02-02T00:00:00", author=owner)
        if i % 4 == 0:  # deleted after its check-in: out of the list unless asked for
            KeyResult.objects.filter(pk=kr.pk).update(archived=True, deleted_at=timezone.now())
        f.heartbeat(team=team, name=f"HB{i}", start=START, end=END)
        f.packet(team=world.team, key_results=[world.kr, kr, world.private_kr])
        Cohort.objects.create(slug=f"c{i}", name=f"C{i}", team=team).members.add(owner)


def _client(world: Any, reader: str) -> Client:
    client = Client()
    if reader == "member":
        client.force_login(world.member)
    elif reader == "admin":
        client.force_login(get_user_model().objects.create_user("root", is_superuser=True))
    return client


@pytest.mark.parametrize("reader", ["anonymous", "member", "admin"])
def test_every_read_runs_the_same_queries_at_two_sizes(
    world: Any, reader: str, django_assert_num_queries: Any
) -> None:
    heartbeat = f.heartbeat(team=world.team, start=START, end=END)
    packet = f.packet(team=world.team, heartbeat=heartbeat, key_results=[world.kr])
    f.checkin(world.kr, 1, "2017-01-15T00:00:00")
    client = _client(world, reader)
    paths = _paths(world, heartbeat, packet)
    for size in (0, 25):
        _grow(world, size)
        for name, path in paths.items():
            queries = READS[name]
            if reader != "anonymous":
                queries += SESSION
            with django_assert_num_queries(queries):
                response = client.get("/api/v1" + path)
            assert response.status_code == 200, (name, size, response.content)
