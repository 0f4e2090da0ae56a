"""The team page: objectives with scores, members, the current heartbeat; access; queries."""

from __future__ import annotations

import datetime as dt

import pytest

from tests import factories as f
from tests.web.helpers import html, query_counts


def test_team_page_shows_objectives_members_and_current_heartbeat(world) -> None:  # type: ignore[no-untyped-def]
    f.heartbeat(
        team=world.team,
        period=world.period,
        name="Q1HB3",
        start=dt.date(2017, 2, 6),
        end=dt.date(2017, 2, 24),
    )
    f.heartbeat(
        team=world.team,
        period=world.period,
        name="Q1HB1",
        start=dt.date(2017, 1, 2),
        end=dt.date(2017, 1, 20),
    )
    page = html(world.client(None).get("/teams/reps/"))
    assert "<title>Mozilla Reps · 2017-Q1 · okrs</title>" in page
    assert "Grow the community" in page and "Reps reporting" in page
    assert "Q1HB3" in page and "Q1HB1" not in page
    assert "lead" in page and "Team lead" in page and "member" in page
    assert 'href="/teams/cdt/' in page  # way back up the tree


def test_team_following_parent_calendar_shows_parents_heartbeat(world) -> None:  # type: ignore[no-untyped-def]
    world.team.follows_parent_heartbeats = True
    world.team.save()
    f.heartbeat(
        team=world.parent,
        period=world.period,
        name="CDT-HB2",
        start=dt.date(2017, 2, 1),
        end=dt.date(2017, 2, 20),
    )
    assert "CDT-HB2" in html(world.client(None).get("/teams/reps/"))


@pytest.mark.parametrize(
    ("who", "status"), [(None, 404), ("outsider", 404), ("viewer", 200), ("admin", 200)]
)
def test_private_team_is_404_for_outsiders(world, who, status) -> None:  # type: ignore[no-untyped-def]
    world.team.visibility = "private"
    world.team.save()
    assert world.client(who).get("/teams/reps/").status_code == status
    if status == 404:
        assert "Mozilla Reps" not in html(world.client(who).get("/teams/cdt/"))


def test_private_objective_absent_for_outsiders(world) -> None:  # type: ignore[no-untyped-def]
    f.objective(team=world.team, period=world.period, title="Hidden plan", visibility="private")
    assert "Hidden plan" not in html(world.client("outsider").get("/teams/reps/"))
    assert "Hidden plan" in html(world.client("member").get("/teams/reps/"))


def test_new_objective_link_and_reorder_buttons_for_leads_only(world) -> None:  # type: ignore[no-untyped-def]
    link = 'href="/objectives/new/?team=reps"'
    move = f'action="/objectives/{world.objective.pk}/move/"'
    lead = html(world.client("lead").get("/teams/reps/"))
    assert link in lead and move in lead
    member = html(world.client("member").get("/teams/reps/"))
    assert link not in member and move not in member


def test_unknown_team_is_404(world) -> None:  # type: ignore[no-untyped-def]
    assert world.client(None).get("/teams/nope/").status_code == 404


@pytest.mark.parametrize("children", [True, False])
def test_query_count_does_not_grow_with_objectives(world, children: bool) -> None:  # type: ignore[no-untyped-def]
    """Whether the trend is drawn inline (a team without teams below) or on demand."""
    if children:
        f.team(parent=world.team)

    def grow() -> None:
        for _ in range(12):
            objective = f.objective(team=world.team, period=world.period, owner=world.lead)
            f.checkin(f.key_result(objective=objective), 5, "2017-02-01T00:00:00")
            f.membership(f.person(), world.team)
            if children:
                f.team(parent=world.team)

    for who in (None, "lead"):
        small, large = query_counts(world.client(who), "/teams/reps/", grow)
        assert small == large, who


def test_a_private_parent_team_is_not_named_under_a_public_team(world) -> None:  # type: ignore[no-untyped-def]
    world.parent.visibility = "private"
    world.parent.name = "Hidden council"
    world.parent.save()
    world.team.follows_parent_heartbeats = True
    world.team.save()
    for url in ("/teams/reps/", f"/objectives/{world.objective.pk}/", "/teams/reps/heartbeats/"):
        for who in (None, "outsider"):
            page = html(world.client(who).get(url))
            assert "Hidden council" not in page and "/teams/cdt/" not in page, (url, who)
        assert "Hidden council" in html(world.client("parent_lead").get(url)), url
