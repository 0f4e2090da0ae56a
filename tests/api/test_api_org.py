"""Teams, people, cohorts: only what the caller may see; bounded queries."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from okrs.org.models import Cohort
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_private_teams_are_listed_only_for_members(world: Any) -> None:
    council = f.team("council", visibility="private")
    f.membership(world.member, council, "member")
    outsider = [t["slug"] for t in world.api(world.outsider).get("/teams").json()["items"]]
    member = [t["slug"] for t in world.api(world.member).get("/teams").json()["items"]]
    assert outsider == ["reps"] and sorted(member) == ["council", "reps"]
    assert world.api(world.outsider).get("/teams/council").status_code == 404
    assert world.api(world.member).get("/teams/council").json()["visibility"] == "private"


def test_people_of_private_teams_stay_hidden(world: Any) -> None:
    council = f.team("council", visibility="private")
    f.membership(f.person("secret_agent"), council, "member")
    names = [p["username"] for p in world.api().get("/people").json()["items"]]
    assert "secret_agent" not in names and {"lead", "member"} <= set(names)
    assert world.api().get("/people/secret_agent").status_code == 404
    assert world.api().get("/people", team="reps").status_code == 200


def test_cohorts_with_their_size(world: Any) -> None:
    cohort = Cohort.objects.create(slug="reps", name="Reps", team=world.team)
    cohort.members.add(world.lead, world.member)
    hidden = Cohort.objects.create(
        slug="council", name="Council", team=f.team("council", visibility="private")
    )
    items = world.api().get("/cohorts").json()["items"]
    assert items == [{"slug": "reps", "name": "Reps", "team": "reps", "description": "", "size": 2}]
    assert world.api().get(f"/cohorts/{hidden.slug}").status_code == 404


def test_team_list_queries_do_not_grow(world: Any) -> None:
    api = world.api()

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert api.get("/teams").status_code == 200
            assert api.get("/people").status_code == 200
            assert api.get("/cohorts").status_code == 200
        return len(queries)

    few = count()
    for i in range(10):
        team = f.team(f"t{i}", parent=world.team)
        f.membership(f.person(), team)
        Cohort.objects.create(slug=f"c{i}", name=f"C{i}", team=team).members.add(world.member)
    assert count() == few


def test_a_private_parent_is_not_named_under_a_public_team(world: Any) -> None:
    council = f.team("council", visibility="private")
    f.membership(world.member, council, "member")
    world.team.parent = council
    world.team.save()

    def parent_of_reps(user: Any) -> list[Any]:
        listed = world.api(user).get("/teams").json()["items"]
        one = world.api(user).get("/teams/reps").json()
        return [next(t["parent"] for t in listed if t["slug"] == "reps"), one["parent"]]

    assert parent_of_reps(world.outsider) == [None, None]
    assert parent_of_reps(None) == [None, None]
    assert parent_of_reps(world.member) == ["council", "council"]
    # nor can outsiders learn what hangs under it by filtering
    assert world.api(world.outsider).get("/teams", parent="council").json()["items"] == []
    member = world.api(world.member).get("/teams", parent="council").json()["items"]
    assert [t["slug"] for t in member] == ["reps"]
