"""The walk-through of the issue in real Chromium: a team lead drafts an objective with two key
results aligned to a parent objective, the parent team's lead approves it, a member checks in,
and progress and status change on the KR page, the overview and the alignment map."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.utils import timezone

from okrs.goals.models import KeyResult, Objective
from tests import factories as f
from tests.browser.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "a long walk-through passphrase"


def _organization() -> dict[str, Any]:
    today = timezone.localdate()
    period = f.period(
        "now",
        name="This quarter",
        start=today - dt.timedelta(days=30),
        end=today + dt.timedelta(days=60),
    )
    cdt = f.team("cdt", name="Community Development Team")
    reps = f.team("reps", name="Mozilla Reps", parent=cdt)
    parent = f.objective(
        team=cdt, period=period, code="O1", title="Grow a healthy, diverse core community"
    )
    people = {}
    for name, team, role in (
        ("cdtlead", cdt, "lead"),
        ("repslead", reps, "lead"),
        ("rep", reps, "member"),
    ):
        people[name] = f.person(name, password=PASSWORD)
        f.membership(people[name], team, role)
    return {"period": period, "reps": reps, "parent": parent, **people}


def _log_in(page: Any, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{page.base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    assert page.get_by_role("button", name="Log out").is_visible()


def _add_key_result(page: Any, code: str, title: str, target: str) -> None:
    page.get_by_role("link", name="Add key result").click()
    page.fill("#id_code", code)
    page.fill("#id_title", title)
    # "increase" is the default: choosing a direction redraws the form (htmx), which a test
    # typing at once into the fields would race
    assert page.input_value("#id_direction") == "increase"
    page.fill("#id_baseline", "0")
    page.fill("#id_target", target)
    page.fill("#id_unit", "Reps")
    page.get_by_role("button", name="Add key result").click()
    page.wait_for_url(re.compile(r".*/objectives/\d+/$"))
    assert page.get_by_text(title).first.is_visible()


def test_lead_drafts_member_checks_in_everyone_sees_progress(page: Any) -> None:
    org = _organization()
    # a team lead drafts an objective with two key results and aligns it to the parent's
    _log_in(page, "repslead")
    page.goto(f"{page.base}/objectives/new/?team=reps")
    page.select_option("#id_team", label="Mozilla Reps")
    page.select_option("#id_period", label="This quarter")
    page.fill("#id_code", "O1")
    page.fill("#id_title", "A unified approach to onboarding mobilizers")
    page.get_by_role("button", name="Create draft").click()
    page.wait_for_url(re.compile(r".*/objectives/\d+/$"))
    objective = Objective.objects.get(title="A unified approach to onboarding mobilizers")
    assert objective.state == "draft"
    _add_key_result(page, "KR1", "Reps give feedback on the guidelines", "50")
    _add_key_result(page, "KR2", "Reps complete the onboarding course", "200")
    page.select_option("select[name=parent]", label=f"Community Development Team · {org['parent']}")
    page.get_by_role("button", name="Add alignment").click()
    page.wait_for_url(f"**/objectives/{objective.pk}/")
    assert objective.alignments_up.filter(parent=org["parent"]).exists()
    page.get_by_role("button", name="Propose for review").click()
    page.wait_for_url(f"**/objectives/{objective.pk}/")

    # the parent team's lead approves: the objective is published
    _log_in(page, "cdtlead")
    page.goto(f"{page.base}/objectives/{objective.pk}/")
    page.get_by_role("button", name="Approve and publish").click()
    page.wait_for_url(f"**/objectives/{objective.pk}/")
    objective.refresh_from_db()
    assert objective.state == "published"

    # a member checks in on the first key result; the panel updates in place
    kr = KeyResult.objects.get(objective=objective, code="KR1")
    _log_in(page, "rep")
    page.goto(f"{page.base}/key-results/{kr.pk}/")
    live = page.locator("#kr-live")
    assert "No check-in yet" in live.locator(".status").first.inner_text()
    form = live.locator("form.checkin-form")
    form.locator("input[name=value]").fill("40")
    form.locator("input[name=confidence]").fill("90")
    form.locator("textarea[name=note]").fill("Feedback from the first call")
    form.get_by_role("button", name="Check in").click()
    page.wait_for_selector("#kr-live .saved")
    live = page.locator("#kr-live")
    assert live.locator(".progress-value").inner_text() == "80%"
    assert "On track" in live.locator(".status").first.inner_text()
    assert live.locator(".chart-wide svg.kr-chart circle.point").count() == 1
    assert "Feedback from the first call" in live.inner_text()
    screenshot(page, "key-result")

    # a worse check-in with low confidence turns the status
    form = live.locator("form.checkin-form")
    form.locator("input[name=value]").fill("5")
    form.locator("input[name=confidence]").fill("20")
    form.get_by_role("button", name="Check in").click()
    page.wait_for_function(
        "() => document.querySelector('#kr-live .progress-value').textContent.trim() === '10%'"
    )
    assert "Off track" in page.locator("#kr-live .status").first.inner_text()
    assert page.locator("#kr-live .chart-wide svg.kr-chart circle.point").count() == 2

    # the overview shows the new objective with its status
    page.goto(f"{page.base}/?period=now")
    card = page.locator(f"#objective-{objective.pk}")
    assert card.is_visible()
    assert "Off track" in card.inner_text() or "At risk" in card.inner_text()
    assert "10%" in card.inner_text()

    # a check-in from the overview's row: its form is fetched when opened, the row updates
    row = page.locator(f"#kr-row-{kr.pk}")
    assert row.locator("form.checkin-form").count() == 0
    row.locator("summary").click()
    form = row.locator("form.checkin-form")
    form.wait_for()
    assert form.locator("input[name=value]").input_value() == "5.0"  # the last value
    form.locator("input[name=value]").fill("45")
    form.locator("input[name=confidence]").fill("80")
    form.get_by_role("button", name="Check in").click()
    page.wait_for_selector(f"#kr-row-{kr.pk} .saved")
    assert "90%" in page.locator(f"#kr-row-{kr.pk}").inner_text()
    assert KeyResult.objects.get(pk=kr.pk).checkins.count() == 3
    card = page.locator(f"#objective-{objective.pk}")

    # the alignment map draws the link and a node leads to the objective
    page.goto(f"{page.base}/map/?period=now")
    edge = page.locator(
        f"path.map-edge[data-child='{objective.pk}'][data-parent='{org['parent'].pk}']"
    )
    assert edge.count() == 1
    # the program's key results are one "Open" away (swapped in place by htmx)
    page.locator(f"svg.alignment-map a.map-expand[data-team='{objective.team_id}']").click()
    page.wait_for_url("**/map/?period=now&team=*")
    kr_node = page.locator(f"svg.alignment-map a[data-key-result='{kr.pk}']")
    assert "0.90" in (kr_node.text_content() or "")
    # on its title: the middle of the box may be one of its key results' links
    page.locator(f"svg.alignment-map a[data-objective='{objective.pk}']").click(
        position={"x": 40, "y": 12}
    )
    page.wait_for_url(f"**/objectives/{objective.pk}/")
    assert "A unified approach to onboarding mobilizers" in page.locator("h1").inner_text()
