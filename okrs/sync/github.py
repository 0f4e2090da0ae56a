"""GitHub ⇄ okrs: issues become work packets, milestones heartbeats, labels key results.

Rules (documented in README, "Syncing with GitHub"):

- Pull requests among the issues are skipped.
- A milestone maps to the heartbeat of the team's calendar whose name equals its title
  (`Q1HB1`) when its due date, if any, lies in that heartbeat's period (a `Q1HB1` of another
  year is not it); else to the heartbeat whose dates contain its due date; else, when its title
  looks like a heartbeat name (`Q1HB3`), has a due date inside a period and the team keeps its own
  calendar, a heartbeat is created ending on the due date (at most 3 weeks long, after the
  previous heartbeat). Otherwise the issue keeps no heartbeat and the run says so.
- Labels matching the pattern (default `O2KR2`) link the key result with code `KR2` of the
  objective with code `O2` of the team in the heartbeat's period (or the period containing the
  issue's creation date). Labels `P1` / `P2` set the priority. An issue in a milestone is
  committed to that heartbeat with its priority.
- State: `closed` + `not_planned` or `duplicate` → dropped (the reason is in the packet's
  history), other `closed` → done, reopened → to do; an issue transferred to another repository
  (webhook `transferred`) → dropped, saying where it went. A status set in okrs (in progress,
  blocked) stays while GitHub's state does not change.
- A packet moves to its milestone's heartbeat when the issue is new or its milestone changed on
  GitHub; a carry-over made in okrs stands while the milestone stays the same.
- Assignees are the Responsible people, matched by `Profile.github_login`.
- Task-list lines `- [ ] task (owner, Due: date)` are the checklist.
- Incremental: only issues updated since the last run (`since` = the latest `updated_at` seen
  before any failure, in GitHub's clock); an issue is left alone when its `updated_at` is older
  than the one seen, or the same and its content (title, body, state, labels, assignees,
  milestone) too: `updated_at` has whole seconds, and the events of one second (opened, labeled,
  assigned, edited) are applied in the order they arrive. Runs are idempotent. The first page of
  each listing is asked for with `If-None-Match` (its last ETag): a 304 costs no rate limit and
  means nothing changed.
- The other way, when the team opts in (`--push`): a packet created in okrs (after opting in)
  without an issue gets one; a packet done or dropped in okrs closes its open issue.
- A failure keeps everything synced before it and records the run as failed with what failed.
  One bad issue is named and skipped (the others are synced; the counts are those committed) and
  `since` stops before it, so the next run tries it again. A rate limit longer than the run may
  wait ends it with `retry_after_seconds` in its counts (the worker runs it again then).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.http import urlencode
from django.utils.translation import gettext

from okrs.core import values
from okrs.core.tasklist import parse_tasks
from okrs.goals.models import KeyResult, Period
from okrs.heartbeats import services
from okrs.heartbeats.models import (
    ChecklistItem,
    EventKind,
    Heartbeat,
    PacketEvent,
    PacketRole,
    PacketStatus,
    RasciRole,
    WorkPacket,
)
from okrs.heartbeats.selectors import calendar_team
from okrs.hooks import events as hook_events
from okrs.org.models import Team
from okrs.sync.http import Client, RateLimited, SyncError
from okrs.sync.models import IssueLink, MilestoneLink, RunStatus, SyncRun, SyncState

HEARTBEAT_TITLE = re.compile(r"^Q[1-4]\s*HB\s*\d+$", re.IGNORECASE)
MAX_HEARTBEAT_DAYS = 21
REPO = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")


def github_client(*, base_url: str, token: str, **kwargs: Any) -> Client:
    headers = {
        "Accept": "application/vnd.github+json",
        "X-GitHub-Api-Version": "2022-11-28",
        "User-Agent": "okrs-sync",
    }
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return Client(base_url=base_url, headers=headers, **kwargs)


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped_pull_requests: int = 0
    heartbeats_created: int = 0
    pushed_created: int = 0
    pushed_closed: int = 0
    dropped_transferred: int = 0
    not_modified: int = 0
    failed: int = 0
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)

    def add(self, other: Counts) -> None:
        """Add the counts of one issue's transaction, once it committed."""
        for name, value in other.__dict__.items():
            current = getattr(self, name)
            setattr(self, name, current + value)


