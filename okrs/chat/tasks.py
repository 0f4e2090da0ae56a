"""Chat deliveries as worker tasks (one per attempt, a retry is a new task, as webhooks'), the
sweep of due messages whose task was lost, and the weekly digest."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import task

from okrs.chat import digest, sender
from okrs.chat.models import MessageState
from okrs.chat.services import due_ids

STALE_AFTER = dt.timedelta(minutes=2)


class ChatDeliveryFailed(Exception):
    """One attempt failed; the message says why and what happens next."""


@task()
def deliver_chat_message(message_id: int) -> str:
    message = sender.deliver(message_id)
    if message is None:
        return "nothing to do (already sent, given up, not due or taken by another worker)"
    if message.state == MessageState.DELIVERED:
        return f"delivered (HTTP {message.last_status})"
    if message.state == MessageState.FAILED:
        raise ChatDeliveryFailed(f"{message.last_error}; gave up after {message.attempts} attempts")
    deliver_chat_message.using(run_after=message.next_attempt_at).enqueue(message_id)
    raise ChatDeliveryFailed(
        f"{message.last_error}; attempt {message.attempts}, retrying at"
        f" {message.next_attempt_at:%H:%M:%S}"
    )


@task()
def retry_stale_chat_messages() -> int:
    now = timezone.now()
    return sum(sender.deliver(pk, now=now) is not None for pk in due_ids(now, now - STALE_AFTER))


@task()
def chat_weekly_digest() -> int:
    return digest.send_weekly()
