"""The quarter run in the browser, each journey by following links from the home page only (no
typed URL after the first page), as a new user would: (a) a program lead drafts an objective
contributing to the parent team's, with an increase, a decrease and a milestone KR, proposes it,
and the parent's lead finds it on their home and in the inbox, comments and approves; (b) a
member checks in on a KR of the demo's current quarter; (g) a lead publishes the quarter and
copies the Discourse version."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.utils import timezone

from okrs.files.demo_current import demo_login, load_current_quarter
from okrs.goals.models import KeyResult, Objective
from tests import factories as f
from tests.browser.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "a long journey passphrase"


def _home_and_log_in(page: Any, username: str, password: str = PASSWORD) -> None:
    """From the home page: log out if someone is in, follow "Log in", come back signed in."""
    page.context.clear_cookies()
    page.goto(f"{page.base}/")
    page.get_by_role("link", name="Log in").click()
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    assert page.get_by_role("button", name="Log out").is_visible()


def _cdt_and_reps() -> dict[str, Any]:
    today = timezone.localdate()
    period = f.period(
        "now", name="This quarter", start=today - dt.timedelta(days=30),
        end=today + dt.timedelta(days=60),
    )  # fmt: skip
    cdt = f.team("cdt", name="Community Development Team")
    reps = f.team("reps", name="Mozilla Reps", parent=cdt)
    goal = f.objective(team=cdt, period=period, code="O1", title="Grow a healthy core community")
    people = {}
    for name, team, role in (("cdtlead", cdt, "lead"), ("repslead", reps, "lead")):
        people[name] = f.person(name, password=PASSWORD)
        f.membership(people[name], team, role)
    return {"period": period, "goal": goal, **people}


def _add_key_result(page: Any, code: str, title: str, direction: str, **values: str) -> None:
    page.get_by_role("link", name="Add key result").click()
    page.fill("#id_code", code)
    page.fill("#id_title", title)
    if direction != "increase":
        with page.expect_response(lambda r: r.request.method == "POST"):
            page.select_option("#id_direction", direction)  # htmx redraws the form's fields
        page.wait_for_function(
            "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"
        )
    for name, value in values.items():
        page.fill(f"#id_{name}", value)
    page.get_by_role("button", name="Add key result").click()
    page.wait_for_url(re.compile(r".*/objectives/\d+/$"))


def test_a_program_lead_proposes_and_the_parent_lead_reviews(page: Any) -> None:
    org = _cdt_and_reps()
    _home_and_log_in(page, "repslead")
    page.locator("nav[aria-label=Main]").get_by_role("link", name="Teams").click()
    page.get_by_role("link", name="Mozilla Reps").click()
    page.locator("nav.team-menu").get_by_role("link", name="New objective").click()
    assert page.input_value("#id_code") == "O1"  # the next free code
    page.fill("#id_title", "Onboard mobilizers one way")
    page.select_option(
        "#id_contributes_to",
        label="Community Development Team · O1 Grow a healthy core community (This quarter)",
    )
    page.get_by_role("button", name="Create draft").click()
    page.wait_for_url(re.compile(r".*/objectives/\d+/$"))
    objective = Objective.objects.get(title="Onboard mobilizers one way")
    assert objective.alignments_up.filter(parent=org["goal"]).exists()
    assert objective.owner == org["repslead"]
    _add_key_result(page, "KR1", "Reps onboarded", "increase", baseline="10", target="40")
    _add_key_result(page, "KR2", "Days to onboard", "decrease", baseline="30", target="10")
    _add_key_result(page, "KR3", "Onboarding guide published", "milestone")
    kinds = list(objective.key_results.order_by("order").values_list("direction", flat=True))
    assert kinds == ["increase", "decrease", "milestone"]
    page.get_by_role("button", name="Propose for review").click()
    page.wait_for_url(f"**/objectives/{objective.pk}/")
    screenshot(page, "journey-a-proposed")

    _home_and_log_in(page, "cdtlead")
    page.locator("nav[aria-label=Main]").get_by_role("link", name="Home").click()
    waiting = page.locator("section[aria-labelledby=reviews-title]")
    assert "Onboard mobilizers one way" in waiting.inner_text()
    screenshot(page, "journey-a-home")
    page.locator("nav.account").get_by_role("link", name=re.compile("^Inbox")).click()
    page.get_by_role("link", name=re.compile("waits for your review")).click()
    page.wait_for_url(f"**/objectives/{objective.pk}/")
    review = page.locator("section.review")
    review.locator("textarea[name=body]").fill("Clear and measurable. Thanks!")
    with page.expect_navigation():
        review.get_by_role("button", name="Comment", exact=True).click()
    assert "Clear and measurable" in page.locator("section.review ol.comments").inner_text()
    page.get_by_role("button", name="Approve and publish").click()
    page.wait_for_url(f"**/objectives/{objective.pk}/")
    objective.refresh_from_db()
    assert objective.state == "published"


def test_a_member_checks_in_on_the_demos_current_quarter(page: Any) -> None:
    cdt = f.team("cdt", name="Community Development Team")
    reps = f.team("reps", name="Mozilla Reps", parent=cdt, follows_parent_heartbeats=True)
    for name, team, role in (("kestrel", cdt, "lead"), ("juniper", reps, "lead"),
                             ("marlow", reps, "member")):  # fmt: skip
        f.membership(f.person(name), team, role)
    load_current_quarter()
    password = demo_login().password
    kr = KeyResult.objects.get(objective__team=reps, code="KR1", objective__illustrative=True)
    _home_and_log_in(page, "marlow", password)
    page.locator("nav[aria-label=Main]").get_by_role("link", name="Home").click()
    page.locator("section[aria-labelledby=krs-title]").get_by_role("link", name=str(kr)).click()
    page.wait_for_url(f"**/key-results/{kr.pk}/")
    live = page.locator("#kr-live")
    before = live.locator(".progress-value").inner_text()
    points = live.locator(".chart-wide svg.kr-chart circle.point").count()
    form = live.locator("form.checkin-form")
    form.locator("input[name=value]").fill("70")
    form.locator("input[name=confidence]").fill("90")
    form.get_by_role("button", name="Check in").click()
    page.wait_for_selector("#kr-live .saved")
    live = page.locator("#kr-live")
    assert live.locator(".progress-value").inner_text() == "100%" != before
    assert "On track" in live.locator(".status").first.inner_text()
    assert live.locator(".chart-wide svg.kr-chart circle.point").count() == points + 1
    screenshot(page, "journey-b-checked-in")


def test_a_lead_publishes_the_quarter_and_copies_the_discourse_version(page: Any) -> None:
    org = _cdt_and_reps()
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=page.base)
    _home_and_log_in(page, "cdtlead")
    page.locator("nav[aria-label=Main]").get_by_role("link", name="Periods").click()
    page.get_by_role("link", name="Publish").first.click()
    page.locator("nav[aria-label=Formats]").get_by_role("link", name="Discourse").click()
    text = page.input_value("#post-text")
    assert org["goal"].title in text
    page.get_by_role("button", name="Copy").click()
    page.wait_for_selector("[data-copy][data-copied=true]")
    assert page.evaluate("navigator.clipboard.readText()") == text
    screenshot(page, "journey-g-publish")
