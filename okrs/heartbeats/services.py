"""Writes to heartbeats and work packets: one typed, atomic function per domain action.

Every function refuses bad input with a `ValidationError` saying what and where, and writes
nothing in that case. Changes to a packet leave a `PacketEvent` in its history.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from okrs.core.calendar import CalendarError, heartbeat_prefix, split_period
from okrs.goals.models import KeyResult, Period
from okrs.heartbeats.models import (
    ChecklistItem,
    Commitment,
    EventKind,
    Heartbeat,
    HeartbeatReview,
    Outcome,
    PacketEvent,
    PacketRole,
    PacketStatus,
    Priority,
    RasciRole,
    WorkPacket,
)
from okrs.heartbeats.selectors import OPEN_STATUSES, calendar_team, next_heartbeat
from okrs.hooks import events as hook_events
from okrs.messages import say
from okrs.org.models import Team

Actor = AbstractBaseUser | None


# Heartbeats ------------------------------------------------------------------------------------


def _refuse_if_following(team: Team) -> None:
    if team.follows_parent_heartbeats and team.parent_id:
        owner = calendar_team(team)
        raise ValidationError(
            gettext(
                "%(team)s follows the heartbeat calendar of %(owner)s; set the heartbeats of"
                " %(owner)s instead."
            )
            % {"team": team.name, "owner": owner.name}
        )


def _check_span(team: Team, period: Period, name: str, start: dt.date, end: dt.date) -> None:
    if start >= end:
        raise ValidationError(
            gettext("%(name)s: the start (%(start)s) must come before the end (%(end)s).")
            % {"name": name, "start": start, "end": end}
        )
    if start < period.start or end > period.end:
        raise ValidationError(
            gettext("%(name)s: a heartbeat must lie inside %(period)s (%(start)s to %(end)s).")
            % {"name": name, "period": period, "start": period.start, "end": period.end}
        )
    clash = Heartbeat.objects.filter(team=team, start__lte=end, end__gte=start).first()
    if clash is not None:
        raise ValidationError(
            gettext("%(name)s (%(start)s to %(end)s) overlaps %(other)s of %(team)s.")
            % {"name": name, "start": start, "end": end, "other": clash, "team": team.name}
        )
    if Heartbeat.objects.filter(team=team, name=name).exists():
        raise ValidationError(
            gettext("%(team)s already has a heartbeat named %(name)s.")
            % {"team": team.name, "name": name}
        )


def _save_heartbeat(heartbeat: Heartbeat) -> Heartbeat:
    """Insert; a rule the database refuses (a concurrent writer won) is said in words."""
    try:
        with transaction.atomic():
            heartbeat.save()
    except (IntegrityError, DatabaseError) as exc:
        raise ValidationError(
            gettext("%(heartbeat)s: the database refused it (%(exc)s).")
            % {"heartbeat": heartbeat.name, "exc": exc}
        ) from exc
    return heartbeat


@transaction.atomic
def heartbeat_create(
    *, team: Team, period: Period, name: str, start: dt.date, end: dt.date
) -> Heartbeat:
    """One heartbeat with dates set by hand."""
    _refuse_if_following(team)
    name = name.strip()
    if not name:
        raise ValidationError(gettext("A heartbeat needs a name, e.g. Q1HB1."))
    _check_span(team, period, name, start, end)
    return _save_heartbeat(Heartbeat(team=team, period=period, name=name, start=start, end=end))


@transaction.atomic
def heartbeat_update(*, heartbeat: Heartbeat, name: str, start: dt.date, end: dt.date) -> Heartbeat:
    """Rename or re-date a heartbeat; it stays inside its period and clear of the others."""
    name = name.strip()
    if not name:
        raise ValidationError(gettext("A heartbeat needs a name, e.g. Q1HB1."))
    others = Heartbeat.objects.filter(team_id=heartbeat.team_id).exclude(pk=heartbeat.pk)
    if start >= end:
        raise ValidationError(
            gettext("%(name)s: the start (%(start)s) must come before the end (%(end)s).")
            % {"name": name, "start": start, "end": end}
        )
    period = heartbeat.period
    if start < period.start or end > period.end:
        raise ValidationError(
            gettext("%(name)s: a heartbeat must lie inside %(period)s (%(start)s to %(end)s).")
            % {"name": name, "period": period, "start": period.start, "end": period.end}
        )
    clash = others.filter(start__lte=end, end__gte=start).first()
    if clash is not None:
        raise ValidationError(
            gettext("%(name)s (%(start)s to %(end)s) overlaps %(other)s.")
            % {"name": name, "start": start, "end": end, "other": clash}
        )
    if others.filter(name=name).exists():
        raise ValidationError(
            gettext("%(team)s already has a heartbeat named %(name)s.")
            % {"team": heartbeat.team.name, "name": name}
        )
    heartbeat.name, heartbeat.start, heartbeat.end = name, start, end
    try:
        with transaction.atomic():
            heartbeat.save(update_fields=["name", "start", "end"])
    except (IntegrityError, DatabaseError) as exc:
        raise ValidationError(
            gettext("%(name)s: the database refused it (%(exc)s).") % {"name": name, "exc": exc}
        ) from exc
    return heartbeat


@transaction.atomic
def packet_role_remove(*, packet: WorkPacket, person_id: int, role: str, actor: Actor) -> None:
    """Take a RASCI role on the packet away from a person (nothing if they did not have it)."""
    _check_choice("role", role, RasciRole.choices)
    PacketRole.objects.filter(packet=packet, person_id=person_id, role=role).delete()


@transaction.atomic
def heartbeats_split(
    *, team: Team, period: Period, weeks: int, start: dt.date | None = None
) -> list[Heartbeat]:
    """Split `period` into consecutive heartbeats of `weeks` (2 or 3) weeks for `team`.

    Named `Q1HB1`, `Q1HB2`, … for a quarter `2017-Q1`, numbered after the team's heartbeats
    already in the period; once another year's quarter holds those names (names are unique in
    a team), with the year: `2018Q1HB1`, … All or nothing: one clash and none is created.
    """
    _refuse_if_following(team)
    existing = Heartbeat.objects.filter(team=team, period=period).count()
    prefix = heartbeat_prefix(period.slug)
    if (
        prefix
        and Heartbeat.objects.filter(team=team, name__startswith=f"{prefix}HB")
        .exclude(period=period)
        .exists()
    ):
        prefix = f"{period.start.year}{prefix}"
    try:
        spans = split_period(
            period_start=period.start,
            period_end=period.end,
            weeks=weeks,
            start=start,
            prefix=prefix,
            first_number=existing + 1,
        )
    except CalendarError as exc:
        raise ValidationError(f"{period}: {say(exc.args[0] if exc.args else exc)}.") from exc
    created = []
    for span in spans:
        _check_span(team, period, span.name, span.start, span.end)
        created.append(
            _save_heartbeat(
                Heartbeat(team=team, period=period, name=span.name, start=span.start, end=span.end)
            )
        )
    return created


# Packets ---------------------------------------------------------------------------------------


def _event(packet: WorkPacket, kind: str, actor: Actor, **fields: object) -> PacketEvent:
    return PacketEvent.objects.create(
        packet=packet, kind=kind, actor=actor if actor and actor.pk else None, **fields
    )


def _check_heartbeat(team: Team, heartbeat: Heartbeat | None) -> None:
    if heartbeat is not None and heartbeat.team_id != calendar_team(team).pk:
        raise ValidationError(
            gettext("heartbeat: %(heartbeat)s is not in the calendar %(team)s works in.")
            % {"heartbeat": heartbeat, "team": team.name}
        )


def _check_key_results(team: Team, key_results: Sequence[KeyResult]) -> None:
    allowed = set()
    node: Team | None = team
    while node is not None:
        allowed.add(node.pk)
        node = node.parent
    for kr in key_results:
        if kr.objective.team_id not in allowed:
            raise ValidationError(
                gettext(
                    "key_results: %(kr)s belongs to another team; a packet of %(team)s may move"
                    " the key results of its team and of the teams above it."
                )
                % {"kr": kr, "team": team.name}
            )


def _check_choice(field: str, value: str, choices: Iterable[tuple[str, str]]) -> None:
    allowed = [v for v, _ in choices]
    if value not in allowed:
        raise ValidationError(
            gettext("%(field)s: %(value)s is not one of %(value2)s.")
            % {"field": field, "value": repr(value), "value2": ", ".join(map(repr, allowed))}
        )


@transaction.atomic
def packet_create(
    *,
    team: Team,
    title: str,
    actor: Actor,
    description: str = "",
    heartbeat: Heartbeat | None = None,
    status: str = PacketStatus.TODO,
    priority: str = Priority.NONE,
    key_results: Sequence[KeyResult] = (),
    due: dt.date | None = None,
    external_url: str = "",
    responsible: Sequence[AbstractBaseUser] = (),
) -> WorkPacket:
    """A new packet of `team`, optionally in a heartbeat of its calendar (not committed yet)."""
    title = title.strip()
    if not title:
        raise ValidationError(gettext("title: a packet needs a title."))
    _check_choice("status", status, PacketStatus.choices)
    _check_choice("priority", priority, Priority.choices)
    _check_heartbeat(team, heartbeat)
    _check_key_results(team, key_results)
    packet = WorkPacket(
        team=team,
        title=title,
        description=description,
        heartbeat=heartbeat,
        status=status,
        priority=priority,
        due=due,
        external_url=external_url,
    )
    packet.full_clean(exclude=["team", "heartbeat"])
    packet.save()
    packet.key_results.set(key_results)
    for person in responsible:
        PacketRole.objects.create(packet=packet, person=person, role=RasciRole.RESPONSIBLE)
    _event(packet, EventKind.CREATED, actor, to_status=status, to_heartbeat=heartbeat)
    hook_events.packet_changed(packet)
    return packet


@transaction.atomic
def packet_update(
    *,
    packet: WorkPacket,
    actor: Actor,
    title: str | None = None,
    description: str | None = None,
    priority: str | None = None,
    key_results: Sequence[KeyResult] | None = None,
    due: dt.date | None = None,
    external_url: str | None = None,
) -> WorkPacket:
    """Change a packet's text and links; only the given fields change."""
    changed = []
    if title is not None:
        if not title.strip():
            raise ValidationError(gettext("title: a packet needs a title."))
        packet.title, changed = title.strip(), [*changed, "title"]
    if description is not None:
        packet.description, changed = description, [*changed, "description"]
    if priority is not None:
        _check_choice("priority", priority, Priority.choices)
        packet.priority, changed = priority, [*changed, "priority"]
    if due is not None:
        packet.due, changed = due, [*changed, "due"]
    if external_url is not None:
        packet.external_url, changed = external_url, [*changed, "external_url"]
    if changed:
        packet.full_clean(exclude=["team", "heartbeat"])
        packet.save(update_fields=[*changed, "updated_at"])
        hook_events.packet_changed(packet)
    if key_results is not None:
        _check_key_results(packet.team, key_results)
        packet.key_results.set(key_results)
    return packet