def _date(raw: str | None) -> dt.date | None:
    parsed = _time(raw)
    return parsed.astimezone(dt.UTC).date() if parsed else None


def _time(raw: str | None) -> dt.datetime | None:
    """A time GitHub wrote (ISO 8601), within `okrs.core.values`' range (ValueError if not)."""
    parsed = parse_datetime(raw) if raw else None
    return values.check_moment(parsed) if parsed else None


def shown(text: str, limit: int) -> str:
    """Text from a payload as a run records it: NUL characters written out (no database stores
    them alike), cut to the column."""
    return text.replace("\x00", "\\x00")[:limit]


# What okrs reads of an issue or a milestone: the type of each field (None: may be null) and the
# longest text its column holds, so a payload of another shape is refused alike on SQLite (which
# keeps any length) and PostgreSQL (which refuses it).
ISSUE_SHAPE: dict[str, tuple[tuple[type, ...], int | None]] = {
    "state": ((str,), 16),
    "state_reason": ((str, type(None)), 32),
    "title": ((str, type(None)), None),
    "body": ((str, type(None)), None),
    "html_url": ((str,), None),
    "id": ((int, type(None)), None),
    "labels": ((list, type(None)), None),
    "assignees": ((list, type(None)), None),
    "milestone": ((dict, type(None)), None),
}
MILESTONE_SHAPE: dict[str, tuple[tuple[type, ...], int | None]] = {
    "title": ((str, type(None)), 300),
}


def _shape(item: dict[str, Any], shape: dict[str, tuple[tuple[type, ...], int | None]]) -> None:
    for name, (types, longest) in shape.items():
        value = item.get(name)
        if name not in item and type(None) in types:
            continue
        if not isinstance(value, types) or isinstance(value, bool):
            raise ValueError(f"{name}: expected {' or '.join(t.__name__ for t in types)}")
        if longest is not None and isinstance(value, str) and len(value) > longest:
            raise ValueError(f"{name}: longer than {longest} characters")
    if shape is ISSUE_SHAPE:
        if item["state"] not in ("open", "closed"):
            raise ValueError(f"state: expected open or closed, got {item['state']!r:.40}")
        for name, key in (("labels", "name"), ("assignees", "login")):
            for entry in item.get(name) or []:
                if not isinstance(entry, dict) or not isinstance(entry.get(key), str):
                    raise ValueError(f"{name}: each needs a text {key!r}")


def storable(item: Any, what: str) -> dict[str, Any]:
    """`item` (an issue or a milestone) if every value in it is one both databases store alike
    (`okrs.core.values`: no NUL, integers within 64 bits, finite numbers, nested at most 32
    deep) and its number fits the column; a ValidationError naming the problem otherwise, so a
    hostile payload is refused the same way on SQLite and PostgreSQL, before anything is
    written."""
    if not isinstance(item, dict):
        raise ValidationError(f"{what}: expected an object, got {type(item).__name__}")
    try:
        values.check_value(item)
        number = item.get("number")
        if not isinstance(number, int) or isinstance(number, bool) or number < 1:
            raise ValueError(f"number: expected a positive integer, got {number!r:.40}")
        values.check_int(number, values.INT32)
        _shape(item, ISSUE_SHAPE if what.startswith("issue") else MILESTONE_SHAPE)
        for name in ("updated_at", "created_at", "due_on", "closed_at"):
            raw = item.get(name)
            if raw is not None and not isinstance(raw, str):
                raise ValueError(f"{name}: expected a time, got {raw!r:.40}")
            if raw and parse_datetime(raw) is None:
                raise ValueError(f"{name}: not a time: {raw!r:.40}")
            _time(raw)
    except ValueError as exc:
        raise ValidationError(f"{what}: {exc}") from None
    return item


