"""A team connects chat channels and picks what goes there; deliveries go through the worker
with retries and the webhooks' address checks; private stays private."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from okrs.chat import digest
from okrs.chat.models import Channel, Message, MessageState
from okrs.chat.services import channel_create
from okrs.chat.tasks import ChatDeliveryFailed, deliver_chat_message
from okrs.goals import services as goals
from okrs.goals.services import checkin_create
from okrs.talk.services import offer_make
from tests import factories as f
from tests.worker.queue import tell_status_changes

IN_PERIOD = dt.datetime(2017, 2, 1, 10, tzinfo=dt.UTC)
"""Inside the fixtures' period (2017-Q1): check-ins carry the day they are for."""


def _connect(
    cast: Any, url: str, kind: str = "slack", topics: tuple[str, ...] = ("status",)
) -> Channel:
    return channel_create(
        lead=cast.lead, team=cast.team, name="#reps", kind=kind, url=url, topics=topics
    )


def _bodies(receiver: Any) -> list[dict[str, Any]]:
    return [json.loads(r["body"]) for r in receiver.received]


def test_status_change_reaches_slack_through_the_worker(
    cast, receiver, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    from django_tasks_db.models import DBTaskResult

    _connect(cast, receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        checkin_create(
            key_result=cast.kr, value=50, author=cast.member, confidence=1.0, at=IN_PERIOD
        )
    assert not Message.objects.exists()  # the check-in wrote one outbox row, no message yet
    with django_capture_on_commit_callbacks(execute=True):
        assert tell_status_changes() == 1  # the worker writes the message, then queues it
    [message] = Message.objects.all()
    assert "is now on track" in message.body["text"] and "50 Reps" in message.body["text"]
    assert receiver.received == []  # queued, not sent in the request
    [task] = DBTaskResult.objects.filter(task_path="okrs.chat.tasks.deliver_chat_message")
    assert task.args_kwargs["args"] == [message.pk]
    assert deliver_chat_message.call(message.pk) == "delivered (HTTP 200)"
    [got] = _bodies(receiver)
    assert got == message.body
    message.refresh_from_db()
    assert message.state == MessageState.DELIVERED


def test_a_failure_is_retried_by_a_new_task(cast, receiver, settings) -> None:  # type: ignore[no-untyped-def]
    from unittest import mock

    from django_tasks_db.models import DBTaskResult

    receiver.status = 500
    _connect(cast, receiver.url, "discord")
    checkin_create(key_result=cast.kr, value=50, author=cast.member, confidence=1.0, at=IN_PERIOD)
    tell_status_changes()
    message = Message.objects.get()
    with pytest.raises(ChatDeliveryFailed, match="HTTP 500; attempt 1, retrying at"):
        deliver_chat_message.call(message.pk)
    message.refresh_from_db()
    [retry] = DBTaskResult.objects.filter(task_path="okrs.chat.tasks.deliver_chat_message")
    assert retry.run_after == message.next_attempt_at
    receiver.status = 204
    with mock.patch("okrs.chat.sender.timezone.now", return_value=message.next_attempt_at):
        assert deliver_chat_message.call(message.pk) == "delivered (HTTP 204)"
    assert len(receiver.received) == 2 and "content" in _bodies(receiver)[0]


def test_same_address_checks_as_webhooks(cast, receiver, settings) -> None:  # type: ignore[no-untyped-def]
    settings.OKRS_WEBHOOK_ALLOW_PRIVATE = False
    with pytest.raises(ValidationError, match="not a public address"):
        _connect(cast, receiver.url)
    with pytest.raises(ValidationError, match="http"):
        _connect(cast, "ftp://example.org/hook")
    # saved while allowed, refused at the attempt once the rule is on again
    settings.OKRS_WEBHOOK_ALLOW_PRIVATE = True
    _connect(cast, receiver.url)
    checkin_create(key_result=cast.kr, value=50, author=cast.member, confidence=1.0, at=IN_PERIOD)
    tell_status_changes()
    settings.OKRS_WEBHOOK_ALLOW_PRIVATE = False
    message = Message.objects.get()
    with pytest.raises(ChatDeliveryFailed, match="refused"):
        deliver_chat_message.call(message.pk)
    assert receiver.received == []


def test_only_chosen_topics_go_to_a_channel(cast, receiver) -> None:  # type: ignore[no-untyped-def]
    _connect(cast, receiver.url, topics=("offer",))
    checkin_create(key_result=cast.kr, value=50, author=cast.member, confidence=1.0, at=IN_PERIOD)
    assert tell_status_changes() == 1 and not Message.objects.exists()
    offer_make(target=cast.objective, person=cast.outsider, note="I can run a meetup")
    [message] = Message.objects.all()
    assert "Someone offered to help with “Grow”" in message.body["text"]
    assert "outsider" not in message.body["text"]  # who offers is not named


def test_review_waiting_goes_to_the_reviewing_team(cast, receiver) -> None:  # type: ignore[no-untyped-def]
    parent = f.team("cdt", name="Community Development")
    cast.team.parent = parent
    cast.team.save()
    f.membership(cast.lead, parent, "lead")
    channel_create(
        lead=cast.lead,
        team=parent,
        name="#cdt",
        kind="mattermost",
        url=receiver.url,
        topics=["review"],
    )
    draft = f.objective(team=cast.team, title="Welcome newcomers", state="draft")
    goals.objective_propose(objective=draft, actor=cast.lead)
    [message] = Message.objects.all()
    assert (
        "Welcome newcomers" in message.body["text"]
        and "review by Community Development" in message.body["text"]
    )


def test_private_stays_private(cast, receiver) -> None:  # type: ignore[no-untyped-def]
    _connect(cast, receiver.url, topics=("status", "offer", "review", "digest"))
    secret = f.objective(team=cast.team, title="Quiet plan", visibility="private")
    secret_kr = f.key_result(objective=secret, title="Quiet KR", target=10)
    checkin_create(key_result=secret_kr, value=10, author=cast.member, confidence=1.0, at=IN_PERIOD)
    assert tell_status_changes() == 1  # the status changed, and the worker tells no channel
    offer_make(target=secret, person=cast.member, note="me")
    draft = f.objective(team=cast.team, title="Secret draft", state="draft", visibility="private")
    assert draft.pk and not Message.objects.exists()
    # a private team cannot connect a channel at all
    council = f.team("council", visibility="private")
    f.membership(cast.lead, council, "lead")
    with pytest.raises(ValidationError, match="private team"):
        channel_create(
            lead=cast.lead,
            team=council,
            name="#c",
            kind="slack",
            url=receiver.url,
            topics=["status"],
        )
    # the digest lists the public objective only
    digest.send_weekly(cast.objective.period)
    [message] = Message.objects.all()
    assert "Grow" in message.body["text"] and "Quiet plan" not in message.body["text"]


def test_channels_page_is_for_leads_and_hides_the_secret(cast, receiver) -> None:  # type: ignore[no-untyped-def]
    council = f.team("council", visibility="private")
    lead = Client()
    lead.force_login(cast.lead)
    response = lead.post(
        "/teams/reps/chat/",
        {
            "name": "#reps",
            "kind": "slack",
            "url": receiver.url + "/T000/B000/XXXX",
            "topics": ["status", "digest"],
        },
    )
    assert response.status_code == 302
    page = lead.get("/teams/reps/chat/").content.decode()
    assert "#reps" in page and "XXXX" not in page and "http://127.0.0.1/…" in page
    member = Client()
    member.force_login(cast.member)
    assert member.get("/teams/reps/chat/").status_code == 403
    assert member.get(f"/teams/{council.slug}/chat/").status_code == 404
    bad = lead.post("/teams/reps/chat/", {"name": "x", "kind": "teams", "url": "nope"})
    assert "Select a valid choice" in bad.content.decode()
    channel = Channel.objects.get()
    assert member.post(f"/teams/reps/chat/{channel.pk}/remove/").status_code == 403
    assert lead.post(f"/teams/reps/chat/{channel.pk}/remove/").status_code == 302
    assert not Channel.objects.exists()


def test_published_post_goes_to_the_channels_that_chose_it(cast, receiver) -> None:  # type: ignore[no-untyped-def]
    import io

    from django.core.management import call_command

    _connect(cast, receiver.url, "matrix", topics=("post",))
    checkin_create(key_result=cast.kr, value=25, author=cast.member, at=IN_PERIOD)
    err = io.StringIO()
    call_command("publish", "--period", "2017-Q1", "--chat", stdout=io.StringIO(), stderr=err)
    assert "queued for 1 chat channel(s)" in err.getvalue()
    [message] = Message.objects.filter(topic="post")
    assert "The OKRs of Reps for 2017-Q1 are published" in message.body["text"]
    assert "<li>Grow: " in message.body["html"]