@transaction.atomic
def packet_set_status(
    *, packet: WorkPacket, status: str, actor: Actor, note: str = ""
) -> WorkPacket:
    """Move a packet to another status (a card to another column of the board)."""
    _check_choice("status", status, PacketStatus.choices)
    if packet.status == status:
        return packet
    before = packet.status
    packet.status = status
    packet.save(update_fields=["status", "updated_at"])
    event = _event(packet, EventKind.STATUS, actor, from_status=before, to_status=status, note=note)
    hook_events.packet_changed(packet)
    from okrs.talk.services import notify_packet_status  # talk reads heartbeats: imported late

    notify_packet_status(packet=packet, event=event)
    return packet


@transaction.atomic
def packet_set_role(
    *, packet: WorkPacket, person: AbstractBaseUser, role: str, actor: Actor
) -> PacketRole:
    """Give `person` a RASCI role on the packet (idempotent)."""
    _check_choice("role", role, RasciRole.choices)
    return PacketRole.objects.get_or_create(packet=packet, person=person, role=role)[0]


@transaction.atomic
def checklist_item_add(
    *,
    packet: WorkPacket,
    text: str,
    owner: AbstractBaseUser | None = None,
    owner_name: str = "",
    due: dt.date | None = None,
    done: bool = False,
) -> ChecklistItem:
    text = text.strip()
    if not text:
        raise ValidationError(gettext("text: a checklist item needs a text."))
    order = packet.checklist.count()
    item = ChecklistItem(
        packet=packet,
        text=text,
        owner=owner,
        owner_name=owner_name or (owner.get_username() if owner else ""),
        due=due,
        done=done,
        order=order,
    )
    item.full_clean(exclude=["packet", "owner"])
    item.save()
    return item