# Milestones → heartbeats ------------------------------------------------------------------------


def _create_heartbeat_for(team: Team, title: str, due: dt.date) -> Heartbeat | None:
    period = Period.objects.filter(start__lte=due, end__gte=due).first()
    if period is None:
        return None
    before = Heartbeat.objects.filter(team=team, end__lt=due).order_by("-end").first()
    start = max(period.start, due - dt.timedelta(days=MAX_HEARTBEAT_DAYS - 1))
    if before is not None:
        start = max(start, before.end + dt.timedelta(days=1))
    return services.heartbeat_create(
        team=team, period=period, name=title.replace(" ", "").upper(), start=start, end=due
    )


def heartbeat_for_milestone(
    state: SyncState, milestone: dict[str, Any] | None, counts: Counts
) -> Heartbeat | None:
    """The heartbeat a milestone maps to, by the rule in this module's docstring."""
    if not milestone:
        return None
    storable(milestone, "milestone")
    link = (
        MilestoneLink.objects.select_related("heartbeat")
        .filter(repo=state, number=milestone["number"])
        .first()
    )
    title, due = milestone.get("title") or "", _date(milestone.get("due_on"))
    if link and link.heartbeat and (link.title, link.due_on) == (title, due):
        return link.heartbeat
    calendar = calendar_team(state.team)
    beats = Heartbeat.objects.filter(team=calendar)
    heartbeat = beats.filter(name__iexact=title.replace(" ", "")).select_related("period").first()
    if heartbeat is not None and due is not None and not heartbeat.period.contains(due):
        heartbeat = None  # "Q1HB1" of another year: the due date says which heartbeat it is
    if heartbeat is None and due is not None:
        heartbeat = beats.filter(start__lte=due, end__gte=due).first()
    if heartbeat is None and due and HEARTBEAT_TITLE.match(title) and calendar == state.team:
        try:
            heartbeat = _create_heartbeat_for(calendar, title, due)
        except ValidationError as exc:
            counts.warnings.append(f"milestone {title!r}: {' '.join(exc.messages)}")
        else:
            counts.heartbeats_created += heartbeat is not None
    if heartbeat is None:
        counts.warnings.append(f"milestone {title!r} (due {due}) matches no heartbeat")
    MilestoneLink.objects.update_or_create(
        repo=state,
        number=milestone["number"],
        defaults={"title": title, "due_on": due, "heartbeat": heartbeat},
    )
    return heartbeat


# Issues → packets -------------------------------------------------------------------------------


DROPPING_REASONS = ("not_planned", "duplicate")


def fingerprint(issue: dict[str, Any]) -> str:
    """What okrs mirrors of an issue, hashed: two payloads of one `updated_at` second differ
    exactly when a later event of that second changed something okrs shows."""
    milestone = issue.get("milestone") or {}
    content = [
        issue.get("title"),
        issue.get("body"),
        issue.get("state"),
        issue.get("state_reason"),
        sorted(str((label or {}).get("name")) for label in issue.get("labels") or []),
        sorted(str((a or {}).get("login")) for a in issue.get("assignees") or []),
        [milestone.get("number"), milestone.get("title"), milestone.get("due_on")],
    ]
    return hashlib.sha256(json.dumps(content, default=str).encode()).hexdigest()


def _status(issue: dict[str, Any], link: IssueLink | None, current: str | None) -> str:
    seen = (link.state, link.state_reason) if link else None
    now = (issue["state"], issue.get("state_reason") or "")
    if current is not None and seen == now:
        return current  # GitHub's state did not change: keep what okrs says
    if issue["state"] == "closed":
        return PacketStatus.DROPPED if now[1] in DROPPING_REASONS else PacketStatus.DONE
    if current in (PacketStatus.IN_PROGRESS, PacketStatus.BLOCKED):
        return current
    return PacketStatus.TODO


