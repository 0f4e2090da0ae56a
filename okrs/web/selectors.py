"""Reads for the pages, each in a fixed number of queries whatever the data size.

Scores come from `okrs.goals.selectors.scoreboard`; visibility from the access helpers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.utils import timezone

from okrs.core.pacing import Status
from okrs.goals.access import visible_objectives
from okrs.goals.forms import checkin_form
from okrs.goals.models import (
    Alignment,
    Change,
    CheckIn,
    KeyResult,
    Objective,
    ObjectiveState,
    Period,
    ReviewComment,
)
from okrs.goals.selectors import (
    KeyResultRow,
    ObjectiveRow,
    Scoreboard,
    key_results_with_latest,
    score_row,
    scoreboard,
)
from okrs.heartbeats.models import Heartbeat
from okrs.org.access import User, is_site_admin, visible_teams
from okrs.org.models import Membership, Role, Team

HISTORY_LIMIT = 200


@dataclass
class Abilities:
    """What the reader may do, known from one query of their memberships: no per-row queries."""

    user_id: int | None
    admin: bool
    roles: dict[int, str] = field(default_factory=dict)

    def leads(self, team_id: int) -> bool:
        return self.admin or self.roles.get(team_id) == Role.LEAD

    def checks_in(self, key_result: KeyResult, team_id: int) -> bool:
        if self.admin or self.roles.get(team_id) in (Role.LEAD, Role.MEMBER):
            return True
        return self.user_id is not None and key_result.owner_id == self.user_id


def abilities(user: User) -> Abilities:
    if not user.is_authenticated:
        return Abilities(user_id=None, admin=False)
    roles = dict(Membership.objects.filter(person_id=user.pk).values_list("team_id", "role"))
    return Abilities(user_id=user.pk, admin=is_site_admin(user), roles=roles)


def mark_checkins(rows: list[ObjectiveRow], can: Abilities) -> None:
    """Set `can_checkin` on every key result row, for the inline check-in forms."""
    for row in rows:
        for kr_row in row.key_results:
            allowed = can.checks_in(kr_row.key_result, row.objective.team_id)
            kr_row.can_checkin = allowed  # type: ignore[attr-defined]
            kr_row.checkin_form = (  # type: ignore[attr-defined]
                checkin_form(
                    key_result=kr_row.key_result,
                    value=kr_row.score.value,
                    confidence=kr_row.score.confidence,
                )
                if allowed
                else None
            )


@dataclass
class Overview:
    board: Scoreboard
    teams: list[Team]
    owners: list[Any]


def overview(
    user: User,
    period: Period,
    *,
    on: dt.date | None,
    team: str = "",
    owner: str = "",
    status: str = "",
    archived: bool = False,
) -> Overview:
    objectives = visible_objectives(user).select_related("owner__profile")
    in_period = objectives.filter(period=period)
    if not archived:
        objectives = objectives.exclude(state=ObjectiveState.ARCHIVED)
    if team:
        objectives = objectives.filter(team__slug=team)
    if owner:
        objectives = objectives.filter(owner__username=owner)
    board = scoreboard(period, objectives, on=on)
    if status:
        for team_row in board.teams:
            team_row.objectives = [r for r in team_row.objectives if r.status.value == status]
        board.teams = [t for t in board.teams if t.objectives]
    owners = list(
        get_user_model()
        .objects.filter(owned_objectives__in=in_period.values("pk"))
        .select_related("profile")
        .order_by("username")
        .distinct()
    )
    return Overview(board=board, teams=list(visible_teams(user)), owners=owners)


@dataclass
class TeamPage:
    team: Team
    board: Scoreboard
    members: list[Membership]
    children: list[Team]
    heartbeat: Heartbeat | None


def team_page(user: User, team: Team, period: Period, *, on: dt.date | None) -> TeamPage:
    objectives = visible_objectives(user).filter(team=team).select_related("owner__profile")
    board = scoreboard(period, objectives, on=on)
    members = list(
        Membership.objects.filter(team=team)
        .select_related("person__profile")
        .order_by("role", "person__username")
    )
    children = list(visible_teams(user).filter(parent=team))
    calendar = team.parent_id if team.follows_parent_heartbeats and team.parent_id else team.pk
    today = timezone.localdate()
    heartbeat = (
        Heartbeat.objects.filter(team_id=calendar, start__lte=today, end__gte=today)
        .select_related("team")
        .first()
    )
    return TeamPage(team, board, members, children, heartbeat)


@dataclass
class ObjectivePage:
    objective: Objective
    row: ObjectiveRow
    parents: list[Alignment]
    contributors: list[tuple[Alignment, ObjectiveRow | None]]
    history: list[Change]
    comments: list[ReviewComment]
    position: tuple[int, int]


def objective_page(user: User, objective: Objective) -> ObjectivePage:
    visible = visible_objectives(user).values("pk")
    parents = list(
        Alignment.objects.filter(child=objective, parent__in=visible)
        .select_related("parent__team")
        .order_by("parent__team__name", "parent__order")
    )
    links = list(
        Alignment.objects.filter(parent=objective, child__in=visible)
        .select_related("child__team")
        .order_by("child__team__name", "child__order")
    )
    rows = scored_objectives(user, objective)
    history = list(
        Change.objects.filter(objective=objective).select_related("actor__profile", "key_result")[
            :HISTORY_LIMIT
        ]
    )
    comments = list(
        ReviewComment.objects.filter(objective=objective).select_related("author__profile")
    )
    siblings = list(
        Objective.objects.filter(team_id=objective.team_id, period_id=objective.period_id)
        .order_by("order", "id")
        .values_list("pk", flat=True)
    )
    return ObjectivePage(
        objective=objective,
        row=rows[objective.pk],
        parents=parents,
        contributors=[(link, rows.get(link.child_id)) for link in links],
        history=history,
        comments=comments,
        position=(siblings.index(objective.pk), len(siblings)),
    )


def scored_objectives(user: User, objective: Objective) -> dict[int, ObjectiveRow]:
    """Every objective of `objective`'s period that the user sees, scored as on the overview
    (so grades roll up alike on every page), by primary key; three queries."""
    objectives = (
        visible_objectives(user)
        .select_related("owner__profile")
        .filter(~Q(state=ObjectiveState.ARCHIVED) | Q(pk=objective.pk))
    )
    board = scoreboard(objective.period, objectives)
    return {row.objective.pk: row for row in board.objectives}


def alignment_candidates(user: User, objective: Objective) -> QuerySet[Objective]:
    """Objectives `objective` may contribute to: visible ones of the same period but its own."""
    already = Alignment.objects.filter(child=objective).values("parent_id")
    return (
        Objective.objects.filter(pk__in=visible_objectives(user).values("pk"))
        .filter(period_id=objective.period_id)
        .exclude(pk=objective.pk)
        .exclude(pk__in=already)
        .order_by("team__name", "order", "id")
    )


def score_key_result(key_result: KeyResult, *, on: dt.date | None = None) -> KeyResultRow:
    """The key result with its latest value and score (two queries)."""
    objective = key_result.objective
    period = objective.period
    on = on or min(max(timezone.localdate(), period.start), period.end)
    annotated = key_results_with_latest(
        KeyResult.objects.filter(pk=key_result.pk).select_related("owner__profile"), on=on
    ).get()
    annotated.objective = objective
    return score_row(annotated, period, objective.commitment, on)


@dataclass
class KeyResultPage:
    row: KeyResultRow
    checkins: list[CheckIn]
    siblings: list[int]


def key_result_page(key_result: KeyResult) -> KeyResultPage:
    checkins = list(
        CheckIn.objects.filter(key_result=key_result)
        .select_related("author__profile")
        .order_by("-at", "-id")[:HISTORY_LIMIT]
    )
    siblings = list(
        KeyResult.objects.filter(objective_id=key_result.objective_id)
        .order_by("order", "id")
        .values_list("pk", flat=True)
    )
    return KeyResultPage(row=score_key_result(key_result), checkins=checkins, siblings=siblings)


def status_choices() -> list[tuple[str, str]]:
    return [(s.value, s.label) for s in Status]
