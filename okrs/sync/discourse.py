"""Discourse → person facts: which categories each cohort member watches.

For each member of the cohort with a `Profile.discourse_username`, `GET /u/{username}.json` and
read `user.watched_category_ids` (watching is notification level 3). Discourse shows that list
only to the user themselves and to staff: an answer without it means the API key cannot see it,
and the run stops saying an admin key is needed (it must not record "not watching" for all).

Category slugs are matched as Discourse shows them, through `/categories.json` (subcategories
included): `general` is the top-level category, `reps/general` the subcategory `general` of
`reps`. A bare slug that is no top-level category may name a subcategory when exactly one has
it; when several do, it is refused with the candidates. Each person gets, per category, the
fact `discourse.watching.<slug>` = `true` / `false`, observed now, in `okrs.measures.PersonFact`
(history is kept: a new observation is added when the value changes or on each run).

A user Discourse does not know (404) is reported and skipped; any other failure stops the run
and records it as failed with what failed. The facts of a run are written together at its end:
a run that fails records none of them.
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


ADMIN_KEY_NEEDED = (
    "Discourse does not show which categories {user} watches to this API key "
    "(watched_category_ids is shown only to the user and to staff): use an admin API key, "
    "with OKRS_DISCOURSE_API_USERNAME a staff user. Nothing was recorded."
)


def category_ids(client: Client, slugs: list[str]) -> dict[str, int]:
    """Slug → id for each wanted category, matched as Discourse shows them (`parent/child`
    for a subcategory); an unknown or ambiguous slug is an error naming it."""
    data = client.get_json("/categories.json", {"include_subcategories": "true"})
    shown: dict[str, int] = {}  # "general", "reps/general"
    by_bare: dict[str, list[str]] = {}  # "general" → the subcategories so named
    for category in data["category_list"]["categories"]:
        shown[category["slug"]] = category["id"]
        for sub in category.get("subcategory_list") or []:
            path = f"{category['slug']}/{sub['slug']}"
            shown[path] = sub["id"]
            by_bare.setdefault(sub["slug"], []).append(path)
    found, problems = {}, []
    for slug in slugs:
        wanted = slug.strip().strip("/").lower()
        if wanted in shown:
            found[slug] = shown[wanted]
        elif len(by_bare.get(wanted, [])) == 1:
            found[slug] = shown[by_bare[wanted][0]]
        elif by_bare.get(wanted):
            problems.append(
                f"{slug} is ambiguous: say which of {', '.join(sorted(by_bare[wanted]))}"
            )
        else:
            problems.append(f"Discourse has no category {slug}")
    if problems:
        raise ValidationError(
            f"--category: {'; '.join(problems)} (known: {', '.join(sorted(shown))})"
        )
    return found


def _record(person_id: int, key: str, value: str, at: Any) -> None:
    content = "\x1f".join(["discourse", str(person_id), key, value, at.isoformat()])
    PersonFact.objects.get_or_create(
        content_key=hashlib.sha1(content.encode()).hexdigest(),
        defaults={"person_id": person_id, "key": key, "value": value, "observed_at": at},
    )


def sync_discourse(*, client: Client, cohort: Cohort, slugs: list[str]) -> SyncRun:
    run = SyncRun.objects.start(kind="discourse", target=f"{client.base_url} {cohort.slug}")
    counts = DiscourseCounts()
    seen: list[tuple[int, set[int], Any]] = []  # (person, watched ids, when), written at the end
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
            user = data["user"]
            if "watched_category_ids" not in user:
                raise SyncError(ADMIN_KEY_NEEDED.format(user=username))
            watched = user["watched_category_ids"] or []
            if not isinstance(watched, list):
                raise TypeError(f"watched_category_ids of {username} is {watched!r:.60}")
            seen.append((person.pk, set(watched), timezone.now()))
        with transaction.atomic():
            for person_id, watched_ids, at in seen:
                for slug, category_id in ids.items():
                    value = "true" if category_id in watched_ids else "false"
                    _record(person_id, f"discourse.watching.{slug}", value, at)
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
