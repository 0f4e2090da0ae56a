"""Community engagement in real Chromium: hostile Markdown stays inert, a mention reaches the
inbox, and an offer of help on a packet accepted by the lead makes the visitor Supporting."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth.models import User

from okrs.heartbeats.models import PacketRole
from okrs.talk.models import Comment
from tests import factories as f
from tests.browser.conftest import log_in_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _world() -> dict[str, Any]:
    period = f.period()
    team = f.team("reps", name="Mozilla Reps")
    people = {name: f.person(name) for name in ("lead", "member", "visitor")}
    f.membership(people["lead"], team, "lead")
    f.membership(people["member"], team, "member")
    objective = f.objective(team=team, period=period, code="O1", title="Grow the community")
    heartbeat = f.heartbeat(
        team=team, period=period, name="Q1HB1", start=period.start, end=period.start.replace(day=14)
    )
    packet = f.packet(team=team, heartbeat=heartbeat, title="Plan the summit")
    return {"team": team, "objective": objective, "packet": packet, **people}


def _watch(page: Any) -> tuple[list[str], list[str]]:
    dialogs: list[str] = []
    console: list[str] = []

    def on_dialog(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.on("console", lambda message: console.append(message.text))
    return dialogs, console


HOSTILE = (
    "Hello **team**\n\n"
    '<script>alert("xss-script"); console.log("xss-script")</script>\n\n'
    '[click me](javascript:alert("xss-link"))\n\n'
    '<img src="x" onerror="alert(\'xss-img\')">\n\n'
    "[safe](https://example.org/)"
)


def test_markdown_with_script_and_javascript_link_does_not_run(page: Any) -> None:
    world = _world()
    dialogs, console = _watch(page)
    log_in_as(page, world["member"])
    url = f"{page.base}/objectives/{world['objective'].pk}/"
    page.goto(url)
    page.get_by_label("Add a comment").fill(HOSTILE)
    page.get_by_role("button", name="Post comment").click()
    page.locator(".talk-comment strong", has_text="team").wait_for()
    assert Comment.objects.filter(author=world["member"]).count() == 1
    for _ in range(2):  # after the htmx swap, and on a fresh full page load
        comment = page.locator(".talk-comment").first
        assert comment.locator("script").count() == 0
        assert page.locator('a[href^="javascript"]').count() == 0
        assert comment.locator("img").count() == 0
        assert comment.locator("a", has_text="safe").get_attribute("rel") == "nofollow noopener"
        page.get_by_text("click me").first.click()  # plain text now: clicking does nothing
        page.wait_for_timeout(200)
        assert dialogs == []
        assert not [text for text in console if "xss" in text]
        page.goto(url)


def test_a_mention_reaches_the_inbox(page: Any, browser: Any) -> None:
    world = _world()
    log_in_as(page, world["member"])
    page.goto(f"{page.base}/teams/reps/packets/{world['packet'].pk}/")
    page.get_by_label("Add a comment").fill("@visitor could you look at the venue?")
    page.get_by_role("button", name="Post comment").click()
    page.locator(".talk-comment", has_text="could you look").wait_for()

    context = browser.new_context()
    other = context.new_page()
    other.base = page.base
    try:
        log_in_as(other, world["visitor"])
        other.goto(f"{page.base}/")
        other.get_by_role("link", name="Inbox").click()
        item = other.locator(".notification", has_text="member mentioned you on Plan the summit")
        assert item.count() == 1
        item.get_by_role("link").click()
        other.locator(".talk-comment", has_text="could you look").wait_for()
    finally:
        context.close()


def test_visitor_offers_help_on_a_packet_and_the_lead_accepts(page: Any, browser: Any) -> None:
    world = _world()
    packet_url = f"{page.base}/teams/reps/packets/{world['packet'].pk}/"
    log_in_as(page, world["visitor"])
    page.goto(packet_url)
    page.get_by_label("Offer help").fill("I organised two summits before")
    page.get_by_role("button", name="Offer help").click()
    page.get_by_text("You offered help here").wait_for()

    context = browser.new_context()
    lead = context.new_page()
    lead.base = page.base
    try:
        log_in_as(lead, world["lead"])
        lead.goto(f"{page.base}/teams/reps/offers/")
        row = lead.locator("tr", has_text="I organised two summits before")
        row.get_by_role("button", name="Accept").click()
        lead.wait_for_url(f"{page.base}/teams/reps/offers/")
        lead.goto(packet_url)
        assert lead.locator("li", has_text=re.compile(r"Supporting: .*visitor")).count() == 1
    finally:
        context.close()
    visitor = User.objects.get(username="visitor")
    assert PacketRole.objects.filter(packet=world["packet"], person=visitor, role="S").exists()
    page.goto(f"{page.base}/inbox/")
    assert page.locator(".notification", has_text="accepted your offer of help").count() == 1
