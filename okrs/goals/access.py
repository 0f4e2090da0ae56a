"""Who may read and change objectives and key results. Every page, export and endpoint goes
through here: readers who may not see an objective get 404 (its existence is not revealed),
readers who may see but not change it get 403."""

from __future__ import annotations

import functools
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext

from okrs.goals.models import KeyResult, Objective, ObjectiveState, ObjectiveVisibility
from okrs.org.access import User, can_lead_team, is_site_admin, team_role
from okrs.org.models import Membership, Role, Visibility
from okrs.sqlread import sql_constant

PUBLIC_STATES = (ObjectiveState.PUBLISHED, ObjectiveState.ARCHIVED)


def _public() -> Q:
    """`is_public` as a filter."""
    return Q(
        state__in=PUBLIC_STATES,
        team__visibility=Visibility.PUBLIC,
        visibility=ObjectiveVisibility.TEAM,
    )


PUBLIC_RULE_FIELDS = ("state", "visibility", "team__visibility")
"""What `is_public` reads of an objective and its team, in its order."""


def is_public(state: str, visibility: str, team_visibility: str) -> bool:
    """Anyone, signed in or not, reads an objective published (or archived) in a public team and
    not marked private: all an anonymous reader may read (`_public` is the same as a filter)."""
    return (
        state in PUBLIC_STATES
        and team_visibility == Visibility.PUBLIC
        and visibility == ObjectiveVisibility.TEAM
    )


def visible_objectives(user: User) -> QuerySet[Objective]:
    """Objectives `user` may read.

    Anyone reads published objectives of public teams that are not marked private; members of a
    team (any role) read all of its objectives, drafts included; site admins read everything.
    """
    objectives = Objective.objects.all()
    if is_site_admin(user):
        return objectives
    if not user.is_authenticated:
        return objectives.filter(_public())
    member_of = Q(team__memberships__person_id=user.pk)
    reviewer_of = Q(
        state=ObjectiveState.IN_REVIEW,
        team__parent__memberships__person_id=user.pk,
        team__parent__memberships__role=Role.LEAD,
    )
    return objectives.filter(_public() | member_of | reviewer_of).distinct()


def visible_objectives_sql(user: User, objective: str, team: str) -> tuple[str, tuple[Any, ...]]:
    """`visible_objectives(user)` as a condition of a written-out query, on the objectives
    aliased `objective` joined to their team `team`, with its parameters: nothing for site
    admins; `_public` written out for anonymous readers, its constants in the text (a test
    keeps it equal to the filter); for everyone else the objective's key in the rule's own
    query, compiled from `visible_objectives`."""
    if is_site_admin(user):
        return "TRUE", ()
    if not user.is_authenticated:
        return _public_sql(connection.vendor, objective, team), ()
    q = connection.ops.quote_name
    sql, params = visible_objectives(user).order_by().values("pk").query.sql_with_params()
    return f"{objective}.{q(Objective._meta.pk.column)} IN ({sql})", tuple(params)


@functools.cache
def _public_sql(vendor: str, objective: str, team: str) -> str:
    """`_public` written out, its constants in the text (`okrs.sqlread.sql_constant` says why)."""
    q = connection.ops.quote_name
    column = {name: q(Objective._meta.get_field(name).column) for name in ("state", "visibility")}
    team_visibility = q(
        Objective._meta.get_field("team").related_model._meta.get_field("visibility").column
    )
    states = ", ".join(sql_constant(state) for state in PUBLIC_STATES)
    return (
        f"{objective}.{column['state']} IN ({states})"
        f" AND {objective}.{column['visibility']} = {sql_constant(ObjectiveVisibility.TEAM)}"
        f" AND {team}.{team_visibility} = {sql_constant(Visibility.PUBLIC)}"
    )


def visible_key_results(user: User) -> QuerySet[KeyResult]:
    return KeyResult.objects.filter(objective__in=visible_objectives(user).values("pk"))


OBJECTIVE_RULE_FIELDS = (*PUBLIC_RULE_FIELDS, "team__parent_id")
"""What `can_read_objective` reads of an objective and its team: all a check alone needs to load
(with `team_id`); anything else it touched would be loaded by a query of its own."""


def can_read_objective(user: User, objective: Objective) -> bool:
    if is_site_admin(user):
        return True
    public = is_public(objective.state, objective.visibility, objective.team.visibility)
    if public or team_role(user, objective.team) is not None:
        return True
    return objective.state == ObjectiveState.IN_REVIEW and can_review_objective(user, objective)


def readable_key_result_id(user: User, pk: int) -> int | None:
    """`pk` if key result `pk` exists and `user` may read it (`can_read_objective` of its
    objective), else None; for reads of what hangs off a key result, so it loads the least it
    can: for site admins and anonymous readers, the key alone from one written-out query with
    the rule in it (`visible_objectives_sql`); for everyone else the rule's fields
    (`OBJECTIVE_RULE_FIELDS`), checked by `can_read_objective`."""
    if is_site_admin(user) or not user.is_authenticated:
        # one written-out query (`visible_objectives_sql`): the ORM took 0.5 ms to build the
        # three-table one, the database 0.07 ms to answer it
        rule, args = visible_objectives_sql(user, "o", "t")
        sql = _readable_key_result_sql(connection.vendor, rule)
        with connection.cursor() as cursor:
            cursor.execute(sql, [pk, *args])
            found = cursor.fetchone()
        return found[0] if found else None
    key_results = KeyResult.objects.filter(pk=pk).order_by()
    fields = [f"objective__{name}" for name in OBJECTIVE_RULE_FIELDS]
    kr = key_results.select_related("objective__team").only("pk", *fields).first()
    return pk if kr is not None and can_read_objective(user, kr.objective) else None


@functools.lru_cache(maxsize=8)
def _readable_key_result_sql(vendor: str, rule: str) -> str:
    q = connection.ops.quote_name
    kr, objective, team = KeyResult._meta, Objective._meta, Objective._meta.get_field("team")
    return (
        f"SELECT k.{q(kr.pk.column)} FROM {q(kr.db_table)} k"
        f" JOIN {q(objective.db_table)} o"
        f" ON o.{q(objective.pk.column)} = k.{q(kr.get_field('objective').column)}"
        f" JOIN {q(team.related_model._meta.db_table)} t"
        f" ON t.{q(team.related_model._meta.pk.column)} = o.{q(team.column)}"
        f" WHERE k.{q(kr.pk.column)} = %s AND {rule}"
    )


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
        Objective.objects.select_related("team", "period", "owner__profile").filter(pk=pk).first()
    )
    if objective is None or not can_read_objective(user, objective):
        raise Http404(gettext("No such objective."))
    if write and not can_edit_objective(user, objective):
        raise PermissionDenied(gettext("Only the team's leads may change this objective."))
    return objective


def get_key_result_for_user(user: User, pk: int, *, action: str = "read") -> KeyResult:
    """The key result for `action` in read / checkin / edit, or 404 / 403 as the module says."""
    key_result = (
        KeyResult.objects.select_related("objective__team", "objective__period", "owner__profile")
        .filter(pk=pk)
        .first()
    )
    if key_result is None or not can_read_objective(user, key_result.objective):
        raise Http404(gettext("No such key result."))
    if action == "checkin" and not can_check_in(user, key_result):
        raise PermissionDenied(gettext("Only the team's members and the owner may check in here."))
    if action == "edit" and not can_edit_objective(user, key_result.objective):
        raise PermissionDenied(gettext("Only the team's leads may change this key result."))
    return key_result
