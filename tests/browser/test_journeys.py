"""The quarter run in the browser, each journey by following links from the home page only (no
typed URL after the first page and logging in), as a new user would, with screenshots at desktop
and phone width: (a) a program lead drafts an objective contributing to the parent team's, with an
increase, a decrease and a milestone KR, proposes it, and the parent's lead finds it on their home
and in the inbox, comments and approves; (b) a member checks in on a KR of the demo's current
quarter; (c) a lead creates a period, splits it into 3-week heartbeats, creates two packets linked
to KRs, commits them, moves one to done and reviews the heartbeat; (d) a volunteer comments, marks
interest and offers help, and the lead accepts from the team menu; (e) a lead pastes a post with a
code clash, fixes it in the form, saves and follows the links to the drafts; (f) a lead opens a
survey tied to a KR, three people answer, the KR shows the NPS; (g) a lead publishes the quarter
and copies the Discourse version."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.utils import timezone

from okrs.files.demo_current import demo_login, load_current_quarter
from okrs.goals.models import KeyResult, Objective, Period
from okrs.heartbeats.models import Heartbeat, WorkPacket
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
    assert page.locator("#copy-status").text_content() == "Copied."
    screenshot(page, "journey-g-publish")


def _nav(page: Any, name: str) -> None:
    page.locator("nav[aria-label=Main]").get_by_role("link", name=name, exact=True).click()


def _team_menu(page: Any, name: str) -> None:
    page.locator("nav.team-menu").get_by_role("link", name=re.compile(f"^{name}")).click()


def test_a_lead_runs_a_heartbeat_in_a_new_period(page: Any) -> None:
    cdt = f.team("cdt", name="Community Development Team")
    lead = f.person("cdtlead", password=PASSWORD)
    f.membership(lead, cdt, "lead")
    f.membership(f.person("wren"), cdt, "member")
    _home_and_log_in(page, "cdtlead")
    _nav(page, "Periods")
    page.get_by_role("link", name="New period").click()
    page.get_by_role("button", name="Create period").click()  # today's quarter, by default
    page.wait_for_url("**/periods/")
    period = Period.objects.get()
    assert period.contains(timezone.localdate())

    _nav(page, "Teams")
    page.get_by_role("link", name="Community Development Team").click()
    _team_menu(page, "New objective")
    page.fill("#id_title", "Every program onboards its mobilizers")
    page.get_by_role("button", name="Create draft").click()
    page.wait_for_url(re.compile(r".*/objectives/\d+/$"))
    _add_key_result(page, "KR1", "Programs on the shared onboarding", "increase", target="4")
    _add_key_result(page, "KR2", "Mobilizers onboarded", "increase", target="200")

    page.locator("nav.breadcrumbs").get_by_role("link", name="Community Development Team").click()
    _team_menu(page, "Heartbeats")
    split = page.locator("form[aria-label='Split a period into heartbeats']")
    split.locator("select[name=weeks]").select_option("3")
    split.get_by_role("button", name="Split").click()
    page.wait_for_url("**/heartbeats/")
    beats = list(Heartbeat.objects.filter(team=cdt, period=period).order_by("start"))
    assert len(beats) >= 4 and (beats[0].end - beats[0].start).days == 20
    screenshot(page, "journey-c-heartbeats")

    _team_menu(page, "Board")
    current = next(b for b in beats if b.start <= timezone.localdate() <= b.end)
    page.wait_for_url(f"**/heartbeats/{current.pk}/")
    for title, kr in (("Write the onboarding guide", "KR1"), ("Run two onboarding calls", "KR2")):
        page.get_by_role("link", name=f"New packet in {current.name}").click()
        page.fill("#id_title", title)
        page.get_by_label(re.compile(f"O1{kr} ")).check()
        page.get_by_role("button", name="Create packet").click()
        page.wait_for_url(re.compile(r".*/packets/\d+/$"))
        page.get_by_role("link", name=f"{current.name} board").click()
        page.wait_for_url(f"**/heartbeats/{current.pk}/")
    packets = list(WorkPacket.objects.filter(team=cdt).order_by("pk"))
    assert [p.key_results.get().code for p in packets] == ["KR1", "KR2"]

    page.get_by_role("link", name=f"Plan and review of {current.name}").click()
    for packet in packets:
        page.select_option(f"#plan-{packet.pk}", "P1")
    page.get_by_role("button", name="Save the plan").click()
    page.wait_for_url(f"**/heartbeats/{current.pk}/review/")
    assert current.commitments.count() == 2
    page.get_by_role("link", name=f"Board of {current.name}").click()
    card = page.locator(f"#packet-{packets[0].pk}")
    card.locator("select[name=status]").select_option("done")
    with page.expect_response(lambda r: r.request.method == "POST"):
        card.get_by_role("button", name="Move").click()
    page.wait_for_selector(f"section.column-done #packet-{packets[0].pk}")
    screenshot(page, "journey-c-board")

    page.get_by_role("link", name=f"Plan and review of {current.name}").click()
    page.fill("#learned", "The guide was quick; the calls need a date the Reps agree on.")
    page.get_by_role("button", name="Save the review").click()
    page.wait_for_url(f"**/heartbeats/{current.pk}/review/")
    assert "1 of 2 done" in page.locator("dl.rates").first.inner_text()
    assert "the calls need a date" in page.input_value("#learned")
    screenshot(page, "journey-c-review")


def _reps_now() -> dict[str, Any]:
    """The Reps program in a period around today, with its lead and one published objective."""
    today = timezone.localdate()
    period = f.period(
        "now", name="This quarter", start=today - dt.timedelta(days=30),
        end=today + dt.timedelta(days=60),
    )  # fmt: skip
    reps = f.team("reps", name="Mozilla Reps")
    lead = f.person("repslead", password=PASSWORD)
    f.membership(lead, reps, "lead")
    objective = f.objective(team=reps, period=period, code="O1", title="Grow the mobilizers")
    kr = f.key_result(objective=objective, code="KR1", title="Core community NPS",
                      direction="at_least", baseline=0, target=20, unit="NPS")  # fmt: skip
    return {"period": period, "team": reps, "lead": lead, "objective": objective, "kr": kr}


def test_a_community_member_offers_help_and_the_lead_accepts(page: Any) -> None:
    from okrs.talk.models import Comment, Interest, Offer

    org = _reps_now()
    f.person("nadia", password=PASSWORD)  # a volunteer with an account, in no team
    _home_and_log_in(page, "nadia")
    _nav(page, "Overview")
    page.get_by_role("link", name=re.compile("Grow the mobilizers")).first.click()
    page.wait_for_url(f"**/objectives/{org['objective'].pk}/")
    talk = page.locator("#discussion")
    talk.locator("textarea[name=body]").last.fill("I ran onboarding calls in Lima; happy to share.")
    with page.expect_response(lambda r: r.request.method == "POST"):
        talk.get_by_role("button", name="Post comment").click()
    page.wait_for_selector("#discussion .talk-comment")
    with page.expect_response(lambda r: r.request.method == "POST"):
        page.locator("#discussion").get_by_role("button", name="I'm interested").click()
    page.wait_for_selector("#discussion button[aria-pressed=true]")
    page.locator("#discussion input[name=note]").fill("I can run the Spanish calls")
    with page.expect_response(lambda r: r.request.method == "POST"):
        page.locator("#discussion").get_by_role("button", name="Offer help").click()
    page.wait_for_selector("#discussion .talk-offer-box >> text=a lead will answer")
    assert Comment.objects.filter(body__startswith="I ran onboarding calls").exists()
    assert Interest.objects.filter(person__username="nadia").count() == 1
    offer = Offer.objects.get(person__username="nadia")
    screenshot(page, "journey-d-offered")

    _home_and_log_in(page, "repslead")
    _nav(page, "Teams")
    page.get_by_role("link", name="Mozilla Reps").click()
    menu = page.locator("nav.team-menu")
    assert menu.get_by_role("link", name=re.compile("^Offers")).inner_text().endswith("1")
    _team_menu(page, "Offers")
    row = page.locator(f"#offer-{offer.pk}")
    assert "I can run the Spanish calls" in row.inner_text()
    row.get_by_role("button", name="Accept").click()
    page.wait_for_load_state()
    offer.refresh_from_db()
    assert offer.state == "accepted"
    page.get_by_role("navigation", name="Which offers").get_by_role("link", name="Accepted").click()
    assert "Accepted" in page.locator(f"#offer-{offer.pk}").inner_text()
    screenshot(page, "journey-d-accepted")
    # the team's settings are one link away in the same menu
    _team_menu(page, "Settings")
    assert page.input_value("#id_name") == "Mozilla Reps"
    screenshot(page, "journey-d-settings")


POST = """\
Reps OKRs for the quarter

