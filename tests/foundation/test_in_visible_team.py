"""`org.access.in_visible_team`, the join-or-subquery filter, keeps what `visible_teams` keeps."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser

from okrs.heartbeats.models import WorkPacket
from okrs.org.access import in_visible_team, visible_teams
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_it_keeps_the_rows_of_the_teams_the_reader_may_read() -> None:
    public, secret, other_secret = (
        f.team("public"),
        f.team("secret", visibility="private"),
        f.team("other", visibility="private"),
    )
    member = f.person("member")
    f.membership(member, secret, "viewer")
    for team in (public, secret, other_secret):
        f.packet(team=team, title=f"Packet of {team.slug}")
    readers = {
        "anonymous": AnonymousUser(),
        "outsider": f.person("outsider"),
        "member": member,
        "admin": get_user_model().objects.create_user("root", is_superuser=True),
    }
    expected = {
        "anonymous": {"public"},
        "outsider": {"public"},
        "member": {"public", "secret"},
        "admin": {"public", "secret", "other"},
    }
    for who, user in readers.items():
        kept = set(
            WorkPacket.objects.filter(in_visible_team(user)).values_list("team__slug", flat=True)
        )
        assert kept == expected[who] == set(visible_teams(user).values_list("slug", flat=True)), who
