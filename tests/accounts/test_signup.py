"""Sign-up with email confirmation, and the site's OKRS_SIGNUP setting."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client

from okrs.accounts.config import signup_mode
from okrs.config import ConfigError
from tests.web.helpers import html

NEW = {
    "username": "ada",
    "email": "ada@example.org",
    "password1": "a long enough secret 51",
    "password2": "a long enough secret 51",
}


def _confirm_link(message: mail.EmailMessage) -> str:
    return re.search(r"http://testserver(/accounts/confirm-email/\S+/)", message.body).group(1)


def test_open_sign_up_confirms_by_the_mailed_link(world, open_signup) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    assert 'href="/accounts/signup/"' in html(client.get("/"))  # the top bar offers it
    response = client.post("/accounts/signup/", NEW)
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session  # not signed in before confirming
    ada = User.objects.get(username="ada")
    assert not EmailAddress.objects.get(user=ada).verified
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["ada@example.org"]

    # the password alone does not open an unconfirmed account
    refused = Client().post("/accounts/login/", {"username": "ada", "password": NEW["password1"]})
    assert "Confirm your email address first" in html(refused)

    link = _confirm_link(mail.outbox[0])
    page = client.get(link)
    assert page.status_code == 200 and "ada@example.org" in html(page)
    assert client.post(link).status_code == 302
    assert EmailAddress.objects.get(user=ada).verified
    assert int(client.session["_auth_user_id"]) == ada.pk  # confirmed in the same browser
    assert "Log out" in html(client.get("/"))


def test_bad_confirmation_key_confirms_nothing(world, open_signup) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.post("/accounts/signup/", NEW)
    client.post("/accounts/confirm-email/not-a-key/")
    assert "not valid" in html(client.get("/accounts/confirm-email/not-a-key/"))
    assert not EmailAddress.objects.get(user__username="ada").verified


def test_sign_up_form_errors_are_shown(world, open_signup) -> None:  # type: ignore[no-untyped-def]
    response = Client().post("/accounts/signup/", {**NEW, "password2": "different", "email": "x"})
    assert response.status_code == 200
    assert "Enter a valid email address" in html(response)
    assert not User.objects.filter(username="ada").exists()


def test_address_of_an_existing_account_makes_no_second_one(world, open_signup) -> None:  # type: ignore[no-untyped-def]
    world.member.email = "ada@example.org"
    world.member.save()
    Client().post("/accounts/signup/", NEW)
    assert User.objects.filter(email__iexact="ada@example.org").count() == 1


@pytest.mark.parametrize("mode", ["invite", "closed"])
def test_sign_up_without_invitation_is_refused(world, settings, mode: str) -> None:  # type: ignore[no-untyped-def]
    settings.OKRS_SIGNUP = mode
    client = Client()
    assert 'href="/accounts/signup/"' not in html(client.get("/"))
    assert "Sign-up is closed" in html(client.get("/accounts/signup/"))
    client.post("/accounts/signup/", NEW)
    assert not User.objects.filter(username="ada").exists()
    assert mail.outbox == []


def test_signup_setting_reads_three_words_and_names_the_variable() -> None:
    assert signup_mode({}) == "invite"
    assert signup_mode({"OKRS_SIGNUP": " Open "}) == "open"
    assert signup_mode({"OKRS_SIGNUP": "closed"}) == "closed"
    with pytest.raises(ConfigError, match=r"OKRS_SIGNUP='sometimes': expected one of open"):
        signup_mode({"OKRS_SIGNUP": "sometimes"})


def test_changing_the_address_in_settings_needs_its_confirmation(world) -> None:  # type: ignore[no-untyped-def]
    client = world.client("member")
    client.post("/accounts/settings/", {"display_name": "M", "email": "new@example.org"})
    world.member.refresh_from_db()
    assert world.member.email == "new@example.org"
    address = EmailAddress.objects.get(user=world.member)
    assert address.email == "new@example.org" and not address.verified
    assert mail.outbox[-1].to == ["new@example.org"]
