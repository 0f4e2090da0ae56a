"""Reads of heartbeats and packets, with their joins built in (a fixed number of queries)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Case, Count, Prefetch, Q, QuerySet, Value, When
from django.utils.translation import gettext

from okrs.goals.access import visible_key_results
from okrs.goals.models import KeyResult
from okrs.heartbeats.models import (
    ChecklistItem,
    Commitment,
    Heartbeat,
    Outcome,
    PacketRole,
    PacketStatus,
    Priority,
    WorkPacket,
)
from okrs.org.access import User
from okrs.org.models import Team

MAX_CALENDAR_DEPTH = 16
OPEN_STATUSES = (PacketStatus.TODO, PacketStatus.IN_PROGRESS, PacketStatus.BLOCKED)


def calendar_team(team: Team) -> Team:
    """The team whose heartbeats `team` works in: itself, or the nearest ancestor that keeps its
    own calendar when `team` follows its parent's."""
    node, depth = team, 0
    while node.follows_parent_heartbeats and node.parent_id and depth < MAX_CALENDAR_DEPTH:
        node = Team.objects.only(
            "pk", "parent_id", "follows_parent_heartbeats", "slug", "name"
        ).get(pk=node.parent_id)
        depth += 1
    return node


def heartbeats_for_team(team: Team) -> QuerySet[Heartbeat]:
    """The heartbeats of the calendar `team` works in, oldest first."""
    return Heartbeat.objects.filter(team=calendar_team(team)).select_related("period")


def next_heartbeat(heartbeat: Heartbeat) -> Heartbeat | None:
    return (
        Heartbeat.objects.filter(team_id=heartbeat.team_id, start__gt=heartbeat.end)
        .order_by("start")
        .first()
    )


def packets_with_details(packets: QuerySet[WorkPacket], user: User) -> QuerySet[WorkPacket]:
    """Packets with their team, heartbeat, roles (with people), checklist and the KRs they move
    that `user` may read (`visible_key_results`: a draft or private KR linked to a packet of a
    public team stays hidden) prefetched."""
    readable = visible_key_results(user).select_related("objective")
    return packets.select_related("team", "heartbeat").prefetch_related(
        Prefetch("key_results", queryset=readable),
        Prefetch("roles", queryset=PacketRole.objects.select_related("person__profile")),
        Prefetch("checklist", queryset=ChecklistItem.objects.select_related("owner")),
    )


@dataclass
class Column:
    status: str
    label: str
    packets: list[WorkPacket] = field(default_factory=list)


@dataclass
class ClosureRate:
    priority: str
    label: str
    committed: int
    done: int

    @property
    def rate(self) -> float | None:
        return self.done / self.committed if self.committed else None


def board_columns(team: Team, heartbeat: Heartbeat, user: User) -> list[Column]:
    """One column per status with `team`'s packets of `heartbeat`, as `user` reads them (four
    queries)."""
    columns = {value: Column(value, label) for value, label in PacketStatus.choices}
    packets = packets_with_details(WorkPacket.objects.filter(team=team, heartbeat=heartbeat), user)
    for packet in packets.order_by("priority", "order", "id"):
        columns[packet.status].packets.append(packet)
    return list(columns.values())


def closure_rates(heartbeat: Heartbeat, team: Team) -> list[ClosureRate]:
    """Done ÷ committed per priority (and overall, priority "*"), counted in SQL.

    A commitment counts as done when its review outcome is done, or, before the review, when
    its packet is done and still in this heartbeat.
    """
    done = Q(outcome=Outcome.DONE) | Q(
        outcome=Outcome.OPEN, packet__status=PacketStatus.DONE, packet__heartbeat=heartbeat
    )
    rows = (
        Commitment.objects.filter(heartbeat=heartbeat, packet__team=team)
        .values("priority")
        .annotate(committed=Count("pk"), done=Count("pk", filter=done))
        .order_by("priority")
    )
    labels = dict(Priority.choices) | {"": gettext("No priority")}
    rates = [
        ClosureRate(
            r["priority"], labels.get(r["priority"], r["priority"]), r["committed"], r["done"]
        )
        for r in rows
    ]
    rates.sort(key=lambda r: r.priority or "~")
    total = ClosureRate(
        "*", gettext("All"), sum(r.committed for r in rates), sum(r.done for r in rates)
    )
    return [*rates, total]


def _no_priority_last() -> Case:
    return Case(When(priority="", then=Value(1)), default=Value(0))


def commitments_for_review(heartbeat: Heartbeat, team: Team) -> QuerySet[Commitment]:
    return (
        Commitment.objects.filter(heartbeat=heartbeat, packet__team=team)
        .select_related("packet", "packet__heartbeat")
        .prefetch_related(
            Prefetch("packet__roles", queryset=PacketRole.objects.select_related("person__profile"))
        )
        .order_by(_no_priority_last(), "priority", "packet__order", "packet_id")
    )


def packets_for_key_result(
    key_result: KeyResult, visible: QuerySet[WorkPacket] | None = None
) -> list[WorkPacket]:
    """The packets that move `key_result`, newest heartbeat first, limited to `visible` when
    given (pass `okrs.heartbeats.access.visible_packets(user)`)."""
    packets = key_result.packets.all()
    if visible is not None:
        packets = packets.filter(pk__in=visible.values("pk"))
    packets = packets.select_related("team", "heartbeat").prefetch_related(
        Prefetch(
            "roles",
            queryset=PacketRole.objects.filter(role="R").select_related("person__profile"),
            to_attr="responsible",
        )
    )
    return list(packets.order_by("-heartbeat__start", "status", "order", "id"))


def plan_candidates(heartbeat: Heartbeat, team: Team) -> list[WorkPacket]:
    """`team`'s packets that may be planned in `heartbeat`: those already in it and the open
    packets not scheduled in any heartbeat; each with `planned_priority` (None if uncommitted)."""
    committed = dict(
        Commitment.objects.filter(heartbeat=heartbeat, packet__team=team).values_list(
            "packet_id", "priority"
        )
    )
    packets = WorkPacket.objects.filter(team=team).filter(
        Q(heartbeat=heartbeat) | Q(heartbeat__isnull=True, status__in=OPEN_STATUSES)
    )
    result = list(packets.order_by("order", "id"))
    for packet in result:
        packet.planned_priority = committed.get(packet.pk)  # type: ignore[attr-defined]
    return result


# --- the packets list of the API ----------------------------------------------------------


@dataclass(frozen=True)
class PacketListFilter:
    """What the packets list is narrowed to; None leaves a filter out."""

    team: str | None = None  # the team's slug
    heartbeat: int | None = None
    period: str | None = None  # the slug of the period of the packet's heartbeat
    status: str | None = None
    key_result: int | None = None  # packets linked to this key result


def filter_packets(packets: QuerySet[WorkPacket], where: PacketListFilter) -> QuerySet[WorkPacket]:
    """`packets` (pass `okrs.heartbeats.access.visible_packets(user)`) narrowed by `where`."""
    lookups = {
        "team__slug": where.team,
        "heartbeat_id": where.heartbeat,
        "heartbeat__period__slug": where.period,
        "status": where.status,
        "key_results": where.key_result,
    }
    return packets.filter(**{name: value for name, value in lookups.items() if value is not None})
