"""Creating and editing objectives: leads only, field errors, history, CSRF, reorder, archive."""

from __future__ import annotations

import pytest
from django.test import Client

from okrs.goals.models import Change, Objective
from tests import factories as f
from tests.web.helpers import html, query_counts


def _form(world, **overrides):  # type: ignore[no-untyped-def]
    data = {
        "team": world.team.pk,
        "period": world.period.pk,
        "code": "O2",
        "title": "Activate more Reps",
        "description": "Why it matters",
        "owner": world.member.pk,
        "commitment": "aspirational",
        "weight": "2",
        "visibility": "team",
    }
    data.update(overrides)
    return data


def test_lead_creates_a_draft_and_the_history_says_so(world) -> None:  # type: ignore[no-untyped-def]
    response = world.client("lead").post("/objectives/new/", _form(world))
    objective = Objective.objects.get(code="O2")
    assert response.status_code == 302 and response["Location"] == f"/objectives/{objective.pk}/"
    assert objective.state == "draft" and objective.owner == world.member
    assert (objective.commitment, objective.weight, objective.team) == (
        "aspirational",
        2,
        world.team,
    )
    change = Change.objects.get(objective=objective)
    assert change.action == "created" and change.actor == world.lead
    assert change.diff["title"] == [None, "Activate more Reps"]


@pytest.mark.parametrize(("who", "status"), [("member", 403), ("outsider", 403), ("viewer", 403)])
def test_non_leads_cannot_create(world, who, status) -> None:  # type: ignore[no-untyped-def]
    assert world.client(who).get("/objectives/new/").status_code == status
    assert world.client(who).post("/objectives/new/", _form(world)).status_code == status
    assert not Objective.objects.filter(code="O2").exists()


def test_anonymous_is_sent_to_log_in(world) -> None:  # type: ignore[no-untyped-def]
    response = world.client(None).get("/objectives/new/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_a_lead_cannot_create_in_a_team_they_do_not_lead(world) -> None:  # type: ignore[no-untyped-def]
    response = world.client("lead").post("/objectives/new/", _form(world, team=world.parent.pk))
    assert response.status_code == 400
    assert "Select a valid choice" in html(response)
    assert not Objective.objects.filter(code="O2").exists()


def test_field_errors_are_shown_next_to_the_fields(world) -> None:  # type: ignore[no-untyped-def]
    response = world.client("lead").post(
        "/objectives/new/", _form(world, title="", weight="0", code="O1")
    )
    page = html(response)
    assert response.status_code == 400
    assert 'id="id_title_error"' in page and "This field is required." in page
    assert 'id="id_weight_error"' in page and "must be greater than 0." in page
    assert Objective.objects.count() == 1


def test_duplicate_code_in_team_and_period_is_refused(world) -> None:  # type: ignore[no-untyped-def]
    response = world.client("lead").post("/objectives/new/", _form(world, code="O1"))
    assert response.status_code == 400
    assert Objective.objects.filter(code="O1").count() == 1


def test_lead_edits_and_the_history_records_old_and_new(world) -> None:  # type: ignore[no-untyped-def]
    url = f"/objectives/{world.objective.pk}/edit/"
    data = _form(world, code="O1", title="Grow a healthy community", owner=world.lead.pk)
    del data["team"]
    response = world.client("lead").post(url, data)
    assert response.status_code == 302
    world.objective.refresh_from_db()
    assert world.objective.title == "Grow a healthy community"
    change = world.objective.changes.get(action="updated")
    assert change.diff["title"] == ["Grow the community", "Grow a healthy community"]
    assert change.diff["owner"] == [None, "lead"]
    assert "code" not in change.diff


def test_saving_without_changes_records_nothing(world) -> None:  # type: ignore[no-untyped-def]
    o = world.objective
    data = {
        "period": o.period_id,
        "code": o.code,
        "title": o.title,
        "description": "",
        "owner": "",
        "commitment": o.commitment,
        "weight": "1",
        "visibility": "team",
    }
    assert world.client("lead").post(f"/objectives/{o.pk}/edit/", data).status_code == 302
    assert not o.changes.exists()


@pytest.mark.parametrize(("who", "status"), [("member", 403), ("outsider", 403), (None, 302)])
def test_only_leads_edit(world, who, status) -> None:  # type: ignore[no-untyped-def]
    url = f"/objectives/{world.objective.pk}/edit/"
    assert world.client(who).post(url, {"title": "Hijacked"}).status_code == status
    world.objective.refresh_from_db()
    assert world.objective.title == "Grow the community"


def test_private_objective_edit_is_404_for_outsiders(world) -> None:  # type: ignore[no-untyped-def]
    world.objective.visibility = "private"
    world.objective.save()
    assert (
        world.client("outsider").get(f"/objectives/{world.objective.pk}/edit/").status_code == 404
    )


def test_csrf_is_enforced_on_create(world) -> None:  # type: ignore[no-untyped-def]
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.lead)
    assert client.post("/objectives/new/", _form(world)).status_code == 403
    assert not Objective.objects.filter(code="O2").exists()


