"""Sending deliveries: claimed one at a time (safe with several workers), signed, logged, retried
with exponential backoff. Each attempt runs as a task of the worker (`okrs.hooks.tasks`), never
inside the request that caused the event; `okrs deliver-webhooks` sends what is due by hand."""

from __future__ import annotations

import datetime as dt
import json
import logging
import time

import httpx
from django.conf import settings
from django.db import transaction
from django.db.models import Min, Q
from django.utils import timezone

from okrs.core.webhooks import SIGNATURE_HEADER, backoff, sign
from okrs.hooks.addresses import AddressRefused, Target, resolve
from okrs.hooks.models import Attempt, Delivery, DeliveryState

log = logging.getLogger(__name__)
LOCK_SECONDS = 120


def _claim(pk: int, now: dt.datetime) -> bool:
    """Take the delivery for this worker; False if another worker holds it or it is done."""
    free = Q(locked_until__isnull=True) | Q(locked_until__lt=now)
    claimed = (
        Delivery.objects.filter(pk=pk, state=DeliveryState.PENDING, next_attempt_at__lte=now)
        .filter(free)
        .update(locked_until=now + dt.timedelta(seconds=LOCK_SECONDS))
    )
    return claimed == 1


def body_of(delivery: Delivery) -> bytes:
    document = {
        "id": delivery.pk,
        "event": delivery.event,
        "team": delivery.subscription.team.slug,
        "created_at": delivery.created_at.isoformat(),
        "data": delivery.payload,
    }
    return json.dumps(document, sort_keys=True, separators=(",", ":")).encode()


def post(target: Target, body: bytes, headers: dict[str, str]) -> httpx.Response:
    """POST to the checked address itself; TLS names and verifies the original host."""
    with httpx.Client(timeout=settings.OKRS_WEBHOOK_TIMEOUT, follow_redirects=False) as client:
        return client.post(
            target.url,
            content=body,
            headers=headers,
            extensions={"sni_hostname": target.server_name},
        )


def send(delivery: Delivery, *, now: dt.datetime | None = None) -> Attempt:
    """Make one HTTP attempt for a claimed delivery and record its outcome. The host is resolved
    and checked once (`addresses.resolve`) and the request goes to that checked address."""
    subscription = delivery.subscription
    body = body_of(delivery)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "okrs-webhooks/1",
        "X-Okrs-Event": delivery.event,
        "X-Okrs-Delivery": str(delivery.pk),
        SIGNATURE_HEADER: sign(subscription.secret, body),
    }
    started = time.monotonic()
    status_code, error = None, ""
    try:
        target = resolve(subscription.url)  # again: the name may point elsewhere since saved
        headers["Host"] = target.host_header
        response = post(target, body, headers)
        status_code = response.status_code
        if not 200 <= status_code < 300:
            error = f"HTTP {status_code}"
    except AddressRefused as exc:
        error = f"refused: {exc}"[:500]
    except httpx.HTTPError as exc:
        error = f"{type(exc).__name__}: {exc}"[:500]
    elapsed = int((time.monotonic() - started) * 1000)
    return _record(delivery, status_code, error, elapsed, now or timezone.now())


@transaction.atomic
def _record(
    delivery: Delivery, status_code: int | None, error: str, elapsed_ms: int, now: dt.datetime
) -> Attempt:
    attempt = Attempt.objects.create(
        delivery=delivery, at=now, status_code=status_code, error=error, duration_ms=elapsed_ms
    )
    delivery.attempts += 1
    delivery.last_status = status_code
    delivery.locked_until = None
    if not error:
        delivery.state = DeliveryState.DELIVERED
        delivery.delivered_at = now
    elif delivery.attempts >= settings.OKRS_WEBHOOK_MAX_ATTEMPTS:
        delivery.state = DeliveryState.FAILED
    else:
        wait = backoff(delivery.attempts, settings.OKRS_WEBHOOK_BACKOFF_SECONDS)
        delivery.next_attempt_at = now + wait
    delivery.save(
        update_fields=[
            "attempts",
            "last_status",
            "locked_until",
            "state",
            "delivered_at",
            "next_attempt_at",
        ]
    )
    return attempt


def deliver_one(pk: int, *, now: dt.datetime | None = None) -> Delivery | None:
    """Claim and send one delivery if it is due; None when it is not (done, given up, not yet
    due, or held by another worker)."""
    now = now or timezone.now()
    if not _claim(pk, now):
        return None
    delivery = Delivery.objects.select_related("subscription__team").get(pk=pk)
    send(delivery, now=now)
    return delivery


def deliver_due(
    *, now: dt.datetime | None = None, limit: int = 100, due_before: dt.datetime | None = None
) -> int:
    """Send up to `limit` deliveries that are due (by `due_before`, default now); returns how
    many attempts were made."""
    now = now or timezone.now()
    due = list(
        Delivery.objects.filter(state=DeliveryState.PENDING, next_attempt_at__lte=due_before or now)
        .order_by("next_attempt_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(deliver_one(pk, now=now) is not None for pk in due)


def next_due() -> dt.datetime | None:
    return Delivery.objects.filter(state=DeliveryState.PENDING).aggregate(
        at=Min("next_attempt_at")
    )["at"]
