"""Every kind of page, as an anonymous reader, a member and a lead would see it, at phone
(390 px) and desktop (1366 px) width in the light and the dark theme: nothing scrolls
sideways, no chart text is cut off, and axe-core finds no serious or critical violation.

axe-core comes from the test dependencies (the `axe-playwright-python` package ships
`axe.min.js`), never from a CDN. Screenshots of each page kind at both widths and themes go
to test-artifacts/screenshots/ (not committed). One demo database, one browser context per
reader; the pages of a reader are a loop inside one test, so the module stays quick.
"""

from __future__ import annotations

import importlib.resources
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command

from okrs.goals.models import KeyResult, Objective
from okrs.heartbeats.models import HeartbeatReview, WorkPacket
from okrs.org.models import Team
from tests.browser.conftest import SCREENSHOTS, log_in_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1366, "height": 900}}
THEMES = ("light", "dark")
AXE = (importlib.resources.files("axe_playwright_python") / "axe.min.js").read_text()

# the SVG texts whose box is not inside their SVG's view box (hidden drawings are skipped)
CLIPPED_TEXT = """() => {
  const out = [];
  for (const svg of document.querySelectorAll('svg[viewBox]')) {
    if (!svg.getClientRects().length) continue;
    const v = svg.viewBox.baseVal;
    for (const t of svg.querySelectorAll('text')) {
      if (!t.getClientRects().length) continue;
      const b = t.getBBox();
      if (b.x < v.x - 0.5 || b.y < v.y - 0.5 || b.x + b.width > v.x + v.width + 0.5
          || b.y + b.height > v.y + v.height + 0.5) {
        out.push(`${t.textContent.trim()} [${[b.x, b.y, b.width, b.height].map(Math.round)}]`
          + ` outside ${v.width}x${v.height}`);
      }
    }
  }
  return out;
}"""

AXE_RUN = """async () => {
  const tags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice',
                'experimental'];  // experimental: label-content-name-mismatch is one
  const result = await axe.run(document, {resultTypes: ['violations'],
                                          runOnly: {type: 'tag', values: tags}});
  return result.violations
    .filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => `${v.id} (${v.impact}): `
      + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', ')
      + ` ${v.nodes[0] ? v.nodes[0].failureSummary.split('\\n').slice(0, 2).join(' ') : ''}`);
}"""


@pytest.fixture
def demo(db: Any) -> dict[str, Any]:
    call_command("demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    reps = Team.objects.get(slug="reps")
    objective = Objective.objects.filter(team=reps, period__slug="2017-Q1").order_by("pk").first()
    kr = KeyResult.objects.filter(objective=objective).order_by("pk").first()
    milestone = KeyResult.objects.filter(direction="milestone").order_by("pk").first()
    review = HeartbeatReview.objects.select_related("heartbeat", "team").order_by("pk").first()
    assert review is not None
    heartbeat, team = review.heartbeat, review.team.slug
    packet = WorkPacket.objects.filter(team__slug="reps").order_by("pk").first()
    assert objective and kr and heartbeat and packet
    from django.contrib.auth.models import User

    return {
        "member": User.objects.get(username="marlow"),
        "lead": User.objects.get(username="juniper"),
        "pages": {
            "overview": "/?period=2017-Q1",
            "team": "/teams/reps/?period=2017-Q1",
            "objective": f"/objectives/{objective.pk}/",
            "key-result": f"/key-results/{kr.pk}/",
            "milestone": f"/key-results/{milestone.pk}/" if milestone else f"/key-results/{kr.pk}/",
            "map": "/map/?period=2017-Q1",
            "review": "/periods/2017-Q1/review/",
            "search": "/search/?q=reps",
            "heartbeats": f"/teams/{team}/heartbeats/",
            "heartbeat": f"/teams/{team}/heartbeats/{heartbeat.pk}/",
            "heartbeat-review": f"/teams/{team}/heartbeats/{heartbeat.pk}/review/",
            "packet": f"/teams/{packet.team.slug}/packets/{packet.pk}/",
            "not-found": "/no/such/page/",
        },
        # a signed-in reader's pages: those whose forms and buttons depend on the role
        "member_pages": ["team", "heartbeat", "packet", "objective", "key-result"],
        "member_only": {"inbox": "/inbox/", "settings": "/accounts/settings/", "me": "/me/"},
        "lead_pages": ["team", "heartbeat-review", "packet", "objective", "key-result", "map"],
        "lead_only": {
            "objective-edit": f"/objectives/{objective.pk}/edit/",
            "key-result-new": f"/objectives/{objective.pk}/key-results/new/",
            "paste": "/teams/reps/import/",
            "team-settings": "/teams/reps/settings/",
            "offers": "/teams/reps/offers/",
        },
        "anonymous_pages": {"login": "/accounts/login/"},
    }


@pytest.fixture
def reader(browser: Any, live_server: Any) -> Iterator[Any]:
    # bypass_csp: axe is put into the page as a script the site's policy would refuse
    context = browser.new_context(viewport=WIDTHS["desktop"], locale="en-US", bypass_csp=True)
    context.set_default_timeout(15_000)
    tab = context.new_page()
    tab.base = live_server.url
    try:
        yield tab
    finally:
        context.close()


def _check(page: Any, who: str, name: str, path: str, shots: set[str]) -> list[str]:
    """Every width and theme of one page: what is wrong with it, as sentences."""
    problems = []
    response = page.goto(f"{page.base}{path}")
    assert response is not None and response.status in (200, 404), (path, response.status)
    for width, size in WIDTHS.items():
        page.set_viewport_size(size)
        for theme in THEMES:
            page.emulate_media(color_scheme=theme)
            where = f"{who} {name} {width} {theme}"
            scroll = page.evaluate("() => document.documentElement.scrollWidth")
            if scroll > size["width"]:
                problems.append(f"{where}: page is {scroll} px wide at {size['width']} px")
            problems += [f"{where}: clipped text {t}" for t in page.evaluate(CLIPPED_TEXT)]
            # contrast depends on the theme, sizes and targets on the width: axe runs in both
            # themes at desktop width and in the light one on a phone
            if width == "desktop" or theme == "light":
                if not page.evaluate("() => typeof axe !== 'undefined'"):
                    page.evaluate(AXE)
                problems += [f"{where}: axe {v}" for v in page.evaluate(AXE_RUN)]
            if name not in shots:
                SCREENSHOTS.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}-{theme}.png"))
    shots.add(name)
    return problems


