"""Reads of teams with their joins built in (a fixed number of queries)."""

from __future__ import annotations

from django.db.models import Case, CharField, F, QuerySet, When

from okrs.org.access import User, visible_teams
from okrs.org.models import Team


def team_list(user: User, *, parent: str | None = None) -> QuerySet[Team]:
    """The teams `user` may read (`visible_teams`), children of the team `parent` if given (which
    `user` must be able to read too), each with `shown_parent`: its parent's slug, named only to
    those who may read the parent. One query."""
    readable = visible_teams(user).values("pk")
    teams = Team.objects.filter(pk__in=readable).annotate(
        shown_parent=Case(
            When(parent__in=readable, then=F("parent__slug")), output_field=CharField()
        )
    )
    if parent is not None:
        teams = teams.filter(parent__slug=parent, parent__in=readable)
    return teams