@transaction.atomic
def checklist_item_set_done(*, item: ChecklistItem, done: bool) -> ChecklistItem:
    item.done = done
    item.save(update_fields=["done"])
    return item


# Plan, mid-point, review, carry-over ------------------------------------------------------------


def _review_row(heartbeat: Heartbeat, team: Team) -> HeartbeatReview:
    return HeartbeatReview.objects.get_or_create(heartbeat=heartbeat, team=team)[0]


@transaction.atomic
def commitment_add(
    *, heartbeat: Heartbeat, packet: WorkPacket, priority: str, actor: Actor
) -> Commitment:
    """Commit a packet to a heartbeat's plan with priority P1 or P2; the packet moves there."""
    _check_choice("priority", priority, Priority.choices)
    _check_heartbeat(packet.team, heartbeat)
    commitment, created = Commitment.objects.get_or_create(
        heartbeat=heartbeat, packet=packet, defaults={"priority": priority}
    )
    if not created and commitment.priority != priority:
        commitment.priority = priority
        commitment.save(update_fields=["priority"])
    before = packet.heartbeat
    packet.heartbeat, packet.priority = heartbeat, priority
    packet.save(update_fields=["heartbeat", "priority", "updated_at"])
    hook_events.packet_changed(packet)
    if created:
        _event(
            packet,
            EventKind.COMMITTED,
            actor,
            from_heartbeat=before,
            to_heartbeat=heartbeat,
            note=priority,
        )
    return commitment


