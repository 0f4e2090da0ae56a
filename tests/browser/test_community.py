"""Joining, signing in with an account people have, reading in one's language, and hearing
about it in chat, in real Chromium (issue #24's done-when)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.management import call_command

from okrs.accounts.config import social_providers
from okrs.chat.services import channel_create
from okrs.goals.models import CheckIn
from okrs.org.models import Membership, Profile
from tests import factories as f
from tests.browser.conftest import DESKTOP, PHONE, log_in_as
from tests.hooks.conftest import receiver  # noqa: F401  (the stand-in Slack webhook)
from tests.standin_oauth import Person, Provider, point_github_at, serve

pytestmark = pytest.mark.browser


def _reps(*, current: bool = False) -> dict[str, Any]:
    """Reps with one objective and KR, in 2017-Q1 or, for tests that check in on the page, in a
    period around today (a closed period refuses today's check-in)."""
    today = dt.date.today()
    period = (
        f.period("now", start=today - dt.timedelta(days=30), end=today + dt.timedelta(days=60))
        if current
        else f.period()
    )
    team = f.team("reps", name="Mozilla Reps")
    lead = f.person("rosa", email="rosa@example.org")
    f.membership(lead, team, "lead")
    objective = f.objective(team=team, period=period, code="O1", title="Grow the community")
    kr = f.key_result(objective=objective, code="KR1", title="Active Reps", target=50, unit="Reps")
    return {"team": team, "lead": lead, "objective": objective, "kr": kr}


def _mailed_link(pattern: str) -> str:
    return re.search(pattern, mail.outbox[-1].body).group(0)


def test_visitor_signs_up_confirms_is_invited_and_checks_in(
    page: Any, settings: Any, browser: Any
) -> None:
    settings.OKRS_SIGNUP = "open"
    settings.OKRS_SITE_URL = page.base
    reps = _reps(current=True)
    page.goto(page.base + "/")
    page.get_by_role("link", name="Sign up").click()
    page.fill("#id_username", "nadia")
    page.fill("#id_email", "nadia@example.org")
    page.fill("#id_password1", "volunteer for life 2017")
    page.fill("#id_password2", "volunteer for life 2017")
    page.get_by_role("button", name="Sign up").click()
    page.get_by_role("heading", name="Confirm your email address").wait_for()

    page.goto(_mailed_link(r"http://[^/\s]+/accounts/confirm-email/\S+/"))
    page.get_by_role("button", name="Confirm").click()
    page.get_by_role("button", name="Log out").wait_for()  # confirmed and signed in

    lead = browser.new_context(viewport=DESKTOP, locale="en-US")
    lead_page = lead.new_page()
    lead_page.base = page.base
    log_in_as(lead_page, reps["lead"])
    lead_page.goto(page.base + "/teams/reps/invitations/")
    lead_page.fill("#id_email", "nadia@example.org")
    lead_page.select_option("#id_role", "member")
    lead_page.get_by_role("button", name="Send the invitation").click()
    lead_page.get_by_text("Invitation sent to nadia@example.org.").wait_for()
    lead.close()

    page.goto(_mailed_link(r"http://[^/\s]+/invitations/\S+/"))
    page.get_by_role("button", name="Join Mozilla Reps").click()
    page.get_by_text("You joined Mozilla Reps.").wait_for()
    nadia = User.objects.get(username="nadia")
    assert Membership.objects.get(person=nadia, team=reps["team"]).role == "member"

    page.goto(f"{page.base}/key-results/{reps['kr'].pk}/")
    form = page.locator("#kr-live form.checkin-form")
    form.locator("input[name=value]").fill("12")
    form.get_by_role("button", name="Check in").click()
    page.get_by_text("Check-in saved.").wait_for()
    assert CheckIn.objects.get(key_result=reps["kr"]).author == nadia


@pytest.fixture
def standin(settings: Any, monkeypatch: Any) -> Iterator[Provider]:
    with serve() as provider:
        settings.SOCIALACCOUNT_PROVIDERS = social_providers(provider.environ())
        point_github_at(provider, monkeypatch)
        yield provider


def test_signing_in_through_github_and_openid_connect(
    page: Any, settings: Any, standin: Provider, browser: Any
) -> None:
    settings.OKRS_SIGNUP = "open"
    _reps()
    standin.person = Person("4242", "octo-rep", "octo@example.org", name="Octo Rep")
    page.goto(page.base + "/accounts/login/")
    page.get_by_role("button", name="Sign in with GitHub").click()
    page.get_by_role("button", name="Log out").wait_for()
    octo = User.objects.get(email="octo@example.org")
    assert Profile.objects.get(person=octo).github_login == "octo-rep"

    other = browser.new_context(viewport=DESKTOP, locale="en-US")
    tab = other.new_page()
    standin.person = Person("sub-7", "maria", "maria@example.org")
    tab.goto(page.base + "/accounts/login/")
    tab.get_by_role("button", name="Sign in with Community SSO").click()
    tab.get_by_role("button", name="Log out").wait_for()
    other.close()
    assert User.objects.filter(email="maria@example.org").exists()
    assert "GET /oidc/userinfo" in standin.requests and "GET /api/v3/user" in standin.requests


WIDE = {"width": 1366, "height": 900}


@pytest.mark.parametrize(("header", "lang", "direction", "words"), [
    ("es-ES,es;q=0.9", "es", "ltr", ("Resultado clave", "Objetivos 2017-Q1", "Mapa de alineación")),
    ("qps-rtl", "qps-rtl", "rtl", ("Kéý réšúlt", "Óbjéçtívéš 2017-Q1", "Álígñméñt máp")),
])  # fmt: skip
def test_pages_in_spanish_and_right_to_left_fit(
    browser: Any, live_server: Any, header: str, lang: str, direction: str, words: tuple[str, ...]
) -> None:
    """The overview, an objective, the team page and the map, translated (Spanish or the
    right-to-left pseudo-locale, a third longer), are no wider than a phone or a laptop."""
    reps = _reps()
    f.checkin(reps["kr"], 20, "2017-02-10T12:00Z")
    pages = {  # each page with a word it says in that language
        "/?period=2017-Q1&on=2017-02-15": words[0],
        f"/objectives/{reps['objective'].pk}/": words[0],
        "/teams/reps/?period=2017-Q1": words[1],
        "/map/?period=2017-Q1": words[2],
    }
    context = browser.new_context(viewport=WIDE, extra_http_headers={"Accept-Language": header})
    tab = context.new_page()
    try:
        for size in (WIDE, PHONE):
            tab.set_viewport_size(size)
            for path, word in pages.items():
                tab.goto(live_server.url + path)
                assert tab.get_attribute("html", "lang") == lang, path
                assert tab.get_attribute("html", "dir") == direction, path
                assert tab.evaluate("getComputedStyle(document.body).direction") == direction
                assert tab.get_by_text(word).count() > 0, f"{path} is not translated"
                width = tab.evaluate("document.documentElement.scrollWidth")
                assert width <= size["width"], f"{path} in {lang} at {size['width']} px: {width} px"
    finally:
        context.close()


def test_a_locked_out_username_still_signs_in_through_github(
    page: Any, settings: Any, standin: Provider
) -> None:
    """The rule: the lockout (django-axes) guards the password of a username from an address;
    a provider that vouches for the person is not a password guess. So after too many wrong
    passwords even the right one is refused there, while signing in through GitHub, which
    proves the account's verified email, still lets its owner in. That sign-in is the owner's
    success like a right password, so it clears the failures (AXES_RESET_ON_SUCCESS): the
    password works again at once, as after the cool-off."""
    from allauth.account.models import EmailAddress
    from axes.models import AccessAttempt

    settings.AXES_FAILURE_LIMIT = 3
    reps = _reps()
    rosa = reps["lead"]
    rosa.set_password("the right one 2017")
    rosa.save()
    EmailAddress.objects.create(user=rosa, email=rosa.email, verified=True, primary=True)

    def password(secret: str) -> None:
        page.goto(page.base + "/accounts/login/")
        page.fill("#id_username", "rosa")
        page.fill("#id_password", secret)
        page.get_by_role("button", name="Log in").click()

    for _ in range(2):
        password("a guess")
        page.get_by_text("Please enter a correct username and password").wait_for()
    password("a guess")  # the third failure locks rosa out from this address
    page.get_by_role("heading", name="Too many failed attempts").wait_for()
    password("the right one 2017")
    page.get_by_role("heading", name="Too many failed attempts").wait_for()
    assert page.get_by_role("button", name="Log out").count() == 0

    standin.person = Person("77", "rosa-gh", rosa.email, name="Rosa")
    page.goto(page.base + "/accounts/login/")
    page.get_by_role("button", name="Sign in with GitHub").click()
    page.get_by_role("button", name="Log out").wait_for()
    assert Profile.objects.get(person=rosa).github_login == "rosa-gh"  # linked, the same person
    assert User.objects.filter(email=rosa.email).count() == 1

    assert not AccessAttempt.objects.filter(username="rosa").exists()  # failures cleared

    page.get_by_role("button", name="Log out").click()
    password("the right one 2017")
    page.get_by_role("button", name="Log out").wait_for()


def test_a_status_change_reaches_slack(page: Any, receiver: Any) -> None:  # noqa: F811
    reps = _reps(current=True)
    channel_create(
        lead=reps["lead"],
        team=reps["team"],
        name="#reps",
        kind="slack",
        url=receiver.url + "/services/T0/B0/x",
        topics=["status"],
    )
    member = f.person("mo")
    f.membership(member, reps["team"], "member")
    log_in_as(page, member)
    page.goto(f"{page.base}/key-results/{reps['kr'].pk}/")
    form = page.locator("#kr-live form.checkin-form")
    form.locator("input[name=value]").fill("50")
    form.locator("input[name=confidence]").fill("90")
    form.get_by_role("button", name="Check in").click()
    page.get_by_text("Check-in saved.").wait_for()
    assert receiver.received == []  # the page did not wait for Slack
    call_command("worker", "--batch", "--no-scheduler")
    [got] = receiver.wait_for(1)
    assert got["headers"]["Content-Type"] == "application/json"
    assert b"KR1 Active Reps" in got["body"] and b"is now" in got["body"]


def test_overview_and_review_print_without_the_screen_parts(page: Any) -> None:
    reps = _reps()
    f.checkin(reps["kr"], 20, "2017-02-10T12:00Z")
    page.emulate_media(media="print")
    for path in ("/?period=2017-Q1&on=2017-02-15", "/periods/2017-Q1/review/"):
        page.goto(page.base + path)
        hidden = page.evaluate(
            """() => ['.site-header', '.site-footer', 'form']
                .flatMap(s => [...document.querySelectorAll(s)])
                .every(e => getComputedStyle(e).display === 'none')"""
        )
        assert hidden, f"{path}: the top bar, footer or a form would print"
        assert page.get_by_text("Grow the community").first.is_visible()
    page.emulate_media(media="screen")
    page.goto(page.base + "/")
    assert page.locator(".site-header").is_visible()
