"""Sending one chat message: claimed (safe with several workers), its URL checked and connected
to as webhooks are (`okrs.hooks.addresses.resolve`, `okrs.hooks.sender.post`), the outcome
recorded, a failure retried with the webhooks' backoff and attempt limit."""

from __future__ import annotations

import datetime as dt
import json

import httpx
from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from okrs.chat.models import Message, MessageState
from okrs.core.webhooks import backoff
from okrs.hooks.addresses import AddressRefused, resolve
from okrs.hooks.sender import post

LOCK_SECONDS = 120


def _claim(pk: int, now: dt.datetime) -> bool:
    free = Q(locked_until__isnull=True) | Q(locked_until__lt=now)
    return (
        Message.objects.filter(pk=pk, state=MessageState.PENDING, next_attempt_at__lte=now)
        .filter(free)
        .update(locked_until=now + dt.timedelta(seconds=LOCK_SECONDS))
        == 1
    )


def deliver(pk: int, *, now: dt.datetime | None = None) -> Message | None:
    """One attempt for message `pk` if it is due; None when it is not (sent, given up, not yet
    due or held by another worker)."""
    now = now or timezone.now()
    if not _claim(pk, now):
        return None
    message = Message.objects.select_related("channel").get(pk=pk)
    body = json.dumps(message.body, separators=(",", ":")).encode()
    headers = {"Content-Type": "application/json", "User-Agent": "okrs-chat/1"}
    status, error = None, ""
    try:
        target = resolve(message.channel.url)  # again: the name may point elsewhere by now
        headers["Host"] = target.host_header
        response = post(target, body, headers)
        status = response.status_code
        if not 200 <= status < 300:
            error = f"HTTP {status}"
    except AddressRefused as exc:
        error = f"refused: {exc}"
    except httpx.HTTPError as exc:
        error = f"{type(exc).__name__}: {exc}"
    message.attempts += 1
    message.last_status = status
    message.last_error = error[:500]
    message.locked_until = None
    if not error:
        message.state = MessageState.DELIVERED
        message.delivered_at = now
    elif message.attempts >= settings.OKRS_WEBHOOK_MAX_ATTEMPTS:
        message.state = MessageState.FAILED
    else:
        message.next_attempt_at = now + backoff(
            message.attempts, settings.OKRS_WEBHOOK_BACKOFF_SECONDS
        )
    message.save()
    return message
