"""Discourse → person facts: which categories each cohort member watches.

For each member of the cohort with a `Profile.discourse_username`, `GET /u/{username}.json` and
read `user.watched_category_ids` (watching is notification level 3). Category slugs are resolved
to ids through `/categories.json` (subcategories included). Each person gets, per category, the
fact `discourse.watching.<slug>` = `true` / `false`, observed now, in `okrs.measures.PersonFact`
(history is kept: a new observation is added when the value changes or on each run).

A user Discourse does not know (404) is reported and skipped; any other failure stops the run,
keeps the facts recorded so far and records the run as failed with what failed.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from okrs.measures.models import PersonFact
from okrs.org.models import Cohort
from okrs.sync.http import Client, SyncError
from okrs.sync.models import RunStatus, SyncRun


def discourse_client(*, base_url: str, api_key: str, api_username: str, **kwargs: Any) -> Client:
    headers = {"Accept": "application/json", "User-Agent": "okrs-sync"}
    if api_key:
        headers |= {"Api-Key": api_key, "Api-Username": api_username}
    return Client(base_url=base_url, headers=headers, **kwargs)


@dataclass
class DiscourseCounts:
    people: int = 0
    facts: int = 0
    without_username: int = 0
    unknown_users: list[str] = field(default_factory=list)


def category_ids(client: Client, slugs: list[str]) -> dict[str, int]:
    """Slug → id for each wanted category; an unknown slug is an error naming it."""
    data = client.get_json("/categories.json", {"include_subcategories": "true"})
    found: dict[str, int] = {}
    for category in data["category_list"]["categories"]:
        found[category["slug"]] = category["id"]
        for sub in category.get("subcategory_list") or []:
            found[sub["slug"]] = sub["id"]
    missing = [s for s in slugs if s not in found]
    if missing:
        raise ValidationError(
            f"--category: Discourse has no category {', '.join(missing)} "
            f"(known: {', '.join(sorted(found))})"
        )
    return {s: found[s] for s in slugs}


def _record(person_id: int, key: str, value: str, at: Any) -> None:
    content = "\x1f".join(["discourse", str(person_id), key, value, at.isoformat()])
    PersonFact.objects.get_or_create(
        content_key=hashlib.sha1(content.encode()).hexdigest(),
        defaults={"person_id": person_id, "key": key, "value": value, "observed_at": at},
    )


def sync_discourse(*, client: Client, cohort: Cohort, slugs: list[str]) -> SyncRun:
    run = SyncRun.objects.start(kind="discourse", target=f"{client.base_url} {cohort.slug}")
    counts = DiscourseCounts()
    try:
        ids = category_ids(client, slugs)
        members = cohort.members.select_related("profile").order_by("pk")
        for person in members:
            username = getattr(getattr(person, "profile", None), "discourse_username", "")
            if not username:
                counts.without_username += 1
                continue
            try:
                data = client.get_json(f"/u/{quote(username)}.json")
            except SyncError as exc:
                if "HTTP 404" in str(exc):
                    counts.unknown_users.append(username)
                    continue
                raise
            watched = set(data["user"].get("watched_category_ids") or [])
            at = timezone.now()
            with transaction.atomic():
                for slug, category_id in ids.items():
                    value = "true" if category_id in watched else "false"
                    _record(person.pk, f"discourse.watching.{slug}", value, at)
                    counts.facts += 1
            counts.people += 1
    except (SyncError, ValidationError, KeyError, TypeError, AttributeError, ValueError) as exc:
        # KeyError/TypeError/AttributeError: an answer of another shape than Discourse's
        if isinstance(exc, ValidationError):
            message = " ".join(exc.messages)
        elif isinstance(exc, SyncError):
            message = str(exc)
        else:
            message = f"unexpected answer from Discourse: {type(exc).__name__}: {exc}"
        run.status, run.error = RunStatus.FAILED, message
    else:
        run.status = RunStatus.OK
    run.finished_at, run.counts = timezone.now(), dict(counts.__dict__)
    run.save()
    return run
