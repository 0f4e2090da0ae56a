"""Who may read and lead teams. One helper per question; pages and the API go through here."""

from __future__ import annotations

import functools
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Q, QuerySet
from django.http import Http404

from okrs.org.models import Cohort, Membership, Role, Team, Visibility
from okrs.sqlread import inline_constants

User = AbstractBaseUser | AnonymousUser


def is_site_admin(user: User) -> bool:
    return bool(user.is_authenticated and getattr(user, "is_superuser", False))


def team_role(user: User, team: Team) -> str | None:
    """The user's role in `team` (lead, member, viewer), or None for outsiders and anonymous."""
    if not user.is_authenticated:
        return None
    return (
        Membership.objects.filter(person_id=user.pk, team_id=team.pk)
        .values_list("role", flat=True)
        .first()
    )


def visible_teams(user: User) -> QuerySet[Team]:
    """Public teams, plus private teams the user belongs to; everything for site admins."""
    teams = Team.objects.all()
    if is_site_admin(user):
        return teams
    if not user.is_authenticated:
        return teams.filter(visibility=Visibility.PUBLIC)
    return teams.filter(
        Q(visibility=Visibility.PUBLIC) | Q(memberships__person_id=user.pk)
    ).distinct()


def visible_cohorts(user: User) -> QuerySet[Cohort]:
    """Cohorts `user` may see: those of no team (the whole community's) and those of the teams
    `user` may read (`visible_teams`); a private team's cohorts stay within it."""
    return Cohort.objects.filter(
        Q(team__isnull=True) | Q(team__in=visible_teams(user).values("pk"))
    ).select_related("team")


def visible_team_ids_sql(user: User) -> tuple[str, tuple[Any, ...]] | None:
    """`visible_teams(user).values("pk")` as SQL text and its parameters, for a written-out query
    to test `team_id IN (...)` against; None for site admins, who read every team. Compiled from
    `visible_teams`, so the rule is written once; the anonymous reader's, the same for everyone,
    once per database."""
    if is_site_admin(user):
        return None
    if not user.is_authenticated:
        return _anonymous_team_ids_sql(connection.vendor)
    sql, params = visible_teams(user).order_by().values("pk").query.sql_with_params()
    return sql, tuple(params)


@functools.cache
def _anonymous_team_ids_sql(vendor: str) -> tuple[str, tuple[Any, ...]]:
    # its constants written in, not passed (`okrs.sqlread.sql_constant` says why)
    sql, params = visible_teams(AnonymousUser()).order_by().values("pk").query.sql_with_params()
    return inline_constants(sql, params), ()


def can_read_team(user: User, team: Team) -> bool:
    if team.visibility == Visibility.PUBLIC or is_site_admin(user):
        return True
    return team_role(user, team) is not None


def can_lead_team(user: User, team: Team) -> bool:
    """Site admins and the team's leads edit its objectives, KRs, heartbeats and packets."""
    return is_site_admin(user) or team_role(user, team) == Role.LEAD


def get_team_for_user(user: User, slug: str, *, write: bool = False) -> Team:
    """The team, or 404 when the user may not read it (its existence is not revealed), or 403
    when the user may read but not lead it and `write` is asked."""
    team = Team.objects.select_related("parent").filter(slug=slug).first()
    if team is None or not can_read_team(user, team):
        raise Http404("No such team.")
    if write and not can_lead_team(user, team):
        raise PermissionDenied("Only the team's leads may change it.")
    return team
