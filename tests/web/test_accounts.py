"""Log in and out, lockout (django-axes), password change and reset, personal settings."""

from __future__ import annotations

import re

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client

from okrs.org.models import Profile
from tests.web.helpers import html


def _person(world) -> User:  # type: ignore[no-untyped-def]
    world.member.set_password("correct horse battery")
    world.member.email = "member@example.org"
    world.member.save()
    return world.member


def test_log_in_and_out(world) -> None:  # type: ignore[no-untyped-def]
    _person(world)
    client = Client()
    page = html(client.get("/"))
    assert 'href="/accounts/login/?next=/"' in page
    response = client.post(
        "/accounts/login/",
        {"username": "member", "password": "correct horse battery", "next": "/teams/reps/"},
    )
    assert response.status_code == 302 and response["Location"] == "/teams/reps/"
    assert "Log out" in html(client.get("/"))
    assert client.post("/accounts/logout/").status_code == 302
    assert "Log in" in html(client.get("/"))


def test_wrong_password_is_refused_with_a_message(world) -> None:  # type: ignore[no-untyped-def]
    _person(world)
    response = Client().post("/accounts/login/", {"username": "member", "password": "nope"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in html(response)


@pytest.fixture(autouse=True)
def _axes_on_the_fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """django-axes imported `now` before the tests fixed the clock (tests/web/conftest.py)."""
    from django.utils import timezone

    for where in ("axes.attempts.now", "axes.handlers.proxy.now"):
        monkeypatch.setattr(where, lambda: timezone.now())


def _fail(client: Client, username: str = "member", **headers: str):  # type: ignore[no-untyped-def]
    return client.post(
        "/accounts/login/", {"username": username, "password": "guess"}, headers=headers
    )


def test_log_in_is_locked_out_after_repeated_failures(world, settings) -> None:  # type: ignore[no-untyped-def]
    settings.AXES_FAILURE_LIMIT = 3
    _person(world)
    client = Client()
    for _ in range(3):
        _fail(client)
    assert AccessAttempt.objects.get(username="member").failures_since_start == 3
    response = client.post(
        "/accounts/login/", {"username": "member", "password": "correct horse battery"}
    )
    assert response.status_code == 429 and "Too many failed attempts" in html(response)
    assert "_auth_user_id" not in client.session
    other = _fail(client, "lead")  # another user from the same address is not locked out
    assert other.status_code == 200 and "Too many failed attempts" not in html(other)


def test_success_clears_earlier_failures(world) -> None:  # type: ignore[no-untyped-def]
    _person(world)
    client = Client()
    _fail(client)
    client.post("/accounts/login/", {"username": "member", "password": "correct horse battery"})
    assert not AccessAttempt.objects.exists()


def test_behind_a_trusted_proxy_the_lockout_is_per_client(world, settings) -> None:  # type: ignore[no-untyped-def]
    """Every request comes from the proxy's address; the client is read from X-Forwarded-For
    (OKRS_TRUSTED_PROXIES), so one visitor's guesses lock out that visitor only."""
    settings.AXES_FAILURE_LIMIT = 3
    settings.OKRS_TRUSTED_PROXIES = ["10.0.0.0/8"]
    _person(world)
    attacker = Client(REMOTE_ADDR="10.0.0.2")
    for _ in range(5):  # a forged left-most entry does not change who is counted
        _fail(attacker, X_FORWARDED_FOR=f"198.51.100.{_}, 203.0.113.5")
    assert AccessAttempt.objects.get().ip_address == "203.0.113.5"
    locked = _fail(attacker, X_FORWARDED_FOR="203.0.113.5")
    assert locked.status_code == 429
    member = Client(REMOTE_ADDR="10.0.0.2")
    response = member.post(
        "/accounts/login/",
        {"username": "member", "password": "correct horse battery"},
        headers={"X-Forwarded-For": "192.0.2.44"},
    )
    assert response.status_code == 302 and "_auth_user_id" in member.session


def test_an_untrusted_address_cannot_forge_its_client_address(world, settings) -> None:  # type: ignore[no-untyped-def]
    settings.AXES_FAILURE_LIMIT = 3
    settings.OKRS_TRUSTED_PROXIES = ["10.0.0.0/8"]
    _person(world)
    client = Client(REMOTE_ADDR="203.0.113.9")
    for number in range(3):  # a new X-Forwarded-For each time: still one client
        _fail(client, X_FORWARDED_FOR=f"192.0.2.{number}")
    assert _fail(client, X_FORWARDED_FOR="192.0.2.99").status_code == 429


def test_login_needs_csrf(world) -> None:  # type: ignore[no-untyped-def]
    _person(world)
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/accounts/login/", {"username": "member", "password": "correct horse battery"}
    )
    assert response.status_code == 403


def test_password_change(world) -> None:  # type: ignore[no-untyped-def]
    _person(world)
    client = Client()
    assert client.get("/accounts/password/").status_code == 302  # log in first
    client.force_login(world.member)
    response = client.post(
        "/accounts/password/",
        {
            "old_password": "correct horse battery",
            "new_password1": "a much longer secret 42",
            "new_password2": "a much longer secret 42",
        },
    )
    assert response.status_code == 302
    world.member.refresh_from_db()
    assert world.member.check_password("a much longer secret 42")


def test_password_reset_by_mail(world) -> None:  # type: ignore[no-untyped-def]
    _person(world)
    client = Client()
    assert client.post("/accounts/reset/", {"email": "member@example.org"}).status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)
    form = client.get(link, follow=True)
    assert "Set password" in html(form)
    response = client.post(
        form.redirect_chain[-1][0],
        {
            "new_password1": "another long secret 77",
            "new_password2": "another long secret 77",
        },
    )
    assert response.status_code == 302
    world.member.refresh_from_db()
    assert world.member.check_password("another long secret 77")


def test_settings_saves_profile_and_validates(world) -> None:  # type: ignore[no-untyped-def]
    client = world.client("member")
    assert world.client(None).get("/accounts/settings/").status_code == 302
    bad = client.post(
        "/accounts/settings/",
        {"display_name": "M", "github_login": "no spaces!", "discourse_username": "", "email": ""},
    )
    assert bad.status_code == 200 and "letters, digits and dashes" in html(bad)
    response = client.post(
        "/accounts/settings/",
        {
            "display_name": "Maria Member",
            "github_login": "@maria-m",
            "discourse_username": "maria",
            "email": "m@example.org",
        },
    )
    assert response.status_code == 302
    profile = Profile.objects.get(person=world.member)
    assert (profile.display_name, profile.github_login, profile.discourse_username) == (
        "Maria Member",
        "maria-m",
        "maria",
    )
    world.member.refresh_from_db()
    assert world.member.email == "m@example.org"
    assert "Maria Member" in html(client.get("/accounts/settings/"))


def test_settings_and_login_pages_run_a_fixed_number_of_queries(world) -> None:  # type: ignore[no-untyped-def]
    from tests import factories as f
    from tests.web.helpers import query_counts

    def grow() -> None:
        for _ in range(5):
            f.membership(world.member, f.team())

    small, large = query_counts(world.client("member"), "/accounts/settings/", grow)
    assert small == large
    small, large = query_counts(world.client(None), "/accounts/login/", grow)
    assert small == large
