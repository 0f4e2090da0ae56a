"""Every lead action on heartbeats and packets in the browser, through the heartbeat services:
split a period, add and edit a heartbeat, create a packet with its KRs and Responsible people,
change its links and RASCI roles. Who may do each, and the pages' query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from okrs.heartbeats import services as s
from okrs.heartbeats.models import Heartbeat, PacketRole, WorkPacket
from okrs.sync.models import IssueLink, SyncState
from tests import factories as f
from tests.web.helpers import html, query_counts

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def world():  # type: ignore[no-untyped-def]
    period = f.period()
    cdt = f.team("cdt", name="Community Development Team")
    reps = f.team("reps", name="Mozilla Reps", parent=cdt)
    people = {n: f.person(n) for n in ("lead", "member", "viewer", "outsider", "cdtlead")}
    f.membership(people["lead"], reps, "lead")
    f.membership(people["member"], reps, "member")
    f.membership(people["viewer"], reps, "viewer")
    f.membership(people["cdtlead"], cdt, "lead")
    objective = f.objective(team=reps, period=period, code="O1", title="Grow")
    kr = f.key_result(objective=objective, code="KR1", title="Mentors active")
    parent_kr = f.key_result(
        objective=f.objective(team=cdt, period=period, code="O1"), code="KR1", title="CDT KR"
    )
    far_kr = f.key_result(objective=f.objective(team=f.team("far"), period=period), title="Far")
    return {"period": period, "reps": reps, "kr": kr, "parent_kr": parent_kr, "far_kr": far_kr,
            **people}  # fmt: skip


def client_of(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_a_lead_splits_a_period_into_three_week_heartbeats(world) -> None:  # type: ignore[no-untyped-def]
    lead = client_of(world["lead"])
    page = html(lead.get("/teams/reps/heartbeats/"))
    assert "Split a period into heartbeats" in page
    assert "Split a period" not in html(client_of(world["member"]).get("/teams/reps/heartbeats/"))
    response = lead.post(
        "/teams/reps/heartbeats/split/", {"period": world["period"].pk, "weeks": "3"}
    )
    assert response.status_code == 302
    beats = list(Heartbeat.objects.filter(team=world["reps"]).order_by("start"))
    assert [b.name for b in beats][:2] == ["Q1HB1", "Q1HB2"]
    assert all((b.end - b.start).days <= 20 for b in beats[:-1])
    again = lead.post(
        "/teams/reps/heartbeats/split/", {"period": world["period"].pk, "weeks": "3"}, follow=True
    )
    assert "overlaps" in html(again)
    assert Heartbeat.objects.filter(team=world["reps"]).count() == len(beats)  # all or nothing
    refused = client_of(world["member"]).post(
        "/teams/reps/heartbeats/split/", {"period": world["period"].pk, "weeks": "2"}
    )
    assert refused.status_code == 403 and "leads" in html(refused)


def test_add_and_edit_a_heartbeat_by_hand(world) -> None:  # type: ignore[no-untyped-def]
    lead = client_of(world["lead"])
    bad = lead.post(
        "/teams/reps/heartbeats/new/",
        {"name": "HB1", "period": world["period"].pk, "start": "2017-01-10", "end": "2017-01-05"},
    )
    assert bad.status_code == 400 and "must come before the end" in html(bad)
    made = lead.post(
        "/teams/reps/heartbeats/new/",
        {"name": "HB1", "period": world["period"].pk, "start": "2017-01-02", "end": "2017-01-20"},
    )
    beat = Heartbeat.objects.get(team=world["reps"], name="HB1")
    assert made["Location"] == f"/teams/reps/heartbeats/{beat.pk}/"
    edit = f"/teams/reps/heartbeats/{beat.pk}/edit/"
    outside = lead.post(edit, {"name": "HB1", "start": "2016-12-20", "end": "2017-01-20"})
    assert outside.status_code == 400 and "must lie inside" in html(outside)
    assert (
        lead.post(edit, {"name": "Kickoff", "start": "2017-01-03", "end": "2017-01-21"}).status_code
        == 302
    )
    beat.refresh_from_db()
    assert (beat.name, beat.start, beat.end) == ("Kickoff", D(2017, 1, 3), D(2017, 1, 21))
    assert client_of(world["viewer"]).get(edit).status_code == 403


def test_a_lead_creates_a_packet_with_key_results_and_responsible_people(world) -> None:  # type: ignore[no-untyped-def]
    beat = s.heartbeat_create(
        team=world["reps"],
        period=world["period"],
        name="HB1",
        start=D(2017, 1, 2),
        end=D(2017, 1, 20),
    )
    lead = client_of(world["lead"])
    form = html(lead.get(f"/teams/reps/packets/new/?heartbeat={beat.pk}"))
    assert "Mentors active" in form and "CDT KR" in form and "Far" not in form
    assert ">viewer<" not in form and "member" in form  # viewers do not take on packets
    assert f'value="{beat.pk}" selected' in form
    refused = lead.post(
        "/teams/reps/packets/new/", {"title": "Guide", "key_results": [world["far_kr"].pk]}
    )
    assert refused.status_code == 400 and "Select a valid choice" in html(refused)
    assert lead.post("/teams/reps/packets/new/", {"title": ""}).status_code == 400
    response = lead.post(
        "/teams/reps/packets/new/",
        {
            "title": "Mentor guide",
            "heartbeat": beat.pk,
            "priority": "P1",
            "key_results": [world["kr"].pk, world["parent_kr"].pk],
            "responsible": [world["member"].pk],
        },
    )
    packet = WorkPacket.objects.get(title="Mentor guide")
    assert response["Location"] == f"/teams/reps/packets/{packet.pk}/"
    assert packet.heartbeat == beat and packet.priority == "P1"
    assert set(packet.key_results.all()) == {world["kr"], world["parent_kr"]}
    assert list(packet.roles.values_list("person__username", "role")) == [("member", "R")]
    assert (
        client_of(world["member"]).post("/teams/reps/packets/new/", {"title": "x"}).status_code
        == 403
    )
    assert client_of(None).get("/teams/reps/packets/new/").status_code == 302

    def grow() -> None:
        for n in range(5):
            f.key_result(objective=world["kr"].objective, title=f"More {n}")
            s.heartbeat_create(
                team=world["reps"],
                period=world["period"],
                name=f"X{n}",
                start=D(2017, 2, 1 + 3 * n),
                end=D(2017, 2, 2 + 3 * n),
            )

    small, large = query_counts(lead, "/teams/reps/packets/new/", grow)
    assert small == large and large <= 14


def test_roles_and_links_of_a_packet(world) -> None:  # type: ignore[no-untyped-def]
    packet = s.packet_create(
        team=world["reps"], title="Guide", actor=None, responsible=[world["member"]]
    )
    url = f"/teams/reps/packets/{packet.pk}/"
    lead = client_of(world["lead"])
    page = html(lead.get(url))
    assert "Give role" in page and "Change the key results it moves" in page
    lead.post(url + "roles/", {"person": world["lead"].pk, "role": "A"})
    assert PacketRole.objects.filter(packet=packet, person=world["lead"], role="A").exists()
    lead.post(url + "roles/", {"remove": world["lead"].pk, "role": "A"})
    assert not PacketRole.objects.filter(packet=packet, role="A").exists()
    member = client_of(world["member"])  # Responsible: may change the links, not the roles
    assert "Give role" not in html(member.get(url))
    assert (
        member.post(url + "roles/", {"person": world["member"].pk, "role": "A"}).status_code == 403
    )
    member.post(url + "links/", {"key_results": [world["kr"].pk]})
    assert list(packet.key_results.all()) == [world["kr"]]
    member.post(url + "links/", {"key_results": [world["far_kr"].pk]})
    assert list(packet.key_results.all()) == [world["kr"]]  # refused: not a KR it may move
    assert client_of(world["viewer"]).post(url + "links/", {}).status_code == 403

    def grow() -> None:
        for n in range(4):
            person = f.person(f"extra{n}")
            f.membership(person, world["reps"], "member")
            s.packet_set_role(packet=packet, person=person, role="S", actor=None)
            f.key_result(objective=world["kr"].objective, title=f"K{n}")

    small, large = query_counts(lead, url, grow)
    assert small == large and large <= 30


def test_a_mirrored_packet_says_so_and_links_to_github(world) -> None:  # type: ignore[no-untyped-def]
    packet = s.packet_create(
        team=world["reps"],
        title="Synced",
        actor=None,
        external_url="https://github.com/mozilla/reps/issues/7",
    )
    repo = SyncState.objects.create(repo="mozilla/reps", team=world["reps"])
    IssueLink.objects.create(repo=repo, number=7, packet=packet)
    page = html(client_of(None).get(f"/teams/reps/packets/{packet.pk}/"))
    assert "Mirrored from GitHub" in page and "https://github.com/mozilla/reps/issues/7" in page