def _key_results(state: SyncState, labels: list[str], period: Period | None) -> list[KeyResult]:
    if period is None:
        return []
    pattern = re.compile(state.label_pattern, re.IGNORECASE)
    wanted = Q(pk__in=[])
    for label in labels:
        match = pattern.match(label)
        if match:
            wanted |= Q(
                objective__code__iexact=f"O{int(match.group('objective'))}",
                code__iexact=f"KR{int(match.group('kr'))}",
            )
    return list(
        KeyResult.objects.filter(wanted, objective__team=state.team, objective__period=period)
    )


def _people_by_login(logins: list[str]) -> dict[str, Any]:
    if not logins:
        return {}
    people = (
        get_user_model()
        .objects.filter(Q(profile__github_login__in=logins) | Q(username__in=logins))
        .select_related("profile")
    )
    found: dict[str, Any] = {}
    for person in people:
        login = getattr(getattr(person, "profile", None), "github_login", "") or ""
        if login:
            found.setdefault(login.lower(), person)
        found.setdefault(person.get_username().lower(), person)
    return found


def _sync_roles(packet: WorkPacket, assignees: list[str]) -> None:
    people = _people_by_login(assignees)
    wanted = {people[a.lower()].pk for a in assignees if a.lower() in people}
    roles = PacketRole.objects.filter(packet=packet, role=RasciRole.RESPONSIBLE)
    roles.exclude(person_id__in=wanted).delete()
    have = set(roles.values_list("person_id", flat=True))
    PacketRole.objects.bulk_create(
        [
            PacketRole(packet=packet, person_id=pk, role=RasciRole.RESPONSIBLE)
            for pk in wanted - have
        ]
    )


def _sync_checklist(packet: WorkPacket, body: str, year: int) -> None:
    tasks = parse_tasks(body, default_year=year)
    people = _people_by_login([t.owner for t in tasks if t.owner])
    packet.checklist.all().delete()
    ChecklistItem.objects.bulk_create(
        ChecklistItem(
            packet=packet,
            text=t.text[:500],
            owner=people.get(t.owner.lower()) if t.owner else None,
            owner_name=t.owner,
            due=t.due,
            done=t.done,
            order=i,
        )
        for i, t in enumerate(tasks)
    )


def _period_for(heartbeat: Heartbeat | None, created: dt.date | None) -> Period | None:
    if heartbeat is not None:
        return heartbeat.period
    if created is None:
        return None
    return Period.objects.filter(start__lte=created, end__gte=created).first()


