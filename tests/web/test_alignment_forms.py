"""Alignment from the objective page: contributes to, with a weight; no cycles; removal."""

from __future__ import annotations

from okrs.goals.models import Alignment
from tests import factories as f
from tests.web.helpers import html


def test_lead_aligns_to_a_parent_objective_and_history_records_it(world) -> None:  # type: ignore[no-untyped-def]
    parent_goal = f.objective(team=world.parent, period=world.period, title="Healthy communities")
    url = f"/objectives/{world.objective.pk}/align/"
    response = world.client("lead").post(url, {"parent": parent_goal.pk, "weight": "2"})
    assert response.status_code == 302
    link = Alignment.objects.get()
    assert (link.child, link.parent, link.weight) == (world.objective, parent_goal, 2)
    change = world.objective.changes.get(action="aligned")
    assert "Healthy communities" in change.diff["contributes to"][1]


def test_a_cycle_is_refused_with_a_clear_error(world) -> None:  # type: ignore[no-untyped-def]
    a = f.objective(team=world.team, period=world.period, title="A")
    f.align(world.objective, a)
    response = world.client("lead").post(
        f"/objectives/{a.pk}/align/", {"parent": world.objective.pk, "weight": "1"}
    )
    assert response.status_code == 400
    assert "already contributes to" in html(response)
    assert Alignment.objects.count() == 1


def test_bad_weight_and_invisible_parent_are_field_errors(world) -> None:  # type: ignore[no-untyped-def]
    hidden = f.objective(team=f.team(visibility="private"), period=world.period)
    url = f"/objectives/{world.objective.pk}/align/"
    response = world.client("lead").post(url, {"parent": hidden.pk, "weight": "-1"})
    page = html(response)
    assert response.status_code == 400
    assert "Select a valid choice" in page and "must be greater than 0." in page
    assert not Alignment.objects.exists()


def test_member_cannot_align_and_lead_removes(world) -> None:  # type: ignore[no-untyped-def]
    parent_goal = f.objective(team=world.parent, period=world.period)
    url = f"/objectives/{world.objective.pk}/align/"
    assert (
        world.client("member").post(url, {"parent": parent_goal.pk, "weight": "1"}).status_code
        == 403
    )
    link = f.align(world.objective, parent_goal)
    remove = f"/objectives/{world.objective.pk}/align/{link.pk}/remove/"
    assert world.client("member").post(remove).status_code == 403
    assert world.client("lead").post(remove).status_code == 302
    assert not Alignment.objects.exists()
    assert world.objective.changes.filter(action="unaligned").exists()


def test_the_objective_page_offers_the_parent_teams_objectives_a_bounded_list(world) -> None:  # type: ignore[no-untyped-def]
    from okrs.web.selectors import ALIGN_CHOICES

    parent_goal = f.objective(team=world.parent, period=world.period, title="Healthy communities")
    stranger = f.team("elsewhere", name="Elsewhere")
    for i in range(ALIGN_CHOICES + 5):
        f.objective(team=stranger, period=world.period, title=f"Far goal {i:03}")
    page = html(world.client("lead").get(f"/objectives/{world.objective.pk}/"))
    assert f'<option value="{parent_goal.pk}">' in page
    assert "Far goal" not in page  # only the teams above are offered inline
    assert f"/objectives/{world.objective.pk}/align/" in page  # and a way to any other


def test_the_alignment_page_finds_any_visible_objective_and_caps_the_list(world) -> None:  # type: ignore[no-untyped-def]
    from okrs.web.selectors import ALIGN_CHOICES

    stranger = f.team("elsewhere", name="Elsewhere")
    for i in range(ALIGN_CHOICES + 5):
        f.objective(team=stranger, period=world.period, title=f"Far goal {i:03}")
    wanted = f.objective(team=stranger, period=world.period, title="Translate the wiki")
    hidden = f.objective(
        team=f.team(visibility="private"), period=world.period, title="Translate secretly"
    )
    url = f"/objectives/{world.objective.pk}/align/"
    client = world.client("lead")
    found = html(client.get(url, {"q": "translate"}))
    assert f'<option value="{wanted.pk}">' in found and "Translate secretly" not in found
    assert hidden.pk != wanted.pk
    many = html(client.get(url, {"q": "far goal"}))
    assert many.count("Far goal") == ALIGN_CHOICES and "narrow the search" in many
    assert client.post(url, {"parent": wanted.pk, "weight": "1"}).status_code == 302
    assert Alignment.objects.filter(child=world.objective, parent=wanted).exists()
    # the member may not align, not even look for candidates
    assert world.client("member").get(url).status_code == 403
