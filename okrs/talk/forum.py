"""Mirror new comments to the linked Discourse topic as replies (`POST /posts.json` with
`topic_id` and `raw`). Each comment waits in the outbox (`MirrorPost`) until the forum accepts
it; a failure is recorded with its reason and tried again on the next run, never dropped.

Replies keep the order of the comments in each topic: after a failure, the later comments of
that topic wait for the next run (the worker's, every minute), and a rate limit (429) ends the
run at once, so a comment never overtakes one that the forum has not taken yet."""

from __future__ import annotations

import re
from dataclasses import dataclass

import httpx
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from okrs.talk.models import MirrorPost, MirrorState
from okrs.talk.services import target_url

_TOPIC = re.compile(r"^https?://[^\s/]+(?:/[^\s]*)?/t/(?:[^\s/]+/)?(\d+)(?:/\d+)?/?(?:[?#].*)?$")
TIMEOUT = httpx.Timeout(15.0, connect=5.0)


def topic_id_from_url(url: str) -> int | None:
    """The topic id of a Discourse topic URL (`…/t/slug/123`, `…/t/123`, `…/t/slug/123/4`)."""
    match = _TOPIC.match((url or "").strip())
    return int(match.group(1)) if match else None


@dataclass
class MirrorRun:
    sent: int = 0
    failed: int = 0
    waiting: int = 0  # held back behind a failed comment of their topic, or by a rate limit


def _raw(post: MirrorPost) -> str:
    comment = post.comment
    base = getattr(settings, "OKRS_SITE_URL", "").rstrip("/")
    link = f"{base}{target_url(comment.target)}#comment-{comment.pk}"
    return f"{comment.body}\n\n— {comment.author.get_username()} on okrs: {link}"


def mirror_pending(*, transport: httpx.BaseTransport | None = None, limit: int = 100) -> MirrorRun:
    """Send every pending or failed post, oldest first; record each outcome."""
    run = MirrorRun()
    base = settings.OKRS_DISCOURSE_URL.rstrip("/")
    headers = {
        "Api-Key": settings.OKRS_DISCOURSE_API_KEY,
        "Api-Username": getattr(settings, "OKRS_DISCOURSE_API_USERNAME", "system"),
        "Accept": "application/json",
    }
    posts = (
        MirrorPost.objects.filter(state__in=[MirrorState.PENDING, MirrorState.FAILED])
        .select_related(
            "topic",
            "comment__author",
            "comment__objective",
            "comment__key_result",
            "comment__heartbeat__team",
            "comment__packet__team",
        )
        .order_by("created_at", "id")[:limit]
    )
    held: set[int] = set()  # topics with a comment that failed in this run
    limited = False
    with httpx.Client(headers=headers, timeout=TIMEOUT, transport=transport) as client:
        for post in posts:
            if limited or post.topic_id in held:
                run.waiting += 1  # sent after the one before it, in a later run
                continue
            if post.comment.removed:
                _record(post, ok=False, error="The comment was deleted or hidden; not sent.")
                post.state = MirrorState.SENT  # nothing left to send
                post.save(update_fields=["state"])
                continue
            try:
                response = client.post(
                    f"{base}/posts.json", json={"topic_id": post.topic.topic_id, "raw": _raw(post)}
                )
            except httpx.HTTPError as exc:
                _record(post, ok=False, error=f"{type(exc).__name__}: {exc}")
                run.failed += 1
                held.add(post.topic_id)
                continue
            if response.status_code >= 300:
                _record(post, ok=False, error=f"HTTP {response.status_code}: {response.text[:500]}")
                run.failed += 1
                held.add(post.topic_id)
                limited = response.status_code == 429
                continue
            try:
                post_id = int(response.json().get("id"))
            except (ValueError, TypeError, AttributeError):
                post_id = None
            _record(post, ok=True, post_id=post_id)
            run.sent += 1
    return run


@transaction.atomic
def _record(post: MirrorPost, *, ok: bool, error: str = "", post_id: int | None = None) -> None:
    now = timezone.now()
    post.attempts += 1
    post.last_attempt_at = now
    if ok:
        post.state = MirrorState.SENT
        post.sent_at = now
        post.post_id = post_id
        post.last_error = ""
    else:
        post.state = MirrorState.FAILED
        post.last_error = error
    post.save(
        update_fields=["attempts", "last_attempt_at", "state", "sent_at", "post_id", "last_error"]
    )
