"""Who may read objectives and key results. Every page and export goes through here."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet

from okrs.goals.models import Objective, ObjectiveState, ObjectiveVisibility
from okrs.org.models import Visibility


def visible_objectives(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Objective]:
    """Objectives `user` may read.

    Anyone reads published objectives of public teams that are not marked private; members of a
    team read all of its objectives (drafts included); site admins read everything.
    """
    objectives = Objective.objects.all()
    if getattr(user, "is_superuser", False):
        return objectives
    public = Q(
        state__in=[ObjectiveState.PUBLISHED, ObjectiveState.ARCHIVED],
        team__visibility=Visibility.PUBLIC,
        visibility=ObjectiveVisibility.TEAM,
    )
    if not user.is_authenticated:
        return objectives.filter(public)
    return objectives.filter(public | Q(team__memberships__person=user)).distinct()
