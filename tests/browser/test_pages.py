"""Walk the overview, the alignment map and the review in real Chromium; private stays private."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests import factories as f
from tests.browser.conftest import log_in_as, screenshot, stylesheet_applied

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _seed_like() -> dict[str, Any]:
    period = f.period()
    cdt = f.team("cdt", name="Community Development Team")
    reps = f.team("reps", name="Mozilla Reps", parent=cdt)
    parent = f.objective(
        team=cdt, period=period, code="O1", title="Grow a healthy, diverse core community"
    )
    child = f.objective(
        team=reps, period=period, code="O1", title="A unified approach to onboarding mobilizers"
    )
    other = f.objective(
        team=reps,
        period=period,
        code="O2",
        commitment="aspirational",
        title="Reps lead Mozilla's campaigns",
    )
    private = f.objective(
        team=reps, period=period, code="O3", visibility="private", title="Quokka budget negotiation"
    )
    f.align(child, parent)
    f.align(private, parent)
    nps = f.key_result(
        objective=parent,
        code="KR1",
        title="Core community sentiment > 11.5 NPS",
        direction="at_least",
        baseline=5,
        target=11.5,
        unit="NPS",
    )
    framework = f.key_result(
        objective=child,
        code="KR1",
        direction="milestone",
        title="Shared onboarding framework and tools are identified",
    )
    feedback = f.key_result(
        objective=child,
        code="KR2",
        baseline=0,
        target=50,
        unit="Reps",
        title="At least 50 Reps have given feedback on the guidelines",
    )
    campaigns = f.key_result(
        objective=other,
        code="KR1",
        baseline=0,
        target=100,
        unit="%",
        title="50% of Reps activities support Activate priorities",
    )
    secret_kr = f.key_result(objective=private, code="KR1", title="Quokka spend agreed")
    f.checkin(nps, 7.5, "2017-01-20T00:00:00", confidence=0.6)
    f.checkin(nps, 9.0, "2017-02-10T00:00:00", confidence=0.7)
    f.checkin(framework, 1, "2017-02-01T00:00:00")
    f.checkin(feedback, 12, "2017-02-05T00:00:00", confidence=0.4)
    f.checkin(campaigns, 35, "2017-03-20T00:00:00", confidence=0.8)
    f.checkin(secret_kr, 80, "2017-02-01T00:00:00")
    member, outsider = f.person("member"), f.person("outsider")
    f.membership(member, reps, "member")
    return {
        "parent": parent,
        "child": child,
        "private": private,
        "secret_kr": secret_kr,
        "member": member,
        "outsider": outsider,
    }


def test_overview_loads_with_its_stylesheet(page: Any) -> None:
    data = _seed_like()
    page.goto(f"{page.base}/?period=2017-Q1")
    assert stylesheet_applied(page)
    assert page.get_by_role("heading", level=1).inner_text().startswith("OKRs")
    assert page.get_by_text(data["child"].title).first.is_visible()
    screenshot(page, "overview")


def test_map_shows_goals_and_a_node_leads_to_its_page(page: Any) -> None:
    data = _seed_like()
    page.goto(f"{page.base}/map/?period=2017-Q1")
    assert stylesheet_applied(page)
    node = page.locator(f"svg.alignment-map a[data-objective='{data['child'].pk}']")
    assert node.is_visible()
    # the nodes are links for assistive technology too, named by the text they show: the
    # title, the grade and the status in words
    statuses = "At risk|On track|Off track|Achieved|Missed|Uncertain"
    name = re.compile(rf"^O1 A unified approach.*Grade [0-9.]+ · ({statuses})$")
    named = page.get_by_role("link", name=name)
    assert named.count() == 1
    assert node.get_attribute("aria-label") is None
    assert page.locator("svg.alignment-map path.map-edge").count() == 1
    screenshot(page, "alignment-map")
    node.click()
    page.wait_for_url(f"**/objectives/{data['child'].pk}/")
    assert data["child"].title in page.content()


def test_map_nodes_are_reachable_by_keyboard(page: Any) -> None:
    data = _seed_like()
    page.goto(f"{page.base}/map/?period=2017-Q1")
    node = page.locator(f"svg.alignment-map a[data-objective='{data['parent'].pk}']")
    node.focus()
    focused = page.evaluate("() => document.activeElement.getAttribute('data-objective')")
    assert focused == str(data["parent"].pk)
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/objectives/{data['parent'].pk}/")


def test_review_page_shows_summary_and_histogram(page: Any) -> None:
    _seed_like()
    page.goto(f"{page.base}/periods/2017-Q1/review/")
    assert stylesheet_applied(page)
    histogram = page.locator(".chart-wide svg.histogram")
    assert histogram.is_visible() and not page.locator(".chart-narrow svg.histogram").is_visible()
    box = histogram.bounding_box()
    assert box is not None and box["width"] > 200
    assert page.locator("#summary-committed").is_visible()
    screenshot(page, "review")
    page.set_viewport_size({"width": 390, "height": 844})
    narrow = page.locator(".chart-narrow svg.histogram")
    assert narrow.is_visible() and not histogram.is_visible()
    # the phone's drawing keeps its text size: a count is as tall as on the desktop's
    heights = narrow.locator("text.count").evaluate_all(
        "texts => texts.map(t => t.getBoundingClientRect().height)"
    )
    assert heights and min(heights) >= 10
    screenshot(page, "review-phone")


def test_search_finds_public_goals(page: Any) -> None:
    data = _seed_like()
    page.goto(f"{page.base}/search/")
    page.get_by_label("Words to find").fill("onboarding unified")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name=data["child"].title).click()
    page.wait_for_url(f"**/objectives/{data['child'].pk}/")


@pytest.mark.parametrize("who", ["anonymous", "outsider"])
def test_private_objective_is_invisible_everywhere(page: Any, who: str) -> None:
    data = _seed_like()
    if who == "outsider":
        log_in_as(page, data["outsider"])
    private = data["private"]
    for path in (
        "/?period=2017-Q1",
        "/map/?period=2017-Q1",
        "/search/?q=quokka",
        "/periods/2017-Q1/review/",
    ):
        response = page.goto(f"{page.base}{path}")
        assert response is not None and response.status == 200, path
        assert "Quokka" not in page.content(), path
    assert page.locator(f"[data-objective='{private.pk}']").count() == 0
    for path in (f"/objectives/{private.pk}/", f"/key-results/{data['secret_kr'].pk}/"):
        response = page.goto(f"{page.base}{path}")
        assert response is not None and response.status == 404, path
        assert "Quokka" not in page.content()


def test_member_sees_the_private_objective_on_the_map(page: Any) -> None:
    data = _seed_like()
    log_in_as(page, data["member"])
    page.goto(f"{page.base}/map/?period=2017-Q1")
    assert page.locator(f"svg.alignment-map a[data-objective='{data['private'].pk}']").is_visible()
    assert page.locator("svg.alignment-map path.map-edge").count() == 2
