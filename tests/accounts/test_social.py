"""Signing in with GitHub and with an OpenID Connect provider, against the stand-in provider
on 127.0.0.1 (tests/standin_oauth.py)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth.models import User
from django.test import Client

from okrs.accounts.config import social_providers
from okrs.config import ConfigError
from okrs.org.models import Profile
from tests.standin_oauth import Person, Provider, point_github_at, serve
from tests.web.helpers import html

GITHUB = "/accounts/github/login/"
OIDC = "/accounts/oidc/oidc/login/"


@pytest.fixture
def standin(settings: Any, monkeypatch: Any) -> Iterator[Provider]:
    with serve() as provider:
        settings.SOCIALACCOUNT_PROVIDERS = social_providers(provider.environ())
        point_github_at(provider, monkeypatch)
        yield provider


def sign_in(client: Client, start: str) -> Any:
    """The round trip: okrs sends the browser to the provider, which sends it back."""
    leaving = client.post(start)
    assert leaving.status_code == 302, html(leaving)
    answer = httpx.get(leaving["Location"], follow_redirects=False)
    assert answer.status_code == 302, answer.text
    back = urlsplit(answer.headers["location"])
    return client.get(f"{back.path}?{back.query}")


def _signed_in(client: Client) -> User | None:
    pk = client.session.get("_auth_user_id")
    return User.objects.get(pk=pk) if pk else None


def test_providers_are_off_by_default_and_read_from_the_environment() -> None:
    assert social_providers({}) == {}
    github = social_providers({"OKRS_GITHUB_CLIENT_ID": "a", "OKRS_GITHUB_CLIENT_SECRET": "b"})
    assert github["github"]["APPS"] == [{"client_id": "a", "secret": "b"}]
    with pytest.raises(ConfigError, match="OKRS_GITHUB_CLIENT_SECRET: must be set"):
        social_providers({"OKRS_GITHUB_CLIENT_ID": "a"})
    with pytest.raises(ConfigError, match="OKRS_OIDC_ISSUER: must be set"):
        social_providers({"OKRS_OIDC_CLIENT_ID": "a", "OKRS_OIDC_CLIENT_SECRET": "b"})
    with pytest.raises(ConfigError, match="OKRS_OIDC_ISSUER='ftp://x': expected an http"):
        social_providers(
            {
                "OKRS_OIDC_ISSUER": "ftp://x",
                "OKRS_OIDC_CLIENT_ID": "a",
                "OKRS_OIDC_CLIENT_SECRET": "b",
            }
        )


def test_login_page_offers_only_configured_providers(world, standin, settings) -> None:  # type: ignore[no-untyped-def]
    page = html(Client().get("/accounts/login/"))
    assert "Sign in with GitHub" in page and "Sign in with Community SSO" in page
    settings.SOCIALACCOUNT_PROVIDERS = {}
    assert "Sign in with" not in html(Client().get("/accounts/login/"))


def test_github_sign_up_fills_the_github_login(world, standin, settings) -> None:  # type: ignore[no-untyped-def]
    settings.OKRS_SIGNUP = "open"
    standin.person = Person("4242", "octo-rep", "octo@example.org", name="Octo Rep")
    client = Client()
    assert sign_in(client, GITHUB).status_code == 302
    user = _signed_in(client)
    assert user is not None and user.username == "octo-rep" and user.email == "octo@example.org"
    profile = Profile.objects.get(person=user)
    assert profile.github_login == "octo-rep" and profile.display_name == "Octo Rep"
    assert SocialAccount.objects.get(user=user).uid == "4242"
    assert "POST /login/oauth/access_token" in standin.requests

    # a later sign-in with a renamed GitHub account refreshes the login the sync matches by
    standin.person = Person("4242", "octo-renamed", "octo@example.org")
    again = Client()
    landed = sign_in(again, GITHUB)
    assert _signed_in(again) == user
    assert landed.status_code == 302 and landed["Location"] == "/me/"  # as a password login
    assert Profile.objects.get(person=user).github_login == "octo-renamed"


def test_oidc_sign_up(world, standin, settings) -> None:  # type: ignore[no-untyped-def]
    settings.OKRS_SIGNUP = "open"
    standin.person = Person("sub-77", "maria", "maria@example.org")
    client = Client()
    sign_in(client, OIDC)
    user = _signed_in(client)
    assert user is not None and user.email == "maria@example.org"
    assert SocialAccount.objects.get(user=user).provider == "oidc"
    assert "GET /oidc/.well-known/openid-configuration" in standin.requests


def test_verified_email_links_the_existing_account(world, standin) -> None:  # type: ignore[no-untyped-def]
    world.member.email = "member@example.org"  # set by the operator (okrs create-user)
    world.member.save()
    standin.person = Person("9", "member-gh", "member@example.org")
    client = Client()
    sign_in(client, GITHUB)  # sign-up is by invitation: linking is not a sign-up
    assert _signed_in(client) == world.member
    assert SocialAccount.objects.get(user=world.member).provider == "github"
    assert Profile.objects.get(person=world.member).github_login == "member-gh"


def test_unverified_or_unconfirmed_addresses_link_nothing(world, standin, settings) -> None:  # type: ignore[no-untyped-def]
    from allauth.account.models import EmailAddress

    world.member.email = "member@example.org"
    world.member.save()
    standin.person = Person("9", "x", "member@example.org", email_verified=False)
    client = Client()
    sign_in(client, OIDC)
    assert _signed_in(client) is None  # the provider did not verify it
    # an address someone typed at sign-up and never confirmed links nothing either
    EmailAddress.objects.create(user=world.outsider, email="taken@example.org", verified=False)
    world.outsider.email = "taken@example.org"
    world.outsider.save()
    standin.person = Person("10", "y", "taken@example.org")
    other = Client()
    sign_in(other, GITHUB)
    assert _signed_in(other) is None
    assert not SocialAccount.objects.exists()


@pytest.mark.parametrize("mode", ["invite", "closed"])
def test_new_people_need_sign_up_to_be_open(world, standin, settings, mode) -> None:  # type: ignore[no-untyped-def]
    settings.OKRS_SIGNUP = mode
    standin.person = Person("5", "newcomer", "new@example.org")
    client = Client()
    response = sign_in(client, GITHUB)
    assert _signed_in(client) is None and not User.objects.filter(username="newcomer").exists()
    assert response.status_code == 200 and "Sign-up is closed" in html(response)


def test_log_in_page_may_send_the_browser_to_the_providers(world, standin) -> None:  # type: ignore[no-untyped-def]
    policy = Client().get("/accounts/login/")["Content-Security-Policy"]
    assert f"form-action 'self' {standin.url} {standin.url}" in policy


def test_without_providers_forms_post_to_okrs_only(world) -> None:  # type: ignore[no-untyped-def]
    assert "form-action 'self'" in Client().get("/accounts/login/")["Content-Security-Policy"]
    assert "form-action 'self';" in Client().get("/")["Content-Security-Policy"] + ";"
