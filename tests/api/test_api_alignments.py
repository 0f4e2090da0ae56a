"""Alignment: listing hides links to objectives the caller may not read; writes need the child."""

from __future__ import annotations

from typing import Any

import pytest

from okrs.goals.models import Alignment
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_links_to_private_objectives_are_hidden(world: Any) -> None:
    parent = f.objective(team=f.team("cdt"), period=world.period, title="CDT goal")
    f.align(world.objective, parent)
    f.align(world.private, parent)
    anonymous = world.api().get("/alignments").json()["items"]
    member = world.api(world.member).get("/alignments", objective=parent.pk).json()["items"]
    assert [a["child"] for a in anonymous] == [world.objective.pk]
    assert sorted(a["child"] for a in member) == sorted([world.objective.pk, world.private.pk])


def test_lead_aligns_and_unaligns(world: Any) -> None:
    parent = f.objective(team=f.team("cdt"), period=world.period, title="CDT goal")
    api = world.api(world.lead)
    created = api.post(
        "/alignments", {"child": world.objective.pk, "parent": parent.pk, "weight": 2}
    )
    assert created.status_code == 201, created.content
    again = api.post("/alignments", {"child": world.objective.pk, "parent": parent.pk})
    assert again.status_code == 409
    cycle = world.api(world.lead).post(
        "/alignments", {"child": world.objective.pk, "parent": world.objective.pk}
    )
    assert cycle.status_code == 422 and cycle.json()["field"] == "parent"
    assert api.delete(f"/alignments/{created.json()['id']}").status_code == 204
    assert api.get("/alignments").json()["items"] == []


def test_member_cannot_align(world: Any) -> None:
    parent = f.objective(team=f.team("cdt"), period=world.period)
    response = world.api(world.member).post(
        "/alignments", {"child": world.objective.pk, "parent": parent.pk}
    )
    assert response.status_code == 403


def test_aligning_an_archived_objective_is_refused_by_the_api_as_by_the_page(
    world: Any, client: Any
) -> None:
    parent = f.objective(team=f.team("cdt"), period=world.period, title="CDT goal")
    world.objective.state = "archived"
    world.objective.save(update_fields=["state"])
    api = world.api(world.lead)
    refused = api.post("/alignments", {"child": world.objective.pk, "parent": parent.pk})
    assert refused.status_code == 422 and "archived" in refused.json()["message"]
    client.force_login(world.lead)
    page = client.post(
        f"/objectives/{world.objective.pk}/align/", {"parent": parent.pk}, follow=True
    )
    assert "archived" in page.content.decode()
    assert not Alignment.objects.exists()  # neither door aligned it
