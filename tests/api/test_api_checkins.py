"""Check-ins through the API: appended, never lost, also under concurrency."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from okrs.api.services import token_create
from okrs.goals.models import CheckIn
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_member_records_a_check_in(world: Any) -> None:
    api = world.api(world.member)
    response = api.post(
        f"/key-results/{world.kr.pk}/checkins",
        {"value": 20, "confidence": 0.7, "note": "Good week", "at": "2017-02-01T10:00:00Z"},
    )
    assert response.status_code == 201, response.content
    kr = api.get(f"/key-results/{world.kr.pk}").json()
    assert kr["value"] == 20 and kr["confidence"] == 0.7
    history = api.get(f"/key-results/{world.kr.pk}/checkins").json()["items"]
    assert [c["note"] for c in history] == ["Good week"]


def test_check_ins_append_never_overwrite(world: Any) -> None:
    api = world.api(world.member)
    for value in (10, 20, 30):
        api.post(
            f"/key-results/{world.kr.pk}/checkins", {"value": value, "at": "2017-02-01T10:00:00Z"}
        )
    assert sorted(world.kr.checkins.values_list("value", flat=True)) == [10, 20, 30]


def test_outsider_cannot_check_in(world: Any) -> None:
    api = world.api(world.outsider)
    assert api.post(f"/key-results/{world.kr.pk}/checkins", {"value": 1}).status_code == 403
    assert api.post(f"/key-results/{world.private_kr.pk}/checkins", {"value": 1}).status_code == 404
    assert CheckIn.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_check_ins_both_land() -> None:
    team = f.team("reps")
    people = [f.person(f"p{i}") for i in range(2)]
    for p in people:
        f.membership(p, team, "member")
    kr = f.key_result(objective=f.objective(team=team))
    tokens = [token_create(person=p, name="t")[1] for p in people]
    barrier = threading.Barrier(2)
    statuses: list[int] = []

    def post(token: str, value: float) -> None:
        try:
            barrier.wait()
            response = Client().post(
                f"/api/v1/key-results/{kr.pk}/checkins",
                {"value": value, "at": "2017-02-01T10:00:00Z"},
                content_type="application/json",
                headers={"Authorization": f"Bearer {token}"},
            )
            statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=post, args=(t, v)) for t, v in zip(tokens, (5, 7), strict=True)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert statuses == [201, 201]
    assert sorted(CheckIn.objects.filter(key_result=kr).values_list("value", flat=True)) == [5, 7]
