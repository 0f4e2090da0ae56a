"""Who may read and lead teams. One helper per question; pages and the API go through here."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext

from okrs.org.models import Cohort, Membership, Role, Team, Visibility

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
    """Public teams, plus private teams the user belongs to; everything for site admins.

    The one rule of who reads a team: pages, the API, search and the other kinds' rules
    (`visible_cohorts`, packets, heartbeats) filter on it. Memberships are a subquery, not a
    join, so each team comes once without `distinct()`."""
    teams = Team.objects.all()
    if is_site_admin(user):
        return teams
    if not user.is_authenticated:
        return teams.filter(visibility=Visibility.PUBLIC)
    member_of = Membership.objects.filter(person_id=user.pk).values("team_id")
    return teams.filter(Q(visibility=Visibility.PUBLIC) | Q(pk__in=member_of))


def visible_cohorts(user: User) -> QuerySet[Cohort]:
    """Cohorts `user` may see: those of no team (the whole community's) and those of the teams
    `user` may read (`visible_teams`); a private team's cohorts stay within it."""
    return Cohort.objects.filter(
        Q(team__isnull=True) | Q(team__in=visible_teams(user).values("pk"))
    ).select_related("team")


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
        raise Http404(gettext("No such team."))
    if write and not can_lead_team(user, team):
        raise PermissionDenied(gettext("Only the team's leads may change it."))
    return team
