"""The objective page: KRs with scores, alignment both ways, owner, review and history."""

from __future__ import annotations

import pytest

from okrs.goals import services
from tests import factories as f
from tests.web.helpers import html, query_counts


def _url(world) -> str:  # type: ignore[no-untyped-def]
    return f"/objectives/{world.objective.pk}/"


@pytest.mark.parametrize("who", [None, "outsider", "viewer", "member", "lead", "admin"])
def test_published_objective_is_readable_by_everyone(world, who) -> None:  # type: ignore[no-untyped-def]
    assert world.client(who).get(_url(world)).status_code == 200


@pytest.mark.parametrize(
    ("who", "status"), [(None, 404), ("outsider", 404), ("parent_lead", 404), ("viewer", 200)]
)
def test_private_objective_is_404_for_outsiders(world, who, status) -> None:  # type: ignore[no-untyped-def]
    world.objective.visibility = "private"
    world.objective.save()
    assert world.client(who).get(_url(world)).status_code == status


@pytest.mark.parametrize(
    ("state", "who", "status"),
    [
        ("draft", "viewer", 200),
        ("draft", "outsider", 404),
        ("draft", "parent_lead", 404),
        ("in_review", "parent_lead", 200),
        ("in_review", "outsider", 404),
        ("in_review", None, 404),
    ],
)
def test_drafts_for_the_team_reviews_for_the_parent_leads(world, state, who, status) -> None:  # type: ignore[no-untyped-def]
    world.objective.state = state
    world.objective.save()
    assert world.client(who).get(_url(world)).status_code == status


def test_shows_krs_owner_alignment_both_ways_and_breadcrumbs(world) -> None:  # type: ignore[no-untyped-def]
    world.objective.owner = world.lead
    world.objective.save()
    parent_goal = f.objective(team=world.parent, period=world.period, title="Healthy communities")
    child_team = f.team("campus", parent=world.team)
    child_goal = f.objective(team=child_team, period=world.period, title="Campus clubs")
    f.align(world.objective, parent_goal, weight=2)
    f.align(child_goal, world.objective)
    f.checkin(f.key_result(objective=child_goal, target=10), 10, "2017-02-01T00:00:00")
    page = html(world.client(None).get(_url(world)))
    assert "<title>O1 Grow the community · okrs</title>" in page
    assert "Reps reporting" in page and ">lead<" in page
    assert "Healthy communities" in page and "weight 2" in page
    assert "Campus clubs" in page and "1.00" in page
    assert 'href="/teams/reps/' in page and 'aria-label="Breadcrumb"' in page


def test_private_contributor_is_not_listed_for_outsiders(world) -> None:  # type: ignore[no-untyped-def]
    hidden = f.objective(
        team=world.team, period=world.period, title="Secret helper", visibility="private"
    )
    f.align(hidden, world.objective)
    assert "Secret helper" not in html(world.client("outsider").get(_url(world)))
    assert "Secret helper" in html(world.client("member").get(_url(world)))


def test_history_shows_who_when_and_what_changed(world) -> None:  # type: ignore[no-untyped-def]
    services.objective_update(
        objective=world.objective, actor=world.lead, changes={"title": "Grow a healthy community"}
    )
    services.key_result_update(key_result=world.kr, actor=world.lead, changes={"target": 60.0})
    page = html(world.client(None).get(_url(world)))
    assert "Grow the community</del>" in page and "Grow a healthy community</ins>" in page
    assert "<del>50</del> → <ins>60</ins>" in page
    change = world.objective.changes.first()
    assert f'<time datetime="{change.at.isoformat()}">' in page and ">lead<" in page


def test_description_markdown_is_sanitized(world) -> None:  # type: ignore[no-untyped-def]
    world.objective.description = "**Bold** <script>alert(1)</script> [x](javascript:alert(1))"
    world.objective.save()
    page = html(world.client(None).get(_url(world)))
    assert "<strong>Bold</strong>" in page
    assert "<script>alert" not in page and 'href="javascript:' not in page


def test_edit_controls_for_leads_only(world) -> None:  # type: ignore[no-untyped-def]
    edit = f'href="/objectives/{world.objective.pk}/edit/"'
    lead = html(world.client("lead").get(_url(world)))
    assert edit in lead and "Add alignment" in lead and "Add key result" in lead
    member = html(world.client("member").get(_url(world)))
    assert edit not in member and "Add alignment" not in member


def test_query_count_does_not_grow(world) -> None:  # type: ignore[no-untyped-def]
    def grow() -> None:
        for _ in range(8):
            kr = f.key_result(objective=world.objective)
            f.checkin(kr, 3, "2017-02-01T00:00:00")
            helper = f.objective(team=f.team(parent=world.team), period=world.period)
            f.key_result(objective=helper)
            f.align(helper, world.objective)
            parent = f.objective(team=world.parent, period=world.period)
            f.align(world.objective, parent)
            services.objective_update(
                objective=world.objective,
                actor=f.person(),
                changes={"weight": world.objective.weight + 1},
            )
            services.review_comment_create(objective=world.objective, author=f.person(), body="ok")

    for who in (None, "lead"):
        small, large = query_counts(world.client(who), _url(world), grow)
        assert small == large, who
