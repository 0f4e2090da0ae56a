"""Key results: scores in the listing, filters, create and PATCH with If-Match, bounded queries."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from okrs.goals import services as goal_services
from okrs.goals.models import Change
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_key_result_carries_its_latest_value_and_score(world: Any) -> None:
    f.checkin(world.kr, 25, "2017-02-01T00:00:00")
    body = world.api().get(f"/key-results/{world.kr.pk}").json()
    assert body["value"] == 25 and body["progress"] == 0.25
    assert body["status"] == "missed"  # read today, after the period: final, 25 % of the target


def test_filters_and_visibility(world: Any) -> None:
    other = f.key_result(objective=f.objective(team=f.team("mobilizers")), owner=world.lead)
    api = world.api(world.member)
    ids = lambda **q: {k["id"] for k in api.get("/key-results", **q).json()["items"]}  # noqa: E731
    assert ids(team="reps") == {world.kr.pk, world.private_kr.pk}
    assert ids(owner="lead") == {other.pk}
    assert ids(objective=world.objective.pk) == {world.kr.pk}
    assert world.private_kr.pk not in {
        k["id"] for k in world.api().get("/key-results").json()["items"]
    }


def test_list_queries_do_not_grow(world: Any) -> None:
    api = world.api()

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert api.get("/key-results").status_code == 200
        return len(queries)

    few = count()
    for i in range(12):
        kr = f.key_result(objective=world.objective, owner=f.person())
        f.checkin(kr, i, "2017-02-01T00:00:00")
    assert count() == few


def test_lead_creates_and_updates_with_history(world: Any) -> None:
    api = world.api(world.lead)
    created = api.post(
        "/key-results",
        {"objective": world.objective.pk, "title": "NPS above 11.5", "baseline": 5, "target": 11.5},
    )
    assert created.status_code == 201, created.content
    kr_id = created.json()["id"]
    etag = created["ETag"]
    changed = api.patch(f"/key-results/{kr_id}", {"target": 12}, headers={"If-Match": etag})
    assert changed.status_code == 200 and changed.json()["target"] == 12
    stale = api.patch(f"/key-results/{kr_id}", {"target": 13}, headers={"If-Match": etag})
    assert stale.status_code == 412
    assert Change.objects.filter(key_result_id=kr_id).count() == 2  # created, updated


def test_invalid_rule_is_422_with_the_field(world: Any) -> None:
    response = world.api(world.lead).post(
        "/key-results",
        {
            "objective": world.objective.pk,
            "title": "Down",
            "direction": "decrease",
            "baseline": 5,
            "target": 10,
        },
    )
    assert response.status_code == 422
    assert response.json()["message"]


def test_member_cannot_edit_and_outsider_cannot_see(world: Any) -> None:
    assert (
        world.api(world.member).patch(f"/key-results/{world.kr.pk}", {"title": "x"}).status_code
        == 403
    )
    response = world.api(world.outsider).patch(
        f"/key-results/{world.private_kr.pk}", {"title": "x"}
    )
    assert response.status_code == 404


def test_check_ins_read_checks_access_on_the_rule_fields_alone(world: Any) -> None:
    """`GET /key-results/{id}/checkins`: one query for the access check (only the columns the
    rule reads, nothing loaded lazily after), one for the page, for every kind of reader; a key
    result that does not exist is 404 for everyone."""
    f.checkin(world.private_kr, 3, "2017-02-01T00:00:00")
    in_review = f.key_result(
        objective=f.objective(team=f.team("child", parent=world.team), state="in_review")
    )
    admin = get_user_model().objects.create_user("root", is_superuser=True)
    cases = [
        (world.api(admin), world.private_kr, 200),
        (world.api(admin), f.key_result(objective=f.objective(state="draft")), 200),
        (world.api(), world.kr, 200),
        (world.api(), world.private_kr, 404),
        (world.api(world.outsider), world.private_kr, 404),
        (world.api(world.member), world.private_kr, 200),
        (world.api(world.lead), in_review, 200),  # the parent team's lead reviews it
        (world.api(world.member), in_review, 404),
        (world.api(), in_review, 404),  # not published: not public
        (world.api(), f.key_result(objective=f.objective(team=world.team, state="draft")), 404),
    ]
    for api, kr, status in cases:
        with CaptureQueriesContext(connection) as queries:
            response = api.get(f"/key-results/{kr.pk}/checkins")
        assert response.status_code == status, (kr, status)
        sql = [q["sql"] for q in queries if "goals_keyresult" in q["sql"]]
        assert len(sql) == 1 and '"goals_keyresult"."title"' not in sql[0]
        # a deferred field loaded later reads its own table by key
        lazy = ('FROM "goals_objective" WHERE', 'FROM "org_team" WHERE')
        assert not [q["sql"] for q in queries if any(table in q["sql"] for table in lazy)]
        assert api.get("/key-results/999999/checkins").status_code == 404
        if status == 200:
            assert [c["key_result"] for c in response.json()["items"]] == [
                kr.pk
            ] * kr.checkins.count()


def test_the_read_shows_the_latest_check_in_by_time_then_key(client: Any) -> None:
    kr = f.key_result()
    kr.objective.team.visibility = "public"
    kr.objective.team.save()
    f.checkin(kr, 3.0, "2017-01-05T10:00:00", confidence=0.5)
    f.checkin(kr, 7.0, "2017-01-05T10:00:00", confidence=0.9)  # same time, later key
    f.checkin(kr, 1.0, "2017-01-04T10:00:00")
    body = client.get(f"/api/v1/key-results/{kr.pk}").json()
    assert (body["value"], body["confidence"]) == (7.0, 0.9)
    assert body["last_checkin_at"] == "2017-01-05T10:00:00Z"


def _listed(api: Any, **query: Any) -> set[int]:
    response = api.get("/key-results", **query)
    assert response.status_code == 200, response.content
    return {k["id"] for k in response.json()["items"]}


def test_a_deleted_key_result_is_listed_only_when_asked_for(world: Any) -> None:
    gone = f.key_result(objective=world.objective, title="Dropped", code="KR2")
    goal_services.key_result_delete(key_result=gone, actor=world.lead)
    api = world.api(world.member)
    assert gone.pk not in _listed(api)
    assert gone.pk not in _listed(api, deleted="false")
    assert _listed(api, deleted="true") == _listed(api) | {gone.pk}
    assert _listed(api, deleted="true", objective=world.objective.pk) == {world.kr.pk, gone.pk}
    body = api.get(f"/key-results/{gone.pk}").json()  # read by its id, as its page is
    assert body["deleted_at"] is not None and body["archived"] is True
    assert api.get("/key-results", deleted="maybe").status_code == 422


def test_asking_for_deleted_key_results_reads_only_what_the_caller_may(world: Any) -> None:
    goal_services.key_result_delete(key_result=world.private_kr, actor=world.lead)
    assert world.private_kr.pk in _listed(world.api(world.member), deleted="true")
    assert world.private_kr.pk not in _listed(world.api(world.member))
    for stranger in (world.api(world.outsider), world.api()):
        assert world.private_kr.pk not in _listed(stranger, deleted="true")
        assert stranger.get(f"/key-results/{world.private_kr.pk}").status_code == 404


def test_the_schema_documents_the_deleted_parameter(world: Any) -> None:
    document = world.api().client.get("/api/v1/openapi.json").json()
    parameters = document["paths"]["/api/v1/key-results"]["get"]["parameters"]
    deleted = next(p for p in parameters if p["name"] == "deleted")
    assert deleted["in"] == "query" and deleted["required"] is False
    assert deleted["schema"]["type"] == "boolean" and deleted["schema"]["default"] is False
    assert "deleted key results" in deleted["description"]