@transaction.atomic
def upsert_issue(state: SyncState, issue: dict[str, Any], counts: Counts) -> WorkPacket | None:
    """Create or update the packet mirroring `issue` (one transaction per issue)."""
    storable(issue, "issue")  # the run names it by its number
    if "pull_request" in issue:
        counts.skipped_pull_requests += 1
        return None
    link = (
        IssueLink.objects.select_for_update()
        .select_related("packet")
        .filter(repo=state, number=issue["number"])
        .first()
    )
    updated = _time(issue.get("updated_at"))
    content = fingerprint(issue)
    seen = link.updated_at if link else None
    if (
        link
        and seen
        and updated
        and (updated < seen or (updated == seen and link.content_hash == content))
    ):
        counts.unchanged += 1  # older than what was applied, or the same
        return link.packet
    heartbeat = heartbeat_for_milestone(state, issue.get("milestone"), counts)
    labels = [label["name"] for label in issue.get("labels") or []]
    priority = next((p for p in ("P1", "P2") if p in {x.upper() for x in labels}), "")
    created = _date(issue.get("created_at"))
    period = _period_for(heartbeat, created)
    key_results = _key_results(state, labels, period)
    body = issue.get("body") or ""
    packet = link.packet if link else None
    status = _status(issue, link, packet.status if packet else None)
    reason = issue.get("state_reason") or ""
    note = f"GitHub: closed as {reason}" if issue["state"] == "closed" and reason else "GitHub"
    title = (issue.get("title") or f"Issue #{issue['number']}")[:500]
    if packet is None:
        packet = services.packet_create(
            team=state.team,
            title=title,
            actor=None,
            description=body,
            status=status,
            priority=priority,
            key_results=key_results,
            external_url=issue["html_url"],
        )
        counts.created += 1
    else:
        services.packet_update(
            packet=packet,
            actor=None,
            title=title,
            description=body,
            priority=priority,
            key_results=key_results,
            external_url=issue["html_url"],
        )
        services.packet_set_status(packet=packet, status=status, actor=None, note=note)
        counts.updated += 1
    milestone = (issue.get("milestone") or {}).get("number")
    moved = link is None or link.milestone_number != milestone  # okrs' carry-overs stand otherwise
    if moved and heartbeat is not None and packet.heartbeat_id != heartbeat.pk:
        services.commitment_add(heartbeat=heartbeat, packet=packet, priority=priority, actor=None)
    elif moved and heartbeat is None and packet.heartbeat_id is not None and not milestone:
        PacketEvent.objects.create(
            packet=packet,
            kind=EventKind.SYNCED,
            from_heartbeat=packet.heartbeat,
            note="milestone removed",
        )
        packet.heartbeat = None
        packet.save(update_fields=["heartbeat", "updated_at"])
        hook_events.packet_changed(packet)
    _sync_roles(packet, [a["login"] for a in issue.get("assignees") or []])
    year = (period.start.year if period else None) or (created.year if created else 2000)
    _sync_checklist(packet, body, year)
    IssueLink.objects.update_or_create(
        repo=state,
        number=issue["number"],
        defaults={
            "packet": packet,
            "github_id": issue.get("id"),
            "state": issue["state"],
            "state_reason": issue.get("state_reason") or "",
            "updated_at": updated,
            "content_hash": content,
            "milestone_number": milestone,
        },
    )
    PacketEvent.objects.create(
        packet=packet, kind=EventKind.SYNCED, note=f"{state.repo}#{issue['number']}"
    )
    return packet


@transaction.atomic
def drop_transferred(
    state: SyncState, issue: dict[str, Any], changes: dict[str, Any], counts: Counts
) -> WorkPacket | None:
    """The issue moved to another repository (webhook `transferred`): its packet is dropped
    here, with where it went; the other repository, if synced, gets a packet of its own."""
    link = (
        IssueLink.objects.select_for_update()
        .select_related("packet")
        .filter(repo=state, number=issue["number"])
        .first()
    )
    if link is None:
        return None
    new_issue = changes.get("new_issue") or {}
    new_repo = (changes.get("new_repository") or {}).get("full_name") or "another repository"
    where = f"{new_repo}#{new_issue.get('number')}" if new_issue.get("number") else new_repo
    services.packet_set_status(
        packet=link.packet,
        status=PacketStatus.DROPPED,
        actor=None,
        note=f"GitHub: transferred to {where}",
    )
    link.state, link.state_reason = "transferred", where[:32]
    link.save(update_fields=["state", "state_reason"])
    counts.dropped_transferred += 1
    return link.packet


# okrs → GitHub ----------------------------------------------------------------------------------


def _labels_for(packet: WorkPacket) -> list[str]:
    return [
        f"{kr.objective.code}{kr.code}"
        for kr in packet.key_results.all()
        if kr.objective.code and kr.code
    ] + ([packet.priority] if packet.priority else [])


