"""Reads of heartbeats and packets, with their joins built in (a fixed number of queries)."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Case, Count, Prefetch, Q, QuerySet, Value, When

from okrs.goals.access import visible_key_results, visible_objectives_sql
from okrs.goals.models import KeyResult, Objective, Period
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
from okrs.org.access import User, visible_team_ids_sql
from okrs.org.models import Team
from okrs.sqlread import api_time_sql, read_dicts

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
    labels = dict(Priority.choices) | {"": "No priority"}
    rates = [
        ClosureRate(
            r["priority"], labels.get(r["priority"], r["priority"]), r["committed"], r["done"]
        )
        for r in rows
    ]
    rates.sort(key=lambda r: r.priority or "~")
    total = ClosureRate("*", "All", sum(r.committed for r in rates), sum(r.done for r in rates))
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


# --- the packets list of the API, written out -------------------------------------------------

PACKET_LIST_FIELDS = (
    "id", "team", "heartbeat", "title", "description", "status", "priority", "key_results",
    "due", "external_url", "order", "created_at", "updated_at",
)  # fmt: skip
"""The keys of a `packet_list_page` row, in the order of the API's schema: the packet's own
columns, the team by its slug, the keys of the key results it moves that the reader may read
(in order), the times as the API's text."""


@dataclass(frozen=True)
class PacketListFilter:
    """What the packets list is narrowed to; None leaves a filter out."""

    team: str | None = None  # the team's slug
    heartbeat: int | None = None
    period: str | None = None  # the slug of the period of the packet's heartbeat
    status: str | None = None
    key_result: int | None = None  # packets linked to this key result


def packet_list_sql(
    user: User, where: PacketListFilter, *, after: int, limit: int
) -> tuple[str, list[Any]]:
    """One query: the packets of the teams `user` may read (`org.access.visible_team_ids_sql`),
    narrowed by `where`, with an id above `after`, in id order, at most `limit`; its columns in
    `PACKET_LIST_FIELDS` order.

    Written out rather than built with the ORM: building the query cost the ORM about as much as
    the database takes to run it and return the rows, on the API's busiest list (`okrs bench
    load`); the tables and columns come from the models, and the rows are tested equal to the
    ORM's filters (`tests/api/test_packet_list_sql.py`)."""
    rule, rule_args = visible_objectives_sql(user, "ko", "kt")
    teams = visible_team_ids_sql(user)
    filters = [(name, getattr(where, name)) for name in _PACKET_FILTERS]
    head, tail = _packet_list_text(
        connection.vendor,
        rule,
        None if teams is None else teams[0],
        tuple(value is not None for _, value in filters),
    )
    # the select list's parameters first, then the WHERE clause's in its order
    args: list[Any] = [*rule_args, *(() if teams is None else teams[1])]
    args += [value for _, value in filters if value is not None]
    # the cursor and the limit written in, as the ORM writes the limit: as parameters,
    # PostgreSQL's generic plan guesses a third of the rows past the cursor and a page of
    # unknown size, and plans for reading them all (up to 3.7 ms instead of 0.2)
    return f"{head}{int(after)}{tail}{int(limit)}", args


_PACKET_FILTERS = ("team", "heartbeat", "period", "status", "key_result")


@functools.lru_cache(maxsize=64)
def _packet_list_text(
    vendor: str, rule: str, teams: str | None, filtered: tuple[bool, ...]
) -> tuple[str, str]:
    """`packet_list_sql`'s text for a reader's rules and the filters given (`_PACKET_FILTERS`),
    cut where the cursor and the limit go: built once per shape, as building it took a tenth of
    the read (0.3 of 3.3 million instructions)."""
    q = connection.ops.quote_name
    packet, team, heartbeat, period = (
        WorkPacket._meta, Team._meta, Heartbeat._meta, Period._meta
    )  # fmt: skip
    links = WorkPacket.key_results.through._meta

    def column(name: str) -> str:
        return "p." + q(packet.get_field(name).column)

    shown = {name: api_time_sql(column(name)) for name in ("created_at", "updated_at")}
    shown["team"] = "t." + q("slug")
    # the links in the same query, those to key results of objectives the reader may read (the
    # rule of the objectives list), as one text of keys: a second query for them cost the read
    # a fifth of its time under load (a round trip, both sides)
    key_result, objective = KeyResult._meta, Objective._meta
    keys = f"l.{q(links.get_field('keyresult').column)}"
    joined = (
        f"string_agg(CAST({keys} AS TEXT), ',')"
        if vendor == "postgresql"
        else f"group_concat({keys})"
    )
    shown["key_results"] = (
        f"(SELECT {joined} FROM {q(links.db_table)} l"
        f" JOIN {q(key_result.db_table)} k ON k.{q(key_result.pk.column)} = {keys}"
        f" JOIN {q(objective.db_table)} ko"
        f" ON ko.{q(objective.pk.column)} = k.{q(key_result.get_field('objective').column)}"
        f" JOIN {q(team.db_table)} kt"
        f" ON kt.{q(team.pk.column)} = ko.{q(objective.get_field('team').column)}"
        f" WHERE l.{q(links.get_field('workpacket').column)} = {column('id')} AND {rule})"
    )
    selected = [shown.get(name) or column(name) for name in PACKET_LIST_FIELDS]
    where_sql: list[str] = []
    if teams is not None:
        where_sql.append(f"{column('team')} IN ({teams})")
    conditions = {
        # the team's key from a scalar subquery, not the join: with the (team, id) index the
        # database then reads just the page (PostgreSQL walked the packets in key order when
        # no rule narrowed the teams first: 3 -> 0.1 ms for a site admin at the large scale)
        "team": f"{column('team')} = (SELECT {q(team.pk.column)} FROM {q(team.db_table)}"
        f" WHERE {q('slug')} = %s)",
        "heartbeat": f"{column('heartbeat')} = %s",
        "period": f"{column('heartbeat')} IN (SELECT h.{q(heartbeat.pk.column)}"
        f" FROM {q(heartbeat.db_table)} h JOIN {q(period.db_table)} pe"
        f" ON pe.{q(period.pk.column)} = h.{q(heartbeat.get_field('period').column)}"
        f" WHERE pe.{q('slug')} = %s)",
        "status": f"{column('status')} = %s",
        "key_result": f"{column('id')} IN (SELECT l.{q(links.get_field('workpacket').column)}"
        f" FROM {q(links.db_table)} l WHERE l.{q(links.get_field('keyresult').column)} = %s)",
    }
    where_sql += [
        conditions[name] for name, on in zip(_PACKET_FILTERS, filtered, strict=True) if on
    ]
    head = (
        f"SELECT {', '.join(selected)} FROM {q(packet.db_table)} p"
        f" JOIN {q(team.db_table)} t ON t.{q(team.pk.column)} = {column('team')}"
        f" WHERE {column('id')} > "
    )
    tail = "".join(f" AND {condition}" for condition in where_sql)
    return head, f"{tail} ORDER BY {column('id')} LIMIT "


def packet_list_page(
    user: User, where: PacketListFilter, *, after: int = 0, limit: int
) -> list[dict[str, Any]]:
    """The rows of `packet_list_sql`, as dicts keyed by `PACKET_LIST_FIELDS`: the API's items as
    they are written out (`okrs.api.common.json_page`)."""
    rows = read_dicts(*packet_list_sql(user, where, after=after, limit=limit), PACKET_LIST_FIELDS)
    for row in rows:
        keys = row["key_results"]
        row["key_results"] = sorted(int(key) for key in keys.split(",")) if keys else []
    return rows
