"""Who may read and change objectives and key results. Every page, export and endpoint goes
through here: readers who may not see an objective get 404 (its existence is not revealed),
readers who may see but not change it get 403."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext

from okrs.goals.models import KeyResult, Objective
from okrs.org.access import User, can_lead_team, is_site_admin, team_role
from okrs.org.models import Membership, Role


def visible_objectives(user: User) -> QuerySet[Objective]:
    """`Objective.objects.visible_to(user)`: the objectives `user` may read (the rule is
    `okrs.goals.models._readable`)."""
    return Objective.objects.visible_to(user)


def visible_key_results(user: User) -> QuerySet[KeyResult]:
    """`KeyResult.objects.visible_to(user)`: the key results of the objectives `user` may read."""
    return KeyResult.objects.visible_to(user)


def can_read_objective(user: User, objective: Objective) -> bool:
    """Whether `user` may read `objective`: `visible_to` asked of this one objective."""
    if is_site_admin(user):
        return True
    return Objective.objects.visible_to(user).filter(pk=objective.pk).exists()


def can_review_objective(user: User, objective: Objective) -> bool:
    """Leads of the parent team (and site admins) review the objectives a team proposes."""
    if is_site_admin(user):
        return True
    if not user.is_authenticated or objective.team.parent_id is None:
        return False
    return Membership.objects.filter(
        person_id=user.pk, team_id=objective.team.parent_id, role=Role.LEAD
    ).exists()


def can_edit_objective(user: User, objective: Objective) -> bool:
    """Leads of the objective's team (and site admins) edit it and its key results."""
    return can_lead_team(user, objective.team)


def can_check_in(user: User, key_result: KeyResult) -> bool:
    """Leads and members of the team check in on its KRs; so does the KR's owner if a reader."""
    objective = key_result.objective
    if is_site_admin(user):
        return True
    role = team_role(user, objective.team)
    if role in (Role.LEAD, Role.MEMBER):
        return True
    is_owner = user.is_authenticated and key_result.owner_id == user.pk
    return is_owner and can_read_objective(user, objective)


def get_objective_for_user(user: User, pk: int, *, write: bool = False) -> Objective:
    objective = (
        Objective.objects.visible_to(user)
        .select_related("team", "period", "owner__profile")
        .filter(pk=pk)
        .first()
    )
    if objective is None:
        raise Http404(gettext("No such objective."))
    if write and not can_edit_objective(user, objective):
        raise PermissionDenied(gettext("Only the team's leads may change this objective."))
    return objective


def get_key_result_for_user(user: User, pk: int, *, action: str = "read") -> KeyResult:
    """The key result for `action` in read / checkin / edit, or 404 / 403 as the module says."""
    key_result = (
        KeyResult.objects.visible_to(user)
        .select_related("objective__team", "objective__period", "owner__profile")
        .filter(pk=pk)
        .first()
    )
    if key_result is None:
        raise Http404(gettext("No such key result."))
    if action == "checkin" and not can_check_in(user, key_result):
        raise PermissionDenied(gettext("Only the team's members and the owner may check in here."))
    if action == "edit" and not can_edit_objective(user, key_result.objective):
        raise PermissionDenied(gettext("Only the team's leads may change this key result."))
    return key_result
