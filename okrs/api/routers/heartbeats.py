"""Heartbeats and work packets. Readers of the team read them; the team's leads change packets."""

from typing import Any

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status

from okrs.api.auth import require_write
from okrs.api.common import (
    check_if_match,
    etag_of,
    items,
    page,
    paginate,
)
from okrs.api.errors import ERRORS, ApiError
from okrs.api.routers.org import ListFilters
from okrs.api.schemas import (
    HeartbeatOut,
    HeartbeatPage,
    Id,
    PacketIn,
    PacketOut,
    PacketPage,
    PacketPatch,
    Slug,
    patch_changes,
)
from okrs.goals.access import (
    visible_key_results,
)
from okrs.heartbeats import access as heartbeat_access
from okrs.heartbeats import services as packet_services
from okrs.heartbeats.models import Heartbeat, PacketStatus, WorkPacket
from okrs.heartbeats.selectors import (
    PacketListFilter,
    calendar_team,
    filter_packets,
)
from okrs.org.access import get_team_for_user, visible_teams
from okrs.org.models import Team

router = Router(tags=["heartbeats"])


def heartbeat_out(heartbeat: Heartbeat) -> dict[str, Any]:
    return {
        "id": heartbeat.pk,
        "team": heartbeat.team.slug,
        "period": heartbeat.period.slug,
        "name": heartbeat.name,
        "start": heartbeat.start,
        "end": heartbeat.end,
    }


class HeartbeatFilters(ListFilters):
    team: Slug | None = None
    period: Slug | None = None


def visible_heartbeats(user: Any) -> Any:
    return Heartbeat.objects.filter(team__in=visible_teams(user).values("pk")).select_related(
        "team", "period"
    )


@router.get("/heartbeats", response={200: HeartbeatPage, **ERRORS})
def list_heartbeats(request: HttpRequest, filters: Query[HeartbeatFilters]) -> Any:
    heartbeats = visible_heartbeats(request.auth)
    if filters.team:
        heartbeats = heartbeats.filter(team__slug=filters.team)
    if filters.period:
        heartbeats = heartbeats.filter(period__slug=filters.period)
    rows, cursor = paginate(heartbeats, filters.cursor, filters.limit)
    return page([heartbeat_out(h) for h in rows], cursor)


@router.get("/heartbeats/{heartbeat_id}", response={200: HeartbeatOut, **ERRORS})
def get_heartbeat(request: HttpRequest, heartbeat_id: Id) -> Any:
    heartbeat = visible_heartbeats(request.auth).filter(pk=heartbeat_id).first()
    if heartbeat is None:
        raise ApiError(404, "not_found", "No such heartbeat.")
    return heartbeat_out(heartbeat)


# --- work packets --------------------------------------------------------------------------


PACKET_OUT = {
    "id": "id", "team": "team__slug", "heartbeat": "heartbeat_id", "title": "title",
    "description": "description", "status": "status", "priority": "priority", "due": "due",
    "external_url": "external_url", "order": "order", "created_at": "created_at",
    "updated_at": "updated_at",
}  # fmt: skip
"""A packet as the API shows it, each key of `PacketOut` and the lookup it is read with
(`values()`), but for its key results (`_packet_items`)."""


