"""Who may read and change heartbeats and work packets.

Readers of a team read its heartbeats and packets; the team's leads (and site admins) edit its
heartbeats, plans, reviews and every packet; members edit the packets they are Responsible for.
A team that follows its parent's calendar sees the parent's heartbeats through its own pages.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext

from okrs.heartbeats.models import Heartbeat, RasciRole, WorkPacket
from okrs.heartbeats.selectors import calendar_team
from okrs.org.access import User, can_lead_team, get_team_for_user, team_role, visible_teams
from okrs.org.models import Role, Team


def visible_packets(user: User) -> QuerySet[WorkPacket]:
    return WorkPacket.objects.filter(team__in=visible_teams(user).values("pk"))


def can_edit_packet(user: User, packet: WorkPacket) -> bool:
    if can_lead_team(user, packet.team):
        return True
    if team_role(user, packet.team) != Role.MEMBER:
        return False
    return packet.roles.filter(person_id=user.pk, role=RasciRole.RESPONSIBLE).exists()


def get_heartbeat_for_user(
    user: User, slug: str, pk: int, *, write: bool = False
) -> tuple[Team, Heartbeat]:
    """The team and one heartbeat of its calendar; 404 when either may not be read, 403 when
    `write` is asked by someone who does not lead the team."""
    team = get_team_for_user(user, slug, write=write)
    owner = calendar_team(team)
    heartbeat = Heartbeat.objects.select_related("period", "team").filter(pk=pk, team=owner).first()
    if heartbeat is None:
        raise Http404(gettext("No such heartbeat in this team's calendar."))
    return team, heartbeat


def get_packet_for_user(user: User, slug: str, pk: int, *, write: bool = False) -> WorkPacket:
    team = get_team_for_user(user, slug)
    packet = WorkPacket.objects.select_related("team", "heartbeat").filter(pk=pk, team=team).first()
    if packet is None:
        raise Http404(gettext("No such packet."))
    if write and not can_edit_packet(user, packet):
        raise PermissionDenied(
            gettext("Only the team's leads and the packet's Responsible members may change it.")
        )
    return packet


def editable_packet_ids(user: User, team: Team, packets: list[WorkPacket]) -> set[int]:
    """Ids of `packets` (of `team`, with `roles` prefetched) that `user` may change; no query
    per packet."""
    if can_lead_team(user, team):
        return {p.pk for p in packets}
    if not user.is_authenticated or team_role(user, team) != Role.MEMBER:
        return set()
    return {
        p.pk
        for p in packets
        if any(r.person_id == user.pk and r.role == RasciRole.RESPONSIBLE for r in p.roles.all())
    }
