"""Leads invite people to their team by email; the link makes the account and membership."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client

from okrs.accounts.models import Invitation
from okrs.org.models import Membership
from tests.web.helpers import html


def _invite(client: Client, slug: str, email: str, role: str = "member") -> str:
    response = client.post(f"/teams/{slug}/invitations/", {"email": email, "role": role})
    assert response.status_code == 302, html(response)
    return re.search(r"http://127\.0\.0\.1:8000(/invitations/\S+/)", mail.outbox[-1].body).group(1)


def test_lead_invites_and_the_link_makes_the_account_and_membership(world, settings) -> None:  # type: ignore[no-untyped-def]
    settings.OKRS_SIGNUP = "invite"
    link = _invite(world.client("lead"), "reps", "new@example.org", "viewer")
    assert mail.outbox[-1].to == ["new@example.org"]
    assert "Mozilla Reps" in mail.outbox[-1].subject
    assert Invitation.objects.get().token_hash not in mail.outbox[-1].body  # only the hash kept

    visitor = Client()
    page = html(visitor.get(link))
    assert "invites you to join Mozilla Reps as Viewer" in page and "Sign up" in page
    signup = visitor.post(
        "/accounts/signup/",
        {
            "username": "newbie",
            "email": "new@example.org",
            "password1": "long secret words 12",
            "password2": "long secret words 12",
        },
    )
    assert signup.status_code == 302
    newbie = User.objects.get(username="newbie")
    # the mail reached the address: it counts as confirmed, and the person is signed in
    assert EmailAddress.objects.get(user=newbie).verified
    assert int(visitor.session["_auth_user_id"]) == newbie.pk
    assert Membership.objects.get(person=newbie, team=world.team).role == "viewer"
    assert Invitation.objects.get().accepted_by == newbie
    assert visitor.get(link).status_code == 404  # used up


def test_signed_in_person_accepts(world) -> None:  # type: ignore[no-untyped-def]
    link = _invite(world.client("lead"), "reps", "outsider@example.org", "member")
    outsider = world.client("outsider")
    assert outsider.post(link).status_code == 302
    assert Membership.objects.get(person=world.outsider, team=world.team).role == "member"


def test_only_leads_invite_and_private_teams_are_not_revealed(world, private_team) -> None:  # type: ignore[no-untyped-def]
    assert world.client("member").get("/teams/reps/invitations/").status_code == 403
    anonymous = world.client(None).get("/teams/reps/invitations/")  # public team: log in first
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")
    for who in ("member", "outsider", None):
        response = world.client(who).get("/teams/council/invitations/")
        assert response.status_code == 404 and "Secret Council" not in html(response)
        world.client(who).post("/teams/council/invitations/", {"email": "x@example.org"})
    assert not Invitation.objects.exists()
    link = _invite(world.client("lead"), "council", "x@example.org")
    assert "Secret Council" in html(world.client("lead").get("/teams/council/invitations/"))
    # another token, a guessed one, shows nothing of the team
    for guess in ("/invitations/abc/", link[:-3] + "xx/"):
        response = Client().get(guess)
        assert response.status_code == 404 and "Secret Council" not in html(response)


def test_revoked_and_expired_invitations_open_nothing(world) -> None:  # type: ignore[no-untyped-def]
    lead = world.client("lead")
    first = _invite(lead, "reps", "a@example.org")
    second = _invite(lead, "reps", "b@example.org")
    invitation = Invitation.objects.get(email="a@example.org")
    lead.post(f"/teams/reps/invitations/{invitation.pk}/revoke/")
    assert Client().get(first).status_code == 404
    Invitation.objects.filter(email="b@example.org").update(expires_at="2000-01-01T00:00Z")
    assert world.client("outsider").post(second).status_code == 404
    assert not Membership.objects.filter(person=world.outsider).exists()
    # the revoke button is the leads'
    other = Invitation.objects.get(email="b@example.org")
    revoke = f"/teams/reps/invitations/{other.pk}/revoke/"
    assert world.client("member").post(revoke).status_code == 403


def test_invitation_form_errors(world) -> None:  # type: ignore[no-untyped-def]
    world.member.email = "member@example.org"
    world.member.save()
    lead = world.client("lead")
    taken = lead.post("/teams/reps/invitations/", {"email": "member@example.org", "role": "member"})
    assert "already a member" in html(taken)
    bad = lead.post("/teams/reps/invitations/", {"email": "nope", "role": "chief"})
    assert "Enter a valid email address" in html(bad) and "Select a valid choice" in html(bad)
    assert not Invitation.objects.exists() and mail.outbox == []


def test_closed_site_lets_the_invited_log_in_to_accept_not_sign_up(world, settings) -> None:  # type: ignore[no-untyped-def]
    settings.OKRS_SIGNUP = "closed"
    link = _invite(world.client("lead"), "reps", "new@example.org")
    visitor = Client()
    assert "Sign up" not in html(visitor.get(link)).split("<main")[1]
    visitor.post(
        "/accounts/signup/",
        {"username": "n", "email": "new@example.org", "password1": "x" * 12, "password2": "x" * 12},
    )
    assert not User.objects.filter(username="n").exists()


@pytest.mark.parametrize("who", ["lead", "outsider"])
def test_invitation_pages_run_bounded_queries(world, who, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    lead = world.client("lead")
    for n in range(5):
        _invite(lead, "reps", f"p{n}@example.org")
    client = world.client(who)
    with django_assert_max_num_queries(12):
        response = client.get("/teams/reps/invitations/")
    assert response.status_code == (200 if who == "lead" else 403)