Objective 1 – Onboard mobilizers in one way
KR 1 – 40 new Reps onboarded through the shared framework
KR 2 – The onboarding guide is published

Objective 2 – Keep Reps engaged
KR 1 – At least 60% of Reps report an activity every month
"""


def test_a_lead_pastes_a_post_fixes_a_code_clash_and_follows_the_drafts(page: Any) -> None:
    org = _reps_now()
    _home_and_log_in(page, "repslead")
    _nav(page, "Teams")
    page.get_by_role("link", name="Mozilla Reps").click()
    _team_menu(page, "Import a post")
    page.fill("#text", POST)
    page.get_by_role("button", name="Read the document").click()
    page.wait_for_selector("fieldset.draft-objective")
    clash = page.locator("fieldset.draft-objective").first
    assert "already has an objective O1" in clash.inner_text()
    # offered the next code free in the quarter and in the post (which holds an O2 already)
    assert [page.input_value(f"#o-{i}-code") for i in (0, 1)] == ["O3", "O2"]
    # the lead keeps the post's order: the first becomes O2, the second O3
    page.fill("#o-0-code", "O2")
    page.fill("#o-1-code", "O3")
    screenshot(page, "journey-e-parsed")
    page.get_by_role("button", name="Save these OKRs").click()
    saved = page.locator("section.saved")
    saved.wait_for()
    drafts = Objective.objects.filter(team=org["team"], state="draft").order_by("code")
    assert [(o.code, o.title) for o in drafts] == [
        ("O2", "Onboard mobilizers in one way"),
        ("O3", "Keep Reps engaged"),
    ]
    screenshot(page, "journey-e-saved")
    for draft in drafts:
        saved.get_by_role("link", name=re.compile(f"^{draft.code} ")).click()
        page.wait_for_url(f"**/objectives/{draft.pk}/")
        assert draft.title in page.locator("h1").inner_text()
        page.go_back()
        saved = page.locator("section.saved")
    assert drafts[0].key_results.count() == 2


def test_a_lead_opens_a_survey_for_a_kr_and_three_answers_make_its_nps(page: Any) -> None:
    org = _reps_now()
    for name in ("ana", "ben", "chen"):
        f.person(name, password=PASSWORD)
    _home_and_log_in(page, "repslead")
    _nav(page, "Teams")
    page.get_by_role("link", name="Mozilla Reps").click()
    _team_menu(page, "Surveys")
    page.get_by_role("link", name="New survey").click()
    page.select_option("#id_team", label="Mozilla Reps")
    page.fill("#id_title", "Core community sentiment")
    page.select_option("#id_key_result", label="Mozilla Reps · O1KR1 Core community NPS")
    page.get_by_role("button", name="Open the survey").click()
    page.wait_for_url("**/surveys/core-community-sentiment/results/")
    screenshot(page, "journey-f-opened")

    for name, score in (("ana", 10), ("ben", 9), ("chen", 3)):
        _home_and_log_in(page, name)
        _nav(page, "Overview")
        page.get_by_role("link", name=re.compile("Grow the mobilizers")).first.click()
        page.get_by_role("link", name="Core community NPS").first.click()
        page.get_by_role("link", name="Answer the survey").click()
        page.check(f"#id_score_{score}")
        page.get_by_role("button", name="Send").click()
        page.wait_for_selector("text=Thank you, your answer is saved.")
    screenshot(page, "journey-f-answered")

    _nav(page, "Overview")
    page.get_by_role("link", name=re.compile("Grow the mobilizers")).first.click()
    page.get_by_role("link", name="Core community NPS").first.click()
    page.wait_for_url(f"**/key-results/{org['kr'].pk}/")
    org["kr"].refresh_from_db()
    assert round(org["kr"].kept_value, 1) == 33.3  # 2 promoters, 1 detractor of 3
    assert "33.3" in page.locator("#kr-live").inner_text()
    screenshot(page, "journey-f-kr")