@transaction.atomic
def heartbeat_plan(
    *,
    heartbeat: Heartbeat,
    team: Team,
    commitments: Sequence[tuple[WorkPacket, str]],
    actor: Actor,
    note: str | None = None,
) -> HeartbeatReview:
    """Commit `team`'s packets to `heartbeat` with their priorities, and keep the plan's note."""
    _check_heartbeat(team, heartbeat)
    for packet, priority in commitments:
        if packet.team_id != team.pk:
            raise ValidationError(
                gettext("plan: %(packet)s is a packet of another team.") % {"packet": packet}
            )
        commitment_add(heartbeat=heartbeat, packet=packet, priority=priority, actor=actor)
    review = _review_row(heartbeat, team)
    if note is not None:
        review.plan_note = note
        review.save(update_fields=["plan_note"])
    return review


@transaction.atomic
def heartbeat_midpoint(
    *, heartbeat: Heartbeat, team: Team, note: str, on: dt.date | None = None
) -> HeartbeatReview:
    """The mid-point check: how the heartbeat goes, written halfway."""
    _check_heartbeat(team, heartbeat)
    on = on or timezone.localdate()
    if not heartbeat.start <= on <= heartbeat.end:
        raise ValidationError(
            gettext("midpoint_on: %(on)s is outside %(heartbeat)s.")
            % {"on": on, "heartbeat": heartbeat}
        )
    review = _review_row(heartbeat, team)
    review.midpoint_note, review.midpoint_on = note, on
    review.save(update_fields=["midpoint_note", "midpoint_on"])
    return review