def push(state: SyncState, client: Client, counts: Counts) -> None:
    """Create issues for new okrs packets and close issues of finished ones (team opted in)."""
    if not state.push_enabled:
        return
    new = WorkPacket.objects.filter(team=state.team, github__isnull=True)
    if state.push_since:
        new = new.filter(created_at__gte=state.push_since)
    for packet in new.prefetch_related("key_results__objective").order_by("id"):
        payload: dict[str, Any] = {
            "title": packet.title,
            "body": packet.description,
            "labels": _labels_for(packet),
        }
        milestone = MilestoneLink.objects.filter(repo=state, heartbeat_id=packet.heartbeat_id)
        number = milestone.values_list("number", flat=True).first() if packet.heartbeat_id else None
        if number:
            payload["milestone"] = number
        issue = client.request("POST", f"/repos/{state.repo}/issues", json=payload).json()
        with transaction.atomic():
            IssueLink.objects.create(
                repo=state,
                number=issue["number"],
                github_id=issue.get("id"),
                packet=packet,
                state=issue.get("state", "open"),
                updated_at=_time(issue.get("updated_at")),
            )
            packet.external_url = issue.get("html_url", "")
            packet.save(update_fields=["external_url", "updated_at"])
            hook_events.packet_changed(packet)
        counts.pushed_created += 1
    finished = IssueLink.objects.filter(
        repo=state, state="open", packet__status__in=[PacketStatus.DONE, PacketStatus.DROPPED]
    ).select_related("packet")
    for link in finished:
        reason = "not_planned" if link.packet.status == PacketStatus.DROPPED else "completed"
        issue = client.request(
            "PATCH",
            f"/repos/{state.repo}/issues/{link.number}",
            json={"state": "closed", "state_reason": reason},
        ).json()
        link.state, link.state_reason = "closed", reason
        link.updated_at = _time(issue.get("updated_at")) or link.updated_at
        link.save(update_fields=["state", "state_reason", "updated_at"])
        counts.pushed_closed += 1


# The run ----------------------------------------------------------------------------------------


def sync_state_for(
    *,
    repo: str,
    team: Team,
    label_pattern: str | None = None,
    push: bool | None = None,
    every: int | None = None,
) -> SyncState:
    """The repository's sync settings, created on first use; refuses a repo of another team.
    `every` (minutes, 0: only by hand and webhooks) sets how often the worker syncs it; a changed
    interval makes the worker's next look sync it, then every `every` minutes from there."""
    if not REPO.match(repo):
        raise ValidationError(
            gettext("%(repo)s: expected OWNER/REPO, e.g. mozilla/reps") % {"repo": repr(repo)}
        )
    if label_pattern is not None:
        try:
            groups = re.compile(label_pattern).groupindex
        except re.error as exc:
            raise ValidationError(f"--label-pattern {label_pattern!r}: {exc}") from exc
        if not {"objective", "kr"} <= set(groups):
            raise ValidationError(
                f"--label-pattern {label_pattern!r}: needs the named groups (?P<objective>…) "
                "and (?P<kr>…)"
            )
    if every is not None and every < 0:
        raise ValidationError(f"--every {every}: must be 0 or more minutes")  # the command's
    state, _ = SyncState.objects.get_or_create(repo=repo, defaults={"team": team})
    if state.team_id != team.pk:
        raise ValidationError(
            gettext("%(repo)s is already synced for the team %(team)s.")
            % {"repo": repo, "team": state.team.slug}
        )
    changed = []
    if label_pattern is not None and label_pattern != state.label_pattern:
        state.label_pattern, changed = label_pattern, [*changed, "label_pattern"]
    if push is not None and push != state.push_enabled:
        state.push_enabled, changed = push, [*changed, "push_enabled"]
        if push and state.push_since is None:
            state.push_since, changed = timezone.now(), [*changed, "push_since"]
    if every is not None and every != state.sync_every_minutes:
        state.sync_every_minutes, state.next_sync_at = every, None
        changed = [*changed, "sync_every_minutes", "next_sync_at"]
    if changed:
        state.save(update_fields=changed)
    return state