def test_every_page_fits_reads_and_passes_axe(reader: Any, demo: dict[str, Any]) -> None:
    """One demo, every reader in turn (a session cookie each), every page kind each."""
    problems: list[str] = []
    shots: set[str] = set()
    for who in ("anonymous", "member", "lead"):
        if who == "anonymous":
            pages = {**demo["pages"], **demo["anonymous_pages"]}
        else:
            reader.context.clear_cookies()
            log_in_as(reader, demo[who])
            pages = {name: demo["pages"][name] for name in demo[f"{who}_pages"]}
            pages.update(demo["member_only"])
            if who == "lead":
                pages.update(demo["lead_only"])
        for name, path in pages.items():
            problems += _check(reader, who, name, path, shots)
    assert not problems, "\n".join(problems)
    _inline_check_in_stays_inside_its_card(reader, demo)


def _inline_check_in_stays_inside_its_card(reader: Any, demo: dict[str, Any]) -> None:
    reader.context.clear_cookies()
    log_in_as(reader, demo["member"])
    reader.emulate_media(color_scheme="light")
    for width, size in WIDTHS.items():
        reader.set_viewport_size(size)
        reader.goto(f"{reader.base}{demo['pages']['team']}")
        row = reader.locator("tr.kr-row:has(td.checkin-cell details)").first
        row.locator("summary").click()
        row.locator("form.checkin-form input[name=value]").wait_for()
        wide = reader.evaluate("() => document.documentElement.scrollWidth")
        assert wide <= size["width"], (width, wide)
        # the card holds its table: nothing sticks out of it, not even inside its own scroll
        card = row.locator("xpath=ancestor::*[contains(@class, 'objective')][1]")
        inner, outer = card.evaluate("e => [e.scrollWidth, e.clientWidth]")
        assert inner <= outer, (width, inner, outer)


def test_the_folded_map_fits_reads_and_passes_axe(  # type: ignore[no-untyped-def]
    reader: Any, demo: dict[str, Any], monkeypatch
) -> None:
    """The map of a wide organization (here the demo with the fold set low): the bands to open
    fit both widths, their text is not cut, and axe finds nothing serious in either theme."""
    from okrs.core import alignment_map

    monkeypatch.setattr(alignment_map, "DRAWN_OBJECTIVES", 1)
    reader.goto(f"{reader.base}/map/?period=2017-Q1")
    assert reader.locator("a.map-expand").count() >= 1
    assert "its " in (reader.locator("a.map-expand").first.text_content() or "")
    problems = _check(reader, "anonymous", "map-folded", "/map/?period=2017-Q1", set())
    assert not problems, "\n".join(problems)


BEFORE = "(e) => getComputedStyle(e, '::before').content"


def test_bars_carry_no_glyph_and_a_phone_hides_cells_in_any_language(
    browser: Any, live_server: Any, demo: dict[str, Any]
) -> None:
    """A progress bar shares its status class with the badge (the closed Q1 2017 is all
    achieved or missed) but not the badge's ✓ or ✕; on a phone a key result row hides its
    target and expected cells and labels every number but its status, in Spanish as in English
    (the rules go by class, not by the label's words)."""
    for locale in ("en-US", "es-ES"):
        context = browser.new_context(viewport=WIDTHS["phone"], locale=locale)
        tab = context.new_page()
        try:
            tab.goto(f"{live_server.url}{demo['pages']['overview']}")
            bars = tab.locator(".progress-bar.status-missed, .progress-bar.status-achieved")
            assert bars.count() >= 1
            assert {bars.nth(i).evaluate(BEFORE) for i in range(bars.count())} == {"none"}
            row = tab.locator("tr.kr-row").first
            assert row.locator("td.cell-target").is_hidden()
            assert row.locator("td.cell-expected").is_hidden()
            assert row.locator("td.cell-status").evaluate(BEFORE) == "none"
            label = row.locator("td").first.get_attribute("data-label")
            assert label == ("Value" if locale == "en-US" else "Valor")
            assert row.locator("td").first.evaluate(BEFORE) == f'"{label} "'
        finally:
            context.close()
