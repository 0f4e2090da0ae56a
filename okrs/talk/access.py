"""Who may read and take part in the discussion of a target.

Readers of the target read its comments and its counts; signed-in readers comment, mark
interest, offer help and follow; names of interested people and offers are shown to the team's
members only; leads of the target's team hide comments and decide offers.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext

from okrs.goals.access import can_read_objective
from okrs.goals.models import KeyResult, Objective
from okrs.heartbeats.models import Heartbeat, WorkPacket
from okrs.org.access import User, can_lead_team, can_read_team, is_site_admin, team_role
from okrs.org.models import Team

KINDS = ("objective", "key_result", "heartbeat", "packet")
Target = Objective | KeyResult | Heartbeat | WorkPacket


def target_team(target: Target) -> Team:
    if isinstance(target, KeyResult):
        return target.objective.team
    return target.team


def kind_of(target: Target) -> str:
    if isinstance(target, Objective):
        return "objective"
    if isinstance(target, KeyResult):
        return "key_result"
    if isinstance(target, Heartbeat):
        return "heartbeat"
    return "packet"


def can_read_target(user: User, target: Target) -> bool:
    if isinstance(target, Objective):
        return can_read_objective(user, target)
    if isinstance(target, KeyResult):
        return can_read_objective(user, target.objective)
    return can_read_team(user, target.team)


def load_target(kind: str, pk: int) -> Target | None:
    if kind == "objective":
        return Objective.objects.select_related("team", "period").filter(pk=pk).first()
    if kind == "key_result":
        return (
            KeyResult.objects.select_related("objective__team", "objective__period")
            .filter(pk=pk)
            .first()
        )
    if kind == "heartbeat":
        return Heartbeat.objects.select_related("team", "period").filter(pk=pk).first()
    if kind == "packet":
        return WorkPacket.objects.select_related("team").filter(pk=pk).first()
    return None


def get_target_for_user(user: User, kind: str, pk: int, *, take_part: bool = False) -> Target:
    """The target, or 404 when `user` may not read it; 403 when `take_part` (comment, mark
    interest, offer, follow) is asked by someone not signed in."""
    target = load_target(kind, pk)
    if target is None or not can_read_target(user, target):
        raise Http404(gettext("Nothing to discuss here."))
    if take_part and not user.is_authenticated:
        raise PermissionDenied(gettext("Sign in to take part in the discussion."))
    return target


@dataclass(frozen=True)
class TalkAbilities:
    """What one reader may do in one target's discussion (computed once per page)."""

    signed_in: bool
    member: bool
    lead: bool
    admin: bool
    user_id: int | None

    @property
    def sees_names(self) -> bool:
        return self.member or self.admin


def abilities_for(user: User, target: Target) -> TalkAbilities:
    team = target_team(target)
    role = team_role(user, team)
    return TalkAbilities(
        signed_in=bool(user.is_authenticated),
        member=role is not None,
        lead=can_lead_team(user, team),
        admin=is_site_admin(user),
        user_id=user.pk if user.is_authenticated else None,
    )


def can_lead_target(user: User, target: Target) -> bool:
    return can_lead_team(user, target_team(target))
