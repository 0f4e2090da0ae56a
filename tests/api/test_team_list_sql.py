"""The API's teams list, a written-out query (`org.selectors.team_list_sql`), against the ORM:
for every kind of reader and any tree of public and private teams, the same teams in the same
order as `visible_teams(user)`, each as the single-team read renders it (a parent the reader
may not read is not named), and the children of a parent only where the reader may read it."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from okrs.api.routers.org import team_out
from okrs.api.schemas import TeamOut
from okrs.org.access import can_read_team, visible_teams
from okrs.org.models import Membership, Team
from okrs.org.selectors import team_list_page
from tests import factories as f
from tests.api.schema_json import schema_json, written_json

pytestmark = pytest.mark.django_db
READERS = ("admin", "anonymous", "outsider", "member")


@pytest.fixture
def people():  # type: ignore[no-untyped-def]
    return SimpleNamespace(
        admin=f.person("site-admin", is_superuser=True),
        anonymous=AnonymousUser(),
        outsider=f.person("outsider"),
        member=f.person("member"),
    )


# each team: private or not, its parent (an earlier team) or none, the member in it or not
TEAM = st.tuples(st.booleans(), st.one_of(st.none(), st.integers(0, 7)), st.booleans())


def _orm_page(user: Any, parent: str | None, after: int, limit: int) -> list[dict[str, Any]]:
    teams = visible_teams(user).select_related("parent").order_by("pk").filter(pk__gt=after)
    if parent is not None:
        teams = [
            t
            for t in teams
            if t.parent and t.parent.slug == parent and can_read_team(user, t.parent)
        ]
    return [{"id": t.pk, **team_out(t, user)} for t in list(teams)[:limit]]


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    teams=st.lists(TEAM, min_size=1, max_size=8),
    reader=st.sampled_from(READERS),
    parent=st.one_of(st.none(), st.integers(0, 8)),
    after=st.integers(0, 8),
    limit=st.integers(1, 6),
)
@example(  # a private parent with public children: named to its member only
    teams=[(True, None, True), (False, 0, False), (False, 0, False), (True, None, False)],
    reader="outsider",
    parent=None,
    after=0,
    limit=6,
)
@example(
    teams=[(True, None, True), (False, 0, False), (False, None, False), (False, 2, False)],
    reader="member",
    parent=0,
    after=0,
    limit=6,
)
def test_the_written_out_list_is_the_orm_list(people, teams, reader, parent, after, limit) -> None:  # type: ignore[no-untyped-def]
    Membership.objects.all().delete()
    Team.objects.update(parent=None)
    Team.objects.all().delete()
    made: list[Team] = []
    for n, (private, parent_index, member) in enumerate(teams):
        up = made[parent_index] if parent_index is not None and parent_index < len(made) else None
        team = f.team(f"t{n}", visibility="private" if private else "public", parent=up)
        if member:
            f.membership(people.member, team)
        made.append(team)
    user = getattr(people, reader)
    slug = f"t{parent}" if parent is not None else None
    start = made[0].pk - 1 + after
    expected = _orm_page(user, slug, start, limit)
    got = team_list_page(user, parent=slug, after=start, limit=limit)
    assert got == expected
    shown = [
        {key: value for key, value in row.items() if key != "id"} for row in got
    ]  # as the view
    assert written_json(shown) == schema_json(TeamOut, expected)
