"""The delivery log and subscriptions: visible to the team's leads only, in pages and the API."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from okrs.api.services import token_create
from okrs.goals.services import checkin_create
from okrs.hooks.models import Subscription
from okrs.hooks.sender import deliver_due
from okrs.hooks.services import subscription_create
from tests import factories as f
from tests.worker.queue import tell_status_changes

pytestmark = pytest.mark.django_db

IN_PERIOD = dt.datetime(2017, 2, 1, 10, tzinfo=dt.UTC)
"""A moment inside the fixtures' period (2017-Q1): check-ins carry the day they are for."""


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_lead_subscribes_on_the_page_and_sees_the_log(cast: Any, receiver: Any) -> None:
    client = _client(cast.lead)
    response = client.post(
        "/teams/reps/webhooks/", {"url": receiver.url, "events": ["checkin.recorded"]}
    )
    assert response.status_code == 200
    hook = Subscription.objects.get()
    assert hook.secret.encode() in response.content
    receiver.status = 503
    checkin_create(key_result=cast.kr, value=1, author=cast.member, at=IN_PERIOD)
    tell_status_changes()
    deliver_due()
    page = client.get("/teams/reps/webhooks/")
    assert b"HTTP 503" in page.content and b"checkin.recorded" in page.content
    assert hook.secret.encode() not in page.content


def test_page_is_for_leads_only(cast: Any) -> None:
    assert _client(cast.member).get("/teams/reps/webhooks/").status_code == 403
    hidden = f.team("council", visibility="private")
    assert _client(cast.outsider).get(f"/teams/{hidden.slug}/webhooks/").status_code == 404


def test_page_queries_do_not_grow_with_the_log(cast: Any, receiver: Any) -> None:
    receiver.status = 500
    subscription_create(
        team=cast.team, url=receiver.url, events=["checkin.recorded"], created_by=cast.lead
    )
    client = _client(cast.lead)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/teams/reps/webhooks/").status_code == 200
        return len(queries)

    checkin_create(key_result=cast.kr, value=1, author=None, at=IN_PERIOD)
    tell_status_changes()
    deliver_due()
    few = count()
    for value in range(8):
        checkin_create(key_result=cast.kr, value=value, author=None, at=IN_PERIOD)
    tell_status_changes()
    deliver_due()
    assert count() == few


def test_api_subscription_and_delivery_log_for_the_lead(cast: Any, receiver: Any) -> None:
    _, token = token_create(person=cast.lead, name="t")
    bearer = {"Authorization": f"Bearer {token}"}
    created = Client().post(
        "/api/v1/teams/reps/webhooks",
        {"url": receiver.url, "events": ["checkin.recorded"]},
        content_type="application/json",
        headers=bearer,
    )
    assert created.status_code == 201, created.content
    hook = created.json()
    assert hook["secret"]
    receiver.status = 500
    checkin_create(key_result=cast.kr, value=1, author=None, at=IN_PERIOD)
    tell_status_changes()
    deliver_due()
    log = Client().get(f"/api/v1/webhooks/{hook['id']}/deliveries", headers=bearer).json()
    [delivery] = log["items"]
    assert delivery["attempts"] == 1 and delivery["log"][0]["status_code"] == 500
    listed = Client().get("/api/v1/teams/reps/webhooks", headers=bearer).json()["items"]
    assert "secret" not in listed[0]


def test_api_webhooks_refuse_members_and_hide_from_outsiders(cast: Any) -> None:
    hook = subscription_create(
        team=cast.team, url="http://127.0.0.1:9/", events=["checkin.recorded"], created_by=None
    )
    _, member = token_create(person=cast.member, name="t")
    response = Client().get(
        f"/api/v1/webhooks/{hook.pk}/deliveries", headers={"Authorization": f"Bearer {member}"}
    )
    assert response.status_code == 403
    hidden = f.team("council", visibility="private")
    secret_hook = subscription_create(
        team=hidden, url="http://127.0.0.1:9/", events=["checkin.recorded"], created_by=None
    )
    _, outsider = token_create(person=cast.outsider, name="t")
    response = Client().delete(
        f"/api/v1/webhooks/{secret_hook.pk}", headers={"Authorization": f"Bearer {outsider}"}
    )
    assert response.status_code == 404
    assert Subscription.objects.filter(pk=secret_hook.pk).exists()