def _listing(
    client: Client,
    state: SyncState,
    name: str,
    path: str,
    params: dict[str, Any],
    etags: dict[str, Any],
    counts: Counts,
) -> Iterator[list[Any]]:
    """The pages of a listing; none when its first page is unchanged since the last run (a
    conditional request: `If-None-Match` with the ETag kept for the same URL, answered 304)."""
    key = f"{path}?{urlencode(sorted(params.items()))}"
    known = state.etags.get(name) if isinstance(state.etags, dict) else None
    headers = {}
    if isinstance(known, dict) and known.get("key") == key and known.get("etag"):
        headers["If-None-Match"] = str(known["etag"])
    response = client.request("GET", path, params=params, headers=headers)
    if response.status_code == 304:
        counts.not_modified += 1
        etags[name] = known
        return
    if response.headers.get("etag"):
        etags[name] = {"key": key, "etag": response.headers["etag"]}
    yield from client.pages_from(response)


def sync_github(*, state: SyncState, client: Client) -> SyncRun:
    """Pull milestones and issues changed since the last run, then push (when opted in)."""
    run = SyncRun.objects.start(kind="github", target=state.repo)
    counts = Counts()
    cursor = state.last_synced_at  # GitHub's own clock: the latest `updated_at` seen
    etags: dict[str, Any] = {}
    step = "milestones"
    try:
        for page in _listing(
            client,
            state,
            "milestones",
            f"/repos/{state.repo}/milestones",
            {"state": "all", "per_page": 100},
            etags,
            counts,
        ):
            for milestone in page:
                with transaction.atomic():
                    heartbeat_for_milestone(state, milestone, counts)
        step = "issues"
        params: dict[str, Any] = {
            "state": "all",
            "per_page": 100,
            "sort": "updated",
            "direction": "asc",
        }
        if state.last_synced_at:
            params["since"] = state.last_synced_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        failed: list[str] = []
        issues = _listing(
            client, state, "issues", f"/repos/{state.repo}/issues", params, etags, counts
        )
        for page in issues:
            for index, issue in enumerate(page):
                where = f"#{issue.get('number')}" if isinstance(issue, dict) else f"item {index}"
                one = Counts()
                try:
                    if not isinstance(issue, dict):
                        raise TypeError(f"expected an issue object, got {issue!r:.80}")
                    seen = _time(issue.get("updated_at"))
                    upsert_issue(state, issue, one)
                    counts.add(one)  # committed: only now does it count
                    if not failed and seen and (cursor is None or seen > cursor):
                        cursor = seen  # `since` stops before the first failure
                except ValidationError as exc:
                    failed.append(f"{where}: {' '.join(exc.messages)}")
                except (
                    DatabaseError,
                    KeyError,
                    TypeError,
                    ValueError,
                    AttributeError,
                    OverflowError,  # a number the database's integer cannot hold
                ) as exc:
                    failed.append(f"{where}: {type(exc).__name__}: {exc}")
        counts.failed = len(failed)
        if failed:
            raise ValidationError(f"issues not synced: {'; '.join(failed)}")
        step = "push"
        push(state, client, counts)
    except (
        SyncError,
        ValidationError,
        ValueError,
        KeyError,
        TypeError,
        AttributeError,
        DatabaseError,
        OverflowError,
    ) as exc:
        # KeyError/TypeError/AttributeError: a payload of another shape; DatabaseError and
        # OverflowError (an integer the driver cannot send): a value the database refuses (each
        # milestone and issue is its own transaction, rolled back)
        message = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
        if not isinstance(exc, (SyncError, ValidationError)):
            message = [f"{type(exc).__name__}: {exc}"]
        run.status, run.error = RunStatus.FAILED, shown(f"{step}: {' '.join(message)}", 20000)
        if isinstance(exc, RateLimited):
            run.counts["retry_after_seconds"] = exc.retry_after
        if step == "push" or (step == "issues" and counts.failed):
            # every issue was looked at: keep what was learnt (the bad ones come again)
            state.last_synced_at, state.etags = cursor, {}
            state.save(update_fields=["last_synced_at", "etags"])
    else:
        state.last_synced_at, state.etags = cursor, etags
        state.save(update_fields=["last_synced_at", "etags"])
        run.status = RunStatus.OK
    run.finished_at, run.counts = timezone.now(), {**run.counts, **counts.as_dict()}
    run.counts["requests"] = client.requests
    run.save()
    return run
