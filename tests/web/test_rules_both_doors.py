"""Rules of writes held by the services, so the page and the API behave the same: the same
action through both doors, outcomes compared. A computed key result is measured as soon as its
measure is set; an objective contributes only to objectives of its own period, and an archived
one to none."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client

from okrs.api.services import token_create
from okrs.goals import services as goals
from okrs.goals.models import Alignment, Change, KeyResult
from okrs.measures.models import Measurement, ParticipationEvent
from tests import factories as f

pytestmark = pytest.mark.django_db

COMPUTED = {"measure_kind": "distinct_people", "event": "feedback", "subject": ""}


def _api(person: Any, method: str, path: str, body: Any) -> Any:
    _, token = token_create(person=person, name="t")
    return Client().generic(
        method,
        "/api/v1" + path,
        json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )


def _form(kr: KeyResult, **fields: Any) -> dict[str, Any]:
    data = {"code": kr.code, "title": kr.title, "direction": "increase", "unit": "people",
            "baseline": "0", "target": "50", "weight": "1", "cadence": "weekly",
            "measure_kind": "manual"}  # fmt: skip
    return {**data, **fields}


def _feedback(*people: Any) -> None:
    for n, person in enumerate(people):
        ParticipationEvent.objects.create(
            person=person,
            kind="feedback",
            at=dt.datetime(2017, 2, 1 + n, tzinfo=dt.UTC),
            content_key=f"feedback-{n}",
        )


def test_setting_a_measure_measures_at_once_through_the_page_and_the_api(world) -> None:  # type: ignore[no-untyped-def]
    _feedback(world.member, world.viewer)
    through_page = world.kr
    through_api = f.key_result(objective=world.objective, code="KR2", title="Feedback", target=50)
    page = world.client("lead").post(
        f"/key-results/{through_page.pk}/edit/", _form(through_page, **COMPUTED)
    )
    assert page.status_code == 302
    api = _api(
        world.lead,
        "PUT",
        f"/key-results/{through_api.pk}/measure",
        {"kind": "distinct_people", "params": {"event": "feedback"}},
    )
    assert api.status_code == 200, api.content
    assert api.json()["value"] == 2.0  # measured before the answer
    for kr in (through_page, through_api):
        kr = KeyResult.objects.get(pk=kr.pk)
        assert (kr.measure_kind, kr.kept_value) == ("distinct_people", 2.0)
        assert Measurement.objects.get(key_result=kr).value == 2.0
        assert kr.checkins.filter(source="computed").count() == 1
        change = Change.objects.filter(key_result=kr, action="updated").latest("at")
        assert change.diff["measure_kind"] == ["manual", "distinct_people"]


def test_a_computed_key_result_created_on_the_page_is_measured_by_the_service(world) -> None:  # type: ignore[no-untyped-def]
    _feedback(world.member)
    new = KeyResult(code="KR7", title="Feedback")
    response = world.client("lead").post(
        f"/objectives/{world.objective.pk}/key-results/new/", _form(new, **COMPUTED)
    )
    assert response.status_code == 302
    kr = KeyResult.objects.get(code="KR7")
    assert kr.kept_value == 1.0
    # the service alone does the same, whoever calls it
    other = goals.key_result_create(
        objective=world.objective,
        actor=None,
        fields={"code": "KR6", "title": "Feedback", "target": 50.0,
                "measure_kind": "distinct_people", "measure_params": {"event": "feedback"}},
    )  # fmt: skip
    assert KeyResult.objects.get(pk=other.pk).kept_value == 1.0


def _align_through_both(world: Any, child: Any, parent: Any) -> tuple[Any, Any]:
    page = world.client("lead").post(
        f"/objectives/{child.pk}/align/", {"parent": parent.pk, "weight": "1"}
    )
    api = _api(world.lead, "POST", "/alignments", {"child": child.pk, "parent": parent.pk})
    return page, api


def test_an_objective_of_another_period_is_refused_through_both_doors(world) -> None:  # type: ignore[no-untyped-def]
    later = f.period("2017-Q2", start=dt.date(2017, 4, 1), end=dt.date(2017, 6, 30))
    parent = f.objective(team=world.parent, period=later, title="Next quarter", state="published")
    page, api = _align_through_both(world, world.objective, parent)
    assert page.status_code == 400
    assert api.status_code == 422 and api.json()["field"] == "parent"
    assert "is an objective of 2017-Q2" in api.json()["message"]
    assert not Alignment.objects.exists()


def test_an_archived_objective_is_refused_through_both_doors(world) -> None:  # type: ignore[no-untyped-def]
    parent = f.objective(team=world.parent, period=world.period, title="CDT", state="published")
    goals.objective_archive(objective=world.objective, actor=None)
    page, api = _align_through_both(world, world.objective, parent)
    assert page.status_code == 302 and not Alignment.objects.exists()
    assert api.status_code == 422 and "archived" in api.json()["message"]
    assert not Alignment.objects.exists()


def _objective_form(world: Any, **overrides: Any) -> dict[str, Any]:
    data = {"team": world.team.pk, "period": world.period.pk, "code": "O2", "title": "Activate",
            "commitment": "committed", "weight": "1", "visibility": "team"}  # fmt: skip
    return {**data, **overrides}


@pytest.mark.parametrize("who", ["viewer", "outsider"])
def test_an_owner_outside_the_teams_leads_and_members_is_refused_through_both_doors(
    world: Any, who: str
) -> None:
    owner = getattr(world, who)
    page = world.client("lead").post("/objectives/new/", _objective_form(world, owner=owner.pk))
    api = _api(
        world.lead,
        "POST",
        "/objectives",
        {"team": "reps", "period": "2017-Q1", "title": "Activate", "owner": who},
    )
    assert page.status_code == 400
    assert api.status_code == 422 and api.json()["field"] == "owner", api.content
    assert not world.objective.team.objectives.filter(title="Activate").exists()
    kr_api = _api(world.lead, "PATCH", f"/key-results/{world.kr.pk}", {"owner": who})
    kr_page = world.client("lead").post(
        f"/key-results/{world.kr.pk}/edit/", _form(world.kr, owner=owner.pk)
    )
    assert kr_api.status_code == 422 and kr_page.status_code == 400
    assert KeyResult.objects.get(pk=world.kr.pk).owner is None
    # a member may own both, through either door
    member = _api(
        world.lead, "POST", "/objectives",
        {"team": "reps", "period": "2017-Q1", "title": "Activate", "owner": "member"},
    )  # fmt: skip
    assert member.status_code == 201