def test_reorder_moves_one_place_and_records_it(world) -> None:  # type: ignore[no-untyped-def]
    second = f.objective(team=world.team, period=world.period, title="Second", order=1)
    client = world.client("lead")
    response = client.post(f"/objectives/{second.pk}/move/", {"direction": "up"})
    assert response.status_code == 302
    order = list(
        Objective.objects.filter(team=world.team).order_by("order").values_list("pk", flat=True)
    )
    assert order == [second.pk, world.objective.pk]
    assert second.changes.get(action="moved").diff == {"position": [2, 1]}
    client.post(f"/objectives/{second.pk}/move/", {"direction": "up"})  # already first
    assert second.changes.filter(action="moved").count() == 1


def test_member_cannot_reorder(world) -> None:  # type: ignore[no-untyped-def]
    url = f"/objectives/{world.objective.pk}/move/"
    assert world.client("member").post(url, {"direction": "down"}).status_code == 403


def test_archive_and_restore(world) -> None:  # type: ignore[no-untyped-def]
    client = world.client("lead")
    url = f"/objectives/{world.objective.pk}/state/"
    assert client.post(url, {"action": "archive"}).status_code == 302
    world.objective.refresh_from_db()
    assert world.objective.state == "archived"
    assert "Grow the community" not in html(world.client(None).get("/"))
    client.post(url, {"action": "restore"})
    world.objective.refresh_from_db()
    assert world.objective.state == "draft"
    actions = list(world.objective.changes.order_by("at", "id").values_list("action", flat=True))
    assert actions == ["archived", "restored"]
    assert world.client("member").post(url, {"action": "archive"}).status_code == 403


def test_edit_form_query_count_does_not_grow_with_objectives(world) -> None:  # type: ignore[no-untyped-def]
    def grow() -> None:
        for _ in range(10):
            f.objective(team=world.team, period=world.period)
            f.membership(f.person(), world.team)

    small, large = query_counts(
        world.client("lead"), f"/objectives/{world.objective.pk}/edit/", grow
    )
    assert small == large
    small, large = query_counts(world.client("lead"), "/objectives/new/?team=reps", grow)
    assert small == large


def test_owner_must_belong_to_the_chosen_team(world) -> None:  # type: ignore[no-untyped-def]
    response = world.client("lead").post("/objectives/new/", _form(world, owner=world.outsider.pk))
    assert response.status_code == 400 and 'id="id_owner_error"' in html(response)


def test_new_form_without_a_team_offers_owners_of_the_led_teams(world) -> None:  # type: ignore[no-untyped-def]
    page = html(world.client("lead").get("/objectives/new/"))
    assert f'<option value="{world.member.pk}">member</option>' in page
    assert f'<option value="{world.outsider.pk}">' not in page
