"""Deliveries: signed, sent after commit off the request, retried with backoff, logged."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone

from okrs.api.services import token_create
from okrs.core.webhooks import SIGNATURE_HEADER, sign, verify
from okrs.goals.services import checkin_create, objective_create, objective_move, objective_update
from okrs.hooks.models import Attempt, Delivery, DeliveryState
from okrs.hooks.sender import deliver_due
from okrs.hooks.services import subscription_create
from tests import factories as f
from tests.worker.queue import tell_status_changes

pytestmark = pytest.mark.django_db

IN_PERIOD = dt.datetime(2017, 2, 1, 10, tzinfo=dt.UTC)
"""A moment inside the fixtures' period (2017-Q1): check-ins carry the day they are for."""


def _subscribe(cast: Any, url: str, events: list[str]) -> Any:
    return subscription_create(team=cast.team, url=url, events=events, created_by=cast.lead)


def test_receiver_gets_a_correctly_signed_check_in(cast: Any, receiver: Any) -> None:
    hook = _subscribe(cast, receiver.url, ["checkin.recorded"])
    _, token = token_create(person=cast.member, name="t")
    response = Client().post(
        f"/api/v1/key-results/{cast.kr.pk}/checkins",
        {"value": 10, "note": "first", "at": "2017-02-01T10:00:00Z"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 201
    assert receiver.received == []  # nothing is sent inside the request
    assert tell_status_changes() == 1  # the first value changed the status: the worker tells
    assert deliver_due() == 1
    [got] = receiver.received
    assert got["headers"]["X-Okrs-Event"] == "checkin.recorded"
    assert verify(hook.secret, got["body"], got["headers"][SIGNATURE_HEADER])
    assert not verify("another secret", got["body"], got["headers"][SIGNATURE_HEADER])
    body = json.loads(got["body"])
    assert body["team"] == "reps"
    assert body["data"]["checkin"]["value"] == 10
    assert body["data"]["key_result"]["id"] == cast.kr.pk
    delivery = Delivery.objects.get()
    assert delivery.state == DeliveryState.DELIVERED and delivery.attempts == 1


def test_signature_is_hmac_sha256_of_the_body() -> None:
    import hashlib
    import hmac

    expected = hmac.new(b"k", b"{}", hashlib.sha256).hexdigest()
    assert sign("k", b"{}") == f"sha256={expected}"


def test_failing_receiver_gets_retries_with_backoff_and_they_are_logged(
    cast: Any, receiver: Any, settings: Any
) -> None:
    settings.OKRS_WEBHOOK_MAX_ATTEMPTS = 3
    receiver.status = 500
    _subscribe(cast, receiver.url, ["checkin.recorded"])
    checkin_create(key_result=cast.kr, value=5, author=cast.member, at=IN_PERIOD)
    tell_status_changes()
    start = timezone.now()
    assert deliver_due(now=start) == 1
    delivery = Delivery.objects.get()
    assert delivery.state == DeliveryState.PENDING
    assert delivery.next_attempt_at == start + dt.timedelta(seconds=30)
    assert deliver_due(now=start + dt.timedelta(seconds=29)) == 0  # not due yet
    assert deliver_due(now=start + dt.timedelta(seconds=30)) == 1
    delivery.refresh_from_db()
    assert delivery.next_attempt_at == start + dt.timedelta(seconds=30 + 60)
    assert deliver_due(now=start + dt.timedelta(seconds=90)) == 1
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.FAILED and delivery.attempts == 3
    log = list(Attempt.objects.filter(delivery=delivery).values_list("status_code", "error"))
    assert log == [(500, "HTTP 500")] * 3
    assert len(receiver.received) == 3
    assert deliver_due(now=start + dt.timedelta(days=1)) == 0  # given up


def test_unreachable_receiver_is_logged_and_retried(cast: Any, receiver: Any) -> None:
    _subscribe(cast, "http://127.0.0.1:9/nothing-listens", ["checkin.recorded"])
    checkin_create(key_result=cast.kr, value=5, author=cast.member, at=IN_PERIOD)
    tell_status_changes()
    assert deliver_due() == 1
    attempt = Attempt.objects.get()
    assert attempt.status_code is None and "ConnectError" in attempt.error
    assert Delivery.objects.get().state == DeliveryState.PENDING


def test_rolled_back_change_queues_nothing(cast: Any, receiver: Any) -> None:
    _subscribe(cast, receiver.url, ["checkin.recorded"])
    with pytest.raises(RuntimeError), transaction.atomic():
        checkin_create(key_result=cast.kr, value=5, author=cast.member, at=IN_PERIOD)
        raise RuntimeError("abort")
    assert Delivery.objects.count() == 0


def test_status_change_objective_and_packet_events(cast: Any, receiver: Any) -> None:
    _subscribe(
        cast,
        receiver.url,
        ["status.changed", "objective.created", "objective.changed", "packet.changed"],
    )
    checkin_create(key_result=cast.kr, value=50, author=cast.member, confidence=1.0, at=IN_PERIOD)
    tell_status_changes()
    another = objective_create(team=cast.team, period=cast.objective.period, title="Another",
                               actor=cast.lead)  # fmt: skip
    objective_update(objective=cast.objective, actor=cast.lead, changes={"title": "Grow more"})
    # a save outside the services notifies nobody (no post_save), nor does a move in the list
    cast.objective.save()
    objective_move(objective=another, actor=cast.lead, direction="up")
    from okrs.heartbeats.models import WorkPacket
    from okrs.heartbeats.services import packet_create

    WorkPacket.objects.create(team=cast.team, title="Around the services")  # no event
    packet_create(team=cast.team, title="Write the guide", actor=cast.lead)
    events = list(Delivery.objects.order_by("id").values_list("event", flat=True))
    assert events == ["status.changed", "objective.created", "objective.changed", "packet.changed"]
    status = Delivery.objects.get(event="status.changed").payload
    assert status["from"] == "no_data" and status["to"] != "no_data"


def test_status_changed_only_when_the_latest_check_in_changes_it(cast: Any, receiver: Any) -> None:
    _subscribe(cast, receiver.url, ["status.changed"])
    checkin_create(key_result=cast.kr, value=50, author=cast.member, confidence=1.0, at=IN_PERIOD)
    checkin_create(
        key_result=cast.kr, value=50, author=cast.member, confidence=1.0, at=IN_PERIOD
    )  # same
    earlier = IN_PERIOD - dt.timedelta(days=1)
    checkin_create(key_result=cast.kr, value=0, author=cast.member, at=earlier)  # back-dated
    tell_status_changes()
    assert list(Delivery.objects.values_list("event", flat=True)) == ["status.changed"]


def test_other_teams_events_are_not_sent(cast: Any, receiver: Any) -> None:
    _subscribe(cast, receiver.url, ["checkin.recorded", "objective.created"])
    other = f.key_result(objective=f.objective(team=f.team("elsewhere")))
    checkin_create(key_result=other, value=1, author=None, at=IN_PERIOD)
    assert Delivery.objects.count() == 0


def test_each_delivery_becomes_a_worker_task_after_commit(
    cast: Any, receiver: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from django_tasks_db.models import DBTaskResult

    _subscribe(cast, receiver.url, ["checkin.recorded", "status.changed"])
    with django_capture_on_commit_callbacks(execute=True):
        checkin_create(
            key_result=cast.kr, value=50, author=cast.member, confidence=1.0, at=IN_PERIOD
        )
        # the status changed: one outbox row in the check-in's transaction, nothing else
        [told] = DBTaskResult.objects.all()
        assert told.task_path == "okrs.goals.tasks.tell_status_change"
        assert not Delivery.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert tell_status_changes() == 1  # the worker writes the deliveries, then queues them
    tasks = DBTaskResult.objects.filter(task_path="okrs.hooks.tasks.deliver_webhook")
    ids = sorted(Delivery.objects.values_list("pk", flat=True))
    assert [t.task_path for t in tasks] == ["okrs.hooks.tasks.deliver_webhook"] * 2
    assert sorted(t.args_kwargs["args"][0] for t in tasks) == ids
    assert receiver.received == []  # queued, not sent in the request


def test_a_failed_attempt_queues_its_retry_and_fails_with_the_reason(
    cast: Any, receiver: Any, settings: Any
) -> None:
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from okrs.hooks.tasks import DeliveryFailed, deliver_webhook

    receiver.status = 503
    _subscribe(cast, receiver.url, ["checkin.recorded"])
    checkin_create(key_result=cast.kr, value=5, author=cast.member, at=IN_PERIOD)
    tell_status_changes()
    delivery = Delivery.objects.get()
    with pytest.raises(DeliveryFailed, match="HTTP 503; attempt 1, retrying at"):
        deliver_webhook.call(delivery.pk)
    delivery.refresh_from_db()
    [retry] = DBTaskResult.objects.filter(task_path="okrs.hooks.tasks.deliver_webhook")
    assert retry.status == TaskResultStatus.READY
    assert retry.run_after == delivery.next_attempt_at
    assert retry.args_kwargs["args"] == [delivery.pk]
    receiver.status = 200
    with freeze(delivery.next_attempt_at):
        assert deliver_webhook.call(delivery.pk) == "delivered (HTTP 200)"
    assert deliver_webhook.call(delivery.pk).startswith("nothing to do")  # a duplicate is harmless
    assert len(receiver.received) == 2


def freeze(moment: dt.datetime) -> Any:
    from unittest import mock

    return mock.patch("okrs.hooks.sender.timezone.now", return_value=moment)
