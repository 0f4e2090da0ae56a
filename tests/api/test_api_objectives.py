"""Objectives: visibility, filters, create, PATCH with ETag / If-Match, bounded queries."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories as f

pytestmark = pytest.mark.django_db


def test_outsider_token_gets_404_for_a_private_objective(world: Any) -> None:
    api = world.api(world.outsider)
    response = api.get(f"/objectives/{world.private.pk}")
    missing = api.get("/objectives/999999")
    assert response.status_code == 404
    assert response.json() == missing.json()  # indistinguishable from a missing one
    titles = [o["title"] for o in api.get("/objectives").json()["items"]]
    assert titles == ["Grow the community"]
    assert api.get(f"/key-results/{world.private_kr.pk}").status_code == 404
    assert api.get(f"/key-results/{world.private_kr.pk}/checkins").status_code == 404


def test_member_reads_the_private_objective(world: Any) -> None:
    api = world.api(world.member)
    assert api.get(f"/objectives/{world.private.pk}").json()["title"] == "Secret plans"
    assert len(api.get("/objectives").json()["items"]) == 2


def test_anonymous_reads_published_public_objectives(world: Any) -> None:
    f.objective(team=world.team, period=world.period, title="Draft", state="draft")
    items = world.api().get("/objectives").json()["items"]
    assert [o["code"] for o in items] == ["O1"]


def test_filters_by_period_team_owner_state(world: Any) -> None:
    other_period = f.period("2017-Q2", start="2017-04-01", end="2017-06-30")
    other_team = f.team("mobilizers")
    f.objective(team=other_team, period=other_period, title="Elsewhere", owner=world.lead)
    api = world.api(world.member)
    by = lambda **q: [o["title"] for o in api.get("/objectives", **q).json()["items"]]  # noqa: E731
    assert by(period="2017-Q2") == ["Elsewhere"]
    assert by(period="1999-Q9") == []  # no such period: none, not all
    assert by(team="reps") == ["Grow the community", "Secret plans"]
    assert by(owner="lead") == ["Elsewhere"]
    assert by(state="draft") == []


def test_cursor_pagination_walks_every_objective_once(world: Any) -> None:
    for i in range(7):
        f.objective(team=world.team, period=world.period, title=f"More {i}")
    api = world.api(world.member)
    seen, cursor = [], None
    while True:
        params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        body = api.get("/objectives", **params).json()
        seen += [o["id"] for o in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == 9 == len(set(seen))
    bad = api.get("/objectives", cursor="???")
    assert bad.status_code in (400, 422) and bad.json()["field"] == "cursor"


def test_list_runs_the_same_queries_for_few_and_many(world: Any) -> None:
    api = world.api(world.member)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert api.get("/objectives").status_code == 200
        return len(queries)

    count()  # the first use of a token records when it was used
    few = count()
    owner = f.person()
    for i in range(15):
        f.objective(team=world.team, period=world.period, title=f"O{i}", owner=owner)
    assert count() == few


def test_lead_creates_an_objective(world: Any) -> None:
    api = world.api(world.lead)
    response = api.post(
        "/objectives",
        {"team": "reps", "period": "2017-Q1", "title": "Onboard mentors", "owner": "member"},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["state"] == "draft" and body["owner"] == "member"
    assert response["ETag"] and response["Location"].endswith(f"/{body['id']}")


def test_member_cannot_create_and_outsider_cannot_see_private_team(world: Any) -> None:
    body = {"team": "reps", "period": "2017-Q1", "title": "Mine"}
    assert world.api(world.member).post("/objectives", body).status_code == 403
    hidden = f.team("council", visibility="private")
    response = world.api(world.outsider).post("/objectives", {**body, "team": hidden.slug})
    assert response.status_code == 404


def test_unknown_period_is_422_naming_the_field(world: Any) -> None:
    response = world.api(world.lead).post(
        "/objectives", {"team": "reps", "period": "1999-Q9", "title": "X"}
    )
    assert response.status_code == 422
    assert response.json()["field"] == "period"


def test_duplicate_code_is_409(world: Any) -> None:
    response = world.api(world.lead).post(
        "/objectives", {"team": "reps", "period": "2017-Q1", "title": "X", "code": "O1"}
    )
    assert response.status_code == 409
    assert response.json()["code"] == "conflict"


def test_stale_if_match_gets_412_and_changes_nothing(world: Any) -> None:
    api = world.api(world.lead)
    url = f"/objectives/{world.objective.pk}"
    etag = api.get(url)["ETag"]
    first = api.patch(url, {"title": "First edit"}, headers={"If-Match": etag})
    assert first.status_code == 200
    assert first["ETag"] != etag
    stale = api.patch(url, {"title": "Second edit"}, headers={"If-Match": etag})
    assert stale.status_code == 412
    assert stale.json()["code"] == "precondition_failed"
    assert api.get(url).json()["title"] == "First edit"
    fresh = api.patch(url, {"title": "Second edit"}, headers={"If-Match": first["ETag"]})
    assert fresh.status_code == 200 and fresh.json()["title"] == "Second edit"


def test_patch_only_changes_sent_fields_and_validates(world: Any) -> None:
    api = world.api(world.lead)
    url = f"/objectives/{world.objective.pk}"
    response = api.patch(url, {"weight": 2.5})
    assert response.json()["weight"] == 2.5
    assert response.json()["title"] == "Grow the community"
    bad = api.patch(url, {"weight": -1})
    assert bad.status_code == 422 and bad.json()["field"] == "weight"
    assert world.api(world.member).patch(url, {"weight": 3}).status_code == 403
