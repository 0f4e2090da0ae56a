"""Leaving a team; deleting an account keeps the teams' history without the person's name."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.contrib.auth.models import User
from django.test import Client

from okrs.api.models import AccessToken
from okrs.goals.models import CheckIn
from okrs.org.models import Membership, Profile
from okrs.talk.models import Comment
from tests import factories as f
from tests.web.helpers import html


def test_member_leaves_a_team(world) -> None:  # type: ignore[no-untyped-def]
    client = world.client("member")
    assert "Leave Mozilla Reps" in html(client.get("/accounts/settings/"))
    assert client.post("/teams/reps/leave/").status_code == 302
    assert not Membership.objects.filter(person=world.member, team=world.team).exists()
    assert client.get("/teams/reps/leave/").status_code == 405  # a GET changes nothing


def test_the_only_lead_cannot_leave(world) -> None:  # type: ignore[no-untyped-def]
    client = world.client("lead")
    response = client.post("/teams/reps/leave/", follow=True)
    assert "only lead" in html(response)
    assert Membership.objects.filter(person=world.lead, team=world.team, role="lead").exists()


def test_leaving_a_private_team_one_is_not_in_is_a_404(world, private_team) -> None:  # type: ignore[no-untyped-def]
    assert world.client("member").post("/teams/council/leave/").status_code == 404


def test_deleting_an_account_keeps_comments_and_check_ins_anonymously(world) -> None:  # type: ignore[no-untyped-def]
    member = world.member
    member.set_password("my old secret 99")
    member.email = "member@example.org"
    member.save()
    f.profile(member, display_name="Maria Member", github_login="maria")
    EmailAddress.objects.create(user=member, email="member@example.org", verified=True)
    AccessToken.objects.create(person=member, name="sync", token_hash="h" * 64, prefix="okrs_x")
    comment = Comment.objects.create(
        objective=world.objective, team=world.team, author=member, body="I can help with this"
    )
    checkin = f.checkin(world.kr, 12, "2017-02-01T12:00Z", author=member)

    client = Client()
    client.force_login(member)
    wrong = client.post("/accounts/delete/", {"confirm": "not it"})
    assert "does not match" in html(wrong) and User.objects.get(pk=member.pk).is_active
    assert client.post("/accounts/delete/", {"confirm": "my old secret 99"}).status_code == 302
    assert "_auth_user_id" not in client.session

    gone = User.objects.get(pk=member.pk)
    assert not gone.is_active and not gone.has_usable_password()
    assert gone.email == "" and gone.username == f"former-member-{member.pk}"
    assert not Membership.objects.filter(person=gone).exists()
    assert not AccessToken.objects.filter(person=gone).exists()
    assert not EmailAddress.objects.filter(user=gone).exists()
    assert Profile.objects.get(person=gone).display_name == ""
    assert Comment.objects.get(pk=comment.pk).body == "I can help with this"
    assert CheckIn.objects.get(pk=checkin.pk).author_id == gone.pk

    page = html(world.client("lead").get(f"/objectives/{world.objective.pk}/"))
    assert "I can help with this" in page and "former member" in page
    assert "Maria Member" not in page
    # and the old password opens nothing
    again = Client()
    again.post("/accounts/login/", {"username": "member", "password": "my old secret 99"})
    assert "_auth_user_id" not in again.session


def test_deleting_needs_to_be_signed_in(world) -> None:  # type: ignore[no-untyped-def]
    assert Client().post("/accounts/delete/", {"confirm": "x"}).status_code == 302
    assert User.objects.filter(pk=world.member.pk, is_active=True).exists()
