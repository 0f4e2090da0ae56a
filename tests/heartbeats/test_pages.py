"""The heartbeat board, the review page, packet pages and per-KR packets: access and queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from okrs.heartbeats import services as s
from okrs.heartbeats.models import Commitment, HeartbeatReview, PacketEvent
from tests import factories as f

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def world():  # type: ignore[no-untyped-def]
    cdt = f.team("cdt", name="Community Development Team")
    reps = f.team("reps", name="Mozilla Reps", parent=cdt, follows_parent_heartbeats=True)
    beats = s.heartbeats_split(team=cdt, period=f.period(), weeks=3)
    lead, member, helper, outsider = (f.person(n) for n in ("lead", "member", "helper", "out"))
    f.membership(lead, reps, "lead")
    f.membership(member, reps, "member")
    f.membership(helper, reps, "member")
    kr = f.key_result(objective=f.objective(team=reps, code="O2"), code="KR2", title="Watching")
    mine = s.packet_create(
        team=reps,
        title="Ask Reps to watch",
        actor=None,
        key_results=[kr],
        responsible=[member],
        description="**Bold** <script>x()</script>",
    )
    other = s.packet_create(team=reps, title="Draft guidelines", actor=None)
    s.heartbeat_plan(
        heartbeat=beats[1], team=reps, actor=None, commitments=[(mine, "P1"), (other, "P2")]
    )
    return {
        "reps": reps,
        "beats": beats,
        "lead": lead,
        "member": member,
        "helper": helper,
        "outsider": outsider,
        "mine": mine,
        "other": other,
        "kr": kr,
    }


def board_url(w, i=1):  # type: ignore[no-untyped-def]
    return f"/teams/reps/heartbeats/{w['beats'][i].pk}/"


def test_anyone_reads_the_board_of_a_public_team(client, world) -> None:  # type: ignore[no-untyped-def]
    response = client.get(board_url(world))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Q1HB2" in html and "Ask Reps to watch" in html and "Draft guidelines" in html
    assert "In progress" in html and "Dropped" in html  # a column per status
    assert "O2KR2" in html
    assert 'name="status"' not in html  # no move forms for readers


def test_private_team_board_is_hidden_from_outsiders(client, world) -> None:  # type: ignore[no-untyped-def]
    world["reps"].visibility = "private"
    world["reps"].save()
    client.force_login(world["outsider"])
    assert client.get(board_url(world)).status_code == 404
    assert client.get(f"/teams/reps/packets/{world['mine'].pk}/").status_code == 404
    assert client.get(f"/key-results/{world['kr'].pk}/packets/").status_code == 404
    client.force_login(world["member"])
    assert client.get(board_url(world)).status_code == 200


def test_heartbeat_of_another_calendar_is_not_found(client, world) -> None:  # type: ignore[no-untyped-def]
    stranger = f.heartbeat(start=D(2017, 1, 1), end=D(2017, 1, 14))
    assert client.get(f"/teams/reps/heartbeats/{stranger.pk}/").status_code == 404


def test_moving_a_card_without_javascript_updates_status_and_redirects(client, world) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world["member"])
    url = f"/teams/reps/packets/{world['mine'].pk}/status/"
    response = client.post(url, {"status": "in_progress"})
    assert response.status_code == 302 and response["Location"] == board_url(world)
    world["mine"].refresh_from_db()
    assert world["mine"].status == "in_progress"
    event = PacketEvent.objects.get(packet=world["mine"], kind="status")
    assert event.actor == world["member"]


def test_moving_a_card_with_htmx_returns_the_board(client, world) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world["lead"])
    url = f"/teams/reps/packets/{world['other'].pk}/status/"
    response = client.post(url, {"status": "done"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and html.lstrip().startswith('<div id="board">')
    assert "<html" not in html
    assert "1 of 1 done" in html  # the P2 closure rate moved
    assert client.post(url, {"status": "nope"}, HTTP_HX_REQUEST="true").status_code == 400


def test_only_leads_and_responsible_members_move_cards(client, world) -> None:  # type: ignore[no-untyped-def]
    url = f"/teams/reps/packets/{world['mine'].pk}/status/"
    response = client.post(url, {"status": "done"})  # anonymous: to the login page and back
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    world["mine"].refresh_from_db()
    assert world["mine"].status == "todo"
    for who in ("helper", "outsider"):
        client.force_login(world[who])
        assert client.post(url, {"status": "done"}).status_code == 403
    client.force_login(world["helper"])
    html = client.get(board_url(world)).content.decode()
    assert 'name="status"' not in html
    client.force_login(world["member"])
    html = client.get(board_url(world)).content.decode()
    assert html.count('name="status"') == 1  # only the packet the member is Responsible for


def test_move_requires_csrf(world) -> None:  # type: ignore[no-untyped-def]
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(world["lead"])
    url = f"/teams/reps/packets/{world['mine'].pk}/status/"
    assert client.post(url, {"status": "done"}).status_code == 403


def test_review_page_shows_rates_and_lead_saves_the_review(client, world) -> None:  # type: ignore[no-untyped-def]
    s.packet_set_status(packet=world["mine"], status="done", actor=None)
    url = board_url(world) + "review/"
    html = client.get(url).content.decode()
    assert "Review of Q1HB2" in html and "1 of 1 done" in html and "Save the review" not in html
    client.force_login(world["member"])
    assert client.post(url, {"learned": "x"}).status_code == 403
    client.force_login(world["lead"])
    other = world["other"].pk
    response = client.post(
        url,
        {
            f"outcome-{other}": "carried_over",
            f"reason-{other}": "Legal",
            "learned": "Start **earlier**",
            "demo_notes": "Video",
        },
    )
    assert response.status_code == 302
    review = HeartbeatReview.objects.get(team=world["reps"], heartbeat=world["beats"][1])
    assert review.learned == "Start **earlier**" and review.reviewed_by == world["lead"]
    assert Commitment.objects.get(packet_id=other).outcome == "carried_over"
    client.logout()
    html = client.get(url).content.decode()
    assert "<strong>earlier</strong>" in html and "Legal" in html


def test_review_with_an_unknown_outcome_says_so(client, world) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world["lead"])
    other = world["other"].pk
    response = client.post(board_url(world) + "review/", {f"outcome-{other}": "maybe"})
    assert response.status_code == 400 and "maybe" in response.content.decode()
    assert HeartbeatReview.objects.filter(reviewed_at__isnull=False).count() == 0


def test_lead_carries_unfinished_packets_over(client, world) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world["lead"])
    response = client.post(board_url(world) + "carry-over/", {"reason": "Time"})
    assert response.status_code == 302
    world["other"].refresh_from_db()
    assert world["other"].heartbeat == world["beats"][2]
    client.force_login(world["member"])
    assert client.post(board_url(world, 2) + "carry-over/").status_code == 403


def test_packet_page_renders_sanitized_markdown(client, world) -> None:  # type: ignore[no-untyped-def]
    html = client.get(f"/teams/reps/packets/{world['mine'].pk}/").content.decode()
    assert "<strong>Bold</strong>" in html
    assert "<script>x()" not in html


def test_packets_for_a_key_result(client, world) -> None:  # type: ignore[no-untyped-def]
    html = client.get(f"/key-results/{world['kr'].pk}/packets/").content.decode()
    assert "Ask Reps to watch" in html and "Draft guidelines" not in html
    assert "member" in html  # the Responsible person


def _more_packets(w, count: int) -> None:  # type: ignore[no-untyped-def]
    for i in range(count):
        person = f.person()
        packet = s.packet_create(
            team=w["reps"],
            title=f"Extra {i}",
            actor=None,
            key_results=[w["kr"]],
            responsible=[person],
        )
        s.checklist_item_add(packet=packet, text="task", owner=person)
        s.commitment_add(heartbeat=w["beats"][1], packet=packet, priority="P2", actor=None)


@pytest.mark.parametrize("path", ["", "review/", "kr", "packet", "list"])
def test_pages_run_a_bounded_number_of_queries(client, world, path: str) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world["lead"])
    url = {
        "kr": f"/key-results/{world['kr'].pk}/packets/",
        "packet": f"/teams/reps/packets/{world['mine'].pk}/",
        "list": "/teams/reps/heartbeats/",
    }.get(path, board_url(world) + path)
    _more_packets(world, 2)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    _more_packets(world, 15)
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200
    assert len(large) == len(small), [q["sql"] for q in large.captured_queries]


def test_lead_plans_packets_with_priorities_and_a_midpoint_note(client, world) -> None:  # type: ignore[no-untyped-def]
    loose = s.packet_create(team=world["reps"], title="Unscheduled idea", actor=None)
    url = board_url(world) + "plan/"
    client.force_login(world["member"])
    assert client.post(url, {f"plan-{loose.pk}": "P1"}).status_code == 403
    client.force_login(world["lead"])
    html = client.get(board_url(world) + "review/").content.decode()
    assert "Unscheduled idea" in html and "Save the plan" in html
    response = client.post(
        url, {f"plan-{loose.pk}": "P1", "plan_note": "Focus", "midpoint_note": "Halfway fine"}
    )
    assert response.status_code == 302
    loose.refresh_from_db()
    assert loose.heartbeat == world["beats"][1] and loose.priority == "P1"
    review = HeartbeatReview.objects.get(team=world["reps"], heartbeat=world["beats"][1])
    assert (review.plan_note, review.midpoint_note) == ("Focus", "Halfway fine")
    assert client.post(url, {f"plan-{loose.pk}": "P9"}).status_code == 302
    assert Commitment.objects.get(packet=loose).priority == "P1"  # refused, unchanged


def test_responsible_member_edits_the_packet_and_its_checklist(client, world) -> None:  # type: ignore[no-untyped-def]
    base = f"/teams/reps/packets/{world['mine'].pk}/"
    client.force_login(world["helper"])
    assert client.post(base + "edit/", {"title": "Hijacked"}).status_code == 403
    assert client.post(base + "checklist/", {"text": "x"}).status_code == 403
    client.force_login(world["member"])
    response = client.post(
        base + "edit/",
        {"title": "Ask all Reps", "description": "# Why", "due": "2017-02-10", "external_url": ""},
    )
    assert response.status_code == 302
    world["mine"].refresh_from_db()
    assert (world["mine"].title, world["mine"].due) == ("Ask all Reps", D(2017, 2, 10))
    client.post(
        base + "checklist/", {"text": "Remind coaches", "owner_name": "wren", "due": "2017-02-05"}
    )
    item = world["mine"].checklist.get()
    assert (item.text, item.owner_name, item.due, item.done) == (
        "Remind coaches",
        "wren",
        D(2017, 2, 5),
        False,
    )
    client.post(base + f"checklist/{item.pk}/", {"done": "on"})
    item.refresh_from_db()
    assert item.done
    response = client.post(base + "edit/", {"due": "soon"}, follow=True)
    assert "not a date" in response.content.decode()
    html = client.get(base).content.decode()
    assert "<h1>Why</h1>" in html and "Remind coaches" in html
    other = f"/teams/reps/packets/{world['other'].pk}/checklist/{item.pk}/"
    client.force_login(world["lead"])
    assert client.post(other, {"done": "off"}).status_code == 404  # item of another packet


def test_the_board_carries_the_heartbeats_discussion(client, world) -> None:  # type: ignore[no-untyped-def]
    beat = world["beats"][1]
    client.force_login(world["member"])
    response = client.post(f"/talk/heartbeat/{beat.pk}/comments/", {"body": "Mid-point: *on it*"})
    assert response.status_code in (200, 302)
    html = client.get(board_url(world)).content.decode()
    assert "Mid-point: <em>on it</em>" in html
    assert f'action="/talk/heartbeat/{beat.pk}/comments/"' in html


@pytest.mark.parametrize("reader", ["anon", "outsider", "member"])
def test_board_and_packet_page_hide_draft_and_private_key_results(client, world, reader) -> None:  # type: ignore[no-untyped-def]
    """A packet of a public team that moves a draft KR and a private objective's KR shows only
    what the reader may read (the KRs' own rule, `visible_key_results`), on every page."""
    reps = world["reps"]
    draft = f.key_result(
        objective=f.objective(team=reps, code="O7", title="Drafty", state="draft"),
        code="KR1",
        title="Secret draft KR",
    )
    hidden = f.key_result(
        objective=f.objective(team=reps, code="O8", title="Hidden", visibility="private"),
        code="KR1",
        title="Secret private KR",
    )
    world["mine"].key_results.add(draft, hidden)
    if reader != "anon":
        client.force_login(world[reader])
    packet = f"/teams/reps/packets/{world['mine'].pk}/"
    for url in (board_url(world), packet):
        html = client.get(url).content.decode()
        assert "Watching" in html or "O2KR2" in html, url  # the readable KR is still there
        for secret in ("Secret draft KR", "Secret private KR", "O7KR1", "O8KR1"):
            assert (secret in html) == (reader == "member"), (url, secret)