def _packet_items(user: Any, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Packets read with `PACKET_OUT`, each with the keys of the key results it moves that
    `user` may read (`visible_key_results`), in order: one query for all of them."""
    found = items(rows, PACKET_OUT)
    links = WorkPacket.key_results.through.objects.filter(
        workpacket_id__in=[row["id"] for row in found],
        keyresult_id__in=visible_key_results(user).values("pk"),
    ).values_list("workpacket_id", "keyresult_id")
    moved: dict[int, list[int]] = {row["id"]: [] for row in found}
    for packet_id, key_result_id in links:
        moved[packet_id].append(key_result_id)
    for row in found:
        row["key_results"] = sorted(moved[row["id"]])
    return found


def _packet_item(user: Any, pk: int, response: HttpResponse) -> dict[str, Any]:
    """Packet `pk` as `user` may read it (404 otherwise), its ETag set on `response`."""
    rows = heartbeat_access.visible_packets(user).filter(pk=pk).values(*PACKET_OUT.values())
    if not rows:
        raise ApiError(404, "not_found", "No such work packet.")
    response["ETag"] = etag_of(WorkPacket, pk, rows[0]["updated_at"])
    return _packet_items(user, list(rows))[0]


class PacketFilters(ListFilters):
    team: Slug | None = None
    heartbeat: Id | None = None
    period: Slug | None = None
    status: PacketStatus | None = None
    key_result: Id | None = None


@router.get("/packets", response={200: PacketPage, **ERRORS})
def list_packets(request: HttpRequest, filters: Query[PacketFilters]) -> Any:
    where = PacketListFilter(
        team=filters.team or None,
        heartbeat=filters.heartbeat or None,
        period=filters.period or None,
        status=filters.status or None,
        key_result=filters.key_result or None,
    )
    packets = filter_packets(heartbeat_access.visible_packets(request.auth), where)
    rows, cursor = paginate(packets.values(*PACKET_OUT.values()), filters.cursor, filters.limit)
    return page(_packet_items(request.auth, rows), cursor)


def _packet_for(user: Any, pk: int, *, write: bool = False) -> WorkPacket:
    packet = heartbeat_access.visible_packets(user).select_related("team").filter(pk=pk).first()
    if packet is None:
        raise ApiError(404, "not_found", "No such work packet.")
    if write and not heartbeat_access.can_edit_packet(user, packet):
        raise ApiError(403, "forbidden", "Only the team's leads and Responsible may change it.")
    return packet


@router.get("/packets/{packet_id}", response={200: PacketOut, **ERRORS})
def get_packet(request: HttpRequest, packet_id: Id, response: HttpResponse) -> Any:
    return _packet_item(request.auth, packet_id, response)


def _heartbeat_of(team: Team, pk: int | None) -> Heartbeat | None:
    if pk is None:
        return None
    heartbeat = Heartbeat.objects.filter(pk=pk, team=calendar_team(team)).first()
    if heartbeat is None:
        raise ApiError(422, "invalid", f"Team {team.slug} has no heartbeat {pk}.", "heartbeat")
    return heartbeat


def _readable_key_results(user: Any, ids: list[int]) -> list[Any]:
    found = list(visible_key_results(user).filter(pk__in=ids).select_related("objective"))
    missing = sorted(set(ids) - {k.pk for k in found})
    if missing:
        raise ApiError(422, "invalid", f"No key result {missing[0]}.", "key_results")
    return found


@router.post("/packets", response={201: PacketOut, **ERRORS})
def create_packet(request: HttpRequest, body: PacketIn, response: HttpResponse) -> Any:
    user = require_write(request)
    team = get_team_for_user(user, body.team, write=True)
    fields = body.model_dump(exclude={"team", "heartbeat", "key_results"})
    packet = packet_services.packet_create(
        team=team,
        actor=user,
        heartbeat=_heartbeat_of(team, body.heartbeat),
        key_results=_readable_key_results(user, body.key_results),
        **fields,
    )
    response["Location"] = f"{request.path.rstrip('/')}/{packet.pk}"
    return Status(201, _packet_item(user, packet.pk, response))


@router.patch("/packets/{packet_id}", response={200: PacketOut, **ERRORS})
def update_packet(
    request: HttpRequest, packet_id: Id, body: PacketPatch, response: HttpResponse
) -> Any:
    user = require_write(request)
    changes = patch_changes(body)
    key_result_ids = changes.pop("key_results", None)
    with transaction.atomic():
        packet = _packet_for(user, packet_id, write=True)
        WorkPacket.objects.select_for_update().filter(pk=packet_id).order_by().values_list(
            "pk"
        ).first()
        packet = _packet_for(user, packet_id, write=True)
        check_if_match(request, packet)
        status = changes.pop("status", None)
        key_results = None
        if key_result_ids is not None:
            key_results = _readable_key_results(user, key_result_ids)
        packet_services.packet_update(packet=packet, actor=user, key_results=key_results, **changes)
        if status is not None:
            packet_services.packet_set_status(packet=packet, status=status, actor=user)
    return _packet_item(user, packet_id, response)