@transaction.atomic
def heartbeat_review(
    *,
    heartbeat: Heartbeat,
    team: Team,
    actor: Actor,
    outcomes: Mapping[int, tuple[str, str]] | None = None,
    learned: str = "",
    demo_notes: str = "",
    at: dt.datetime | None = None,
) -> HeartbeatReview:
    """Review `team`'s part of `heartbeat`: per committed packet (by id) an outcome (done, not
    done, carried over) and why, what was learned, and the demo notes.

    Packets not named get the outcome their status says (done, or not done). Naming a packet
    that is not committed in this heartbeat is refused.
    """
    _check_heartbeat(team, heartbeat)
    outcomes = dict(outcomes or {})
    rows = {
        c.packet_id: c
        for c in Commitment.objects.filter(heartbeat=heartbeat, packet__team=team).select_related(
            "packet"
        )
    }
    unknown = set(outcomes) - set(rows)
    if unknown:
        raise ValidationError(
            gettext("outcomes: packets %(packets)s are not committed in %(heartbeat)s.")
            % {"packets": ", ".join(str(p) for p in sorted(unknown)), "heartbeat": heartbeat}
        )
    for packet_id, commitment in rows.items():
        outcome, reason = outcomes.get(packet_id, (commitment.outcome, commitment.reason))
        if not outcome:
            done = commitment.packet.status == PacketStatus.DONE
            outcome = Outcome.DONE if done else Outcome.NOT_DONE
        _check_choice(f"outcome of packet {packet_id}", outcome, Outcome.choices)
        if (commitment.outcome, commitment.reason) != (outcome, reason):
            commitment.outcome, commitment.reason = outcome, reason
            commitment.save(update_fields=["outcome", "reason"])
            _event(
                commitment.packet,
                EventKind.REVIEWED,
                actor,
                to_heartbeat=heartbeat,
                note=f"{outcome}: {reason}".rstrip(": "),
            )
    review = _review_row(heartbeat, team)
    review.learned, review.demo_notes = learned, demo_notes
    review.reviewed_at = at or timezone.now()
    review.reviewed_by = actor if actor and actor.pk else None
    review.save(update_fields=["learned", "demo_notes", "reviewed_at", "reviewed_by"])
    return review


@transaction.atomic
def carry_over(
    *,
    heartbeat: Heartbeat,
    team: Team,
    actor: Actor,
    to: Heartbeat | None = None,
    reason: str = "",
) -> list[WorkPacket]:
    """Move `team`'s unfinished packets of `heartbeat` to the next heartbeat in one step.

    Each keeps its history: its commitment here is marked carried over (with `reason`), a
    commitment with the same priority is made in the next heartbeat, and an event records it.
    """
    _check_heartbeat(team, heartbeat)
    target = to or next_heartbeat(heartbeat)
    if target is None:
        raise ValidationError(
            gettext("%(heartbeat)s is the last heartbeat of its calendar; add the next.")
            % {"heartbeat": heartbeat}
        )
    _check_heartbeat(team, target)
    if target.start <= heartbeat.start:
        raise ValidationError(
            gettext("to: %(target)s does not come after %(heartbeat)s.")
            % {"target": target, "heartbeat": heartbeat}
        )
    packets = list(
        WorkPacket.objects.filter(team=team, heartbeat=heartbeat, status__in=OPEN_STATUSES)
    )
    commitments = {
        c.packet_id: c for c in Commitment.objects.filter(heartbeat=heartbeat, packet__in=packets)
    }
    for packet in packets:
        commitment = commitments.get(packet.pk)
        priority = commitment.priority if commitment else packet.priority
        if commitment is not None:
            commitment.outcome, commitment.reason = Outcome.CARRIED_OVER, reason
            commitment.save(update_fields=["outcome", "reason"])
        Commitment.objects.get_or_create(
            heartbeat=target, packet=packet, defaults={"priority": priority}
        )
        packet.heartbeat = target
        packet.save(update_fields=["heartbeat", "updated_at"])
        hook_events.packet_changed(packet)
        _event(
            packet,
            EventKind.CARRIED_OVER,
            actor,
            from_heartbeat=heartbeat,
            to_heartbeat=target,
            note=reason,
        )
    return packets
