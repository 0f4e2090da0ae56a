"""Sending deliveries: claimed one at a time (safe with several workers), signed, logged, retried
with exponential backoff. Runs from `okrs deliver-webhooks` or a background thread started after
commit, never inside the request that caused the event."""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
import time

import httpx
from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.db.models import Min, Q
from django.utils import timezone

from okrs.core.webhooks import SIGNATURE_HEADER, backoff, sign
from okrs.hooks.addresses import AddressRefused, check_url
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


def send(delivery: Delivery, *, now: dt.datetime | None = None) -> Attempt:
    """Make one HTTP attempt for a claimed delivery and record its outcome."""
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
        check_url(subscription.url)  # again: the name may point elsewhere since it was saved
        response = httpx.post(
            subscription.url,
            content=body,
            headers=headers,
            timeout=settings.OKRS_WEBHOOK_TIMEOUT,
            follow_redirects=False,
        )
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


def deliver_due(*, now: dt.datetime | None = None, limit: int = 100) -> int:
    """Send up to `limit` deliveries that are due; returns how many attempts were made."""
    now = now or timezone.now()
    due = list(
        Delivery.objects.filter(state=DeliveryState.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
    made = 0
    for pk in due:
        if not _claim(pk, now):
            continue
        delivery = Delivery.objects.select_related("subscription__team").get(pk=pk)
        send(delivery, now=now)
        made += 1
    return made


def next_due() -> dt.datetime | None:
    return Delivery.objects.filter(state=DeliveryState.PENDING).aggregate(
        at=Min("next_attempt_at")
    )["at"]


# --- the background thread ---------------------------------------------------------------

_wake = threading.Event()
_lock = threading.Lock()
_thread: threading.Thread | None = None


def _run() -> None:
    horizon = settings.OKRS_WEBHOOK_THREAD_HORIZON
    try:
        while True:
            _wake.clear()
            close_old_connections()
            if deliver_due():
                continue
            upcoming = next_due()
            wait = None if upcoming is None else (upcoming - timezone.now()).total_seconds()
            if wait is None or wait > horizon:  # later ones are for `okrs deliver-webhooks`
                if _may_stop():
                    return
                continue
            _wake.wait(timeout=max(0.05, wait))
    except Exception:  # a thread must not die silently
        log.exception("webhook sender stopped")
    finally:
        connection.close()


def _may_stop() -> bool:
    """Stop unless a kick arrived meanwhile; decided under the lock that `kick` takes."""
    global _thread
    with _lock:
        if _wake.is_set():
            return False
        _thread = None
        return True


def kick() -> None:
    """Called after commit: wake the sender thread, or start it (when the thread is enabled)."""
    global _thread
    if not settings.OKRS_WEBHOOK_THREAD:
        return
    with _lock:
        _wake.set()
        if _thread is None or not _thread.is_alive():
            _thread = threading.Thread(target=_run, name="okrs-webhooks", daemon=True)
            _thread.start()
