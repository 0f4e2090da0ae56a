"""The API's packets list, one written-out query (`heartbeats.selectors.packet_list_sql`, the
links to readable key results in it), against the ORM it replaced: for every kind of reader and
any mix of filters, cursor and page size, the same packets in the same order, each with the
same key results, as `visible_packets(user)` filtered by the ORM and rendered one by one by
`packet_out`, byte for byte."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from okrs.api.routers.heartbeats import packet_out, visible_packets
from okrs.api.schemas import PacketOut
from okrs.heartbeats.models import PacketStatus, WorkPacket
from okrs.heartbeats.selectors import PacketListFilter, packet_list_page
from tests import factories as f
from tests.api.schema_json import schema_json, written_json

pytestmark = pytest.mark.django_db

TEAMS = ("open", "closed", "other")  # public, private, public
READERS = ("admin", "anonymous", "member", "outsider")
# (team, state, visibility) of each objective, one key result each: what may be read differs
OBJECTIVES = [
    (team, state, visibility)
    for team in TEAMS
    for state, visibility in (("published", "team"), ("draft", "team"), ("archived", "private"))
]


@pytest.fixture
def world():  # type: ignore[no-untyped-def]
    teams = [f.team(slug, visibility="private" if slug == "closed" else "public") for slug in TEAMS]
    member = f.person("closed-member")
    f.membership(member, teams[1])
    periods = [
        f.period("2017-Q1"),
        f.period("2017-Q2", start=dt.date(2017, 4, 1), end=dt.date(2017, 6, 30)),
    ]
    heartbeats = [
        f.heartbeat(team=team, period=period, start=period.start, end=period.end)
        for team in teams
        for period in periods
    ]
    key_results = [
        f.key_result(
            objective=f.objective(
                team=teams[TEAMS.index(team)], period=periods[0], state=state, visibility=visibility
            )
        )
        for team, state, visibility in OBJECTIVES
    ]
    readers = {
        "admin": f.person("site-admin", is_superuser=True),
        "anonymous": AnonymousUser(),
        "member": member,
        "outsider": f.person("outsider"),
    }
    return SimpleNamespace(
        teams=teams,
        periods=periods,
        heartbeats=heartbeats,
        key_results=key_results,
        readers=readers,
    )


PACKET = st.tuples(
    st.integers(0, len(TEAMS) - 1),  # team
    st.one_of(st.none(), st.integers(0, 5)),  # heartbeat (of any team: the API allows its own)
    st.sampled_from(PacketStatus.values),
    st.sets(st.integers(0, len(OBJECTIVES) - 1), max_size=4),  # linked key results
)
FILTER = st.fixed_dictionaries(
    {},
    optional={
        "team": st.sampled_from([*TEAMS, "missing"]),
        "heartbeat": st.integers(0, 6),  # 6: a heartbeat that does not exist
        "period": st.sampled_from(["2017-Q1", "2017-Q2", "1999-Q1"]),
        "status": st.sampled_from(PacketStatus.values),
        "key_result": st.integers(0, len(OBJECTIVES)),  # the last: none such
    },
)


def _orm_page(user: Any, where: dict[str, Any], after: int, limit: int) -> list[dict[str, Any]]:
    """The ORM's filters, as the endpoint had them, and `packet_out` of each packet."""
    packets = visible_packets(user).order_by("pk").filter(pk__gt=after)
    if "team" in where:
        packets = packets.filter(team__slug=where["team"])
    if "heartbeat" in where:
        packets = packets.filter(heartbeat_id=where["heartbeat"])
    if "period" in where:
        packets = packets.filter(heartbeat__period__slug=where["period"])
    if "status" in where:
        packets = packets.filter(status=where["status"])
    if "key_result" in where:
        packets = packets.filter(key_results__id=where["key_result"])
    return [packet_out(p) for p in packets[:limit]]


def _ids(world: Any, where: dict[str, Any]) -> dict[str, Any]:
    """The filter with indexes turned into the keys of the rows they name."""
    ids = dict(where)
    if "heartbeat" in where:
        known = where["heartbeat"] < len(world.heartbeats)
        ids["heartbeat"] = world.heartbeats[where["heartbeat"]].pk if known else 10**9
    if "key_result" in where:
        known = where["key_result"] < len(world.key_results)
        ids["key_result"] = world.key_results[where["key_result"]].pk if known else 10**9
    return ids


# packets of each team, in and out of heartbeats of both periods, of each status, with links
MIXED = [
    (0, 0, "todo", {0}),
    (0, 1, "done", {1, 2}),
    (1, 2, "todo", {3}),
    (1, None, "blocked", {4, 5}),
    (2, 4, "done", {6}),
    (2, 5, "todo", {7, 8}),
    (0, None, "done", set()),
]
EACH_FILTER = [
    {"team": "other"},
    {"heartbeat": 1},
    {"period": "2017-Q2"},
    {"status": "done"},
    {"key_result": 1},
]


def _examples(test: Any) -> Any:
    """Each filter alone on `MIXED`, as the site admin, so that each must narrow the list."""
    for where in EACH_FILTER:
        test = example(packets=MIXED, reader="admin", where=where, after=0, limit=7)(test)
    return test


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    packets=st.lists(PACKET, max_size=12),
    reader=st.sampled_from(READERS),
    where=FILTER,
    after=st.integers(0, 12),
    limit=st.integers(1, 6),
)
@example(  # every packet, every link, as each reader: the visibility rules alone decide
    packets=[(t, None, "todo", set(range(len(OBJECTIVES)))) for t in range(len(TEAMS))],
    reader="anonymous",
    where={},
    after=0,
    limit=6,
)
@example(
    packets=[(t, t * 2, "done", {t * 3, t * 3 + 1}) for t in range(len(TEAMS))],
    reader="member",
    where={"period": "2017-Q1"},
    after=0,
    limit=6,
)
@_examples
def test_the_written_out_list_is_the_orm_list(world, packets, reader, where, after, limit) -> None:  # type: ignore[no-untyped-def]
    WorkPacket.objects.all().delete()
    first = None
    for team, heartbeat, status, links in packets:
        made = f.packet(
            team=world.teams[team],
            heartbeat=None if heartbeat is None else world.heartbeats[heartbeat],
            status=status,
            key_results=[world.key_results[i] for i in links],
        )
        first = first or made.pk
    user = world.readers[reader]
    ids = _ids(world, where)
    start = (first or 1) - 1 + after  # `after` counts from just before the first packet made
    expected = _orm_page(user, ids, start, limit)
    got = packet_list_page(user, PacketListFilter(**ids), after=start, limit=limit)
    assert written_json(got) == schema_json(PacketOut, expected)


def test_the_list_is_one_query_for_every_reader(world) -> None:  # type: ignore[no-untyped-def]
    for team in world.teams:
        for _ in range(3):
            f.packet(team=team, key_results=world.key_results[:4])
    for reader in READERS:
        user = world.readers[reader]
        with CaptureQueriesContext(connection) as queries:
            rows = packet_list_page(user, PacketListFilter(), limit=50)
        assert len(queries) == 1, [q["sql"] for q in queries]
        # the private team's are listed to its member and the admin only
        assert len(rows) == (9 if reader in ("admin", "member") else 6), reader


def test_a_packet_without_links_reads_no_links(world) -> None:  # type: ignore[no-untyped-def]
    f.packet(team=world.teams[0])
    user = world.readers["anonymous"]
    rows = packet_list_page(user, PacketListFilter(), limit=50)
    assert [row["key_results"] for row in rows] == [[]]
