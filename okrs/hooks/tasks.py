"""Webhook deliveries as tasks of the worker: one task per attempt, a retry is a new task.

`deliver_webhook` makes one attempt; when it fails and attempts remain, it enqueues the next
attempt to run at the delivery's `next_attempt_at` (exponential backoff) and then fails itself
with the reason, so the task list shows every failed attempt and the queued retry.
`retry_stale_deliveries` (every minute) sends what is due but has no live task (its enqueue was
lost, e.g. the process ended between commit and enqueue); the claim makes a duplicate harmless.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import task

from okrs.hooks.models import DeliveryState
from okrs.hooks.sender import deliver_due, deliver_one

STALE_AFTER = dt.timedelta(minutes=2)


class DeliveryFailed(Exception):
    """One attempt failed; the message says why and what happens next."""


@task()
def deliver_webhook(delivery_id: int) -> str:
    delivery = deliver_one(delivery_id)
    if delivery is None:
        return "nothing to do (already sent, given up, not due or taken by another worker)"
    if delivery.state == DeliveryState.DELIVERED:
        return f"delivered (HTTP {delivery.last_status})"
    error = delivery.log.order_by("-at", "-id").values_list("error", flat=True).first() or ""
    if delivery.state == DeliveryState.FAILED:
        raise DeliveryFailed(f"{error}; gave up after {delivery.attempts} attempts")
    deliver_webhook.using(run_after=delivery.next_attempt_at).enqueue(delivery_id)
    raise DeliveryFailed(
        f"{error}; attempt {delivery.attempts}, retrying at {delivery.next_attempt_at:%H:%M:%S}"
    )


@task()
def retry_stale_deliveries() -> int:
    now = timezone.now()
    return deliver_due(now=now, limit=500, due_before=now - STALE_AFTER)
