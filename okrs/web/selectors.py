"""Reads for the pages, each in a fixed number of queries whatever the data size.

Scores come from `okrs.goals.selectors.scoreboard`; visibility from the access helpers.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils import timezone

from okrs.core.pacing import Status
from okrs.core.paging import GroupPage, page_of_groups
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
    Grades,
    KeyResultRow,
    ObjectiveRow,
    Scoreboard,
    descendants,
    grades,
    key_results_with_latest,
    score_row,
    scoreboard,
)
from okrs.heartbeats.models import Heartbeat
from okrs.labels import status_label
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
    """Set `can_checkin` on every key result row. A row's form is fetched when its check-in is
    opened (`web:checkin` GET), so `checkin_form` is None here: only a check-in that failed
    validation comes back with its bound form in the row."""
    for row in rows:
        for kr_row in row.key_results:
            kr_row.can_checkin = can.checks_in(kr_row.key_result, row.objective.team_id)  # type: ignore[attr-defined]
            kr_row.checkin_form = None  # type: ignore[attr-defined]


TEAMS_PER_PAGE = 5
"""Teams shown per page of the period overview, at most."""

OBJECTIVES_PER_PAGE = 25
"""Objectives shown per page of the period overview, at most (a team is never split: a team
with more has a page of its own). With both bounds a page stays the same size whatever the
data; five teams of ten objectives would otherwise make a page of fifty."""


@dataclass
class Overview:
    board: Scoreboard
    teams: list[Team]
    page: GroupPage[int]


def overview(
    user: User,
    period: Period,
    *,
    on: dt.date | None,
    team: str = "",
    owner: str = "",
    status: str = "",
    archived: bool = False,
    page: str | int | None = 1,
) -> Overview:
    """The visible objectives of `period`, a page of teams at a time; grades (teams', the
    organization's) always roll up over the whole visible period, whatever the filters."""
    scope = Objective.objects.visible_to(user).filter(period=period)
    if not archived:
        scope = scope.exclude(state=ObjectiveState.ARCHIVED)
    graded = grades(period, scope, on=on)
    shown = scope
    if team:
        shown = shown.filter(team__slug=team)
    if owner:
        shown = shown.filter(owner__username=owner)
    board, team_page = board_page(
        period,
        shown.select_related("owner__profile"),
        graded,
        page=page,
        max_teams=TEAMS_PER_PAGE,
        max_objectives=OBJECTIVES_PER_PAGE,
        status=status,
    )
    return Overview(board=board, teams=list(visible_teams(user)), page=team_page)


def board_page(
    period: Period,
    shown: QuerySet[Objective],
    graded: Grades,
    *,
    page: str | int | None,
    max_teams: int,
    max_objectives: int,
    status: str = "",
) -> tuple[Scoreboard, GroupPage[int]]:
    """The objectives `shown` (optionally only those of `status`) of one page of whole teams
    (`okrs.core.paging`), scored with `graded` (read over a scope holding them all)."""
    pairs = list(
        shown.filter(period=period)
        .order_by("team__order", "team__name", "team_id")
        .values_list("pk", "team_id")
    )
    if status:
        pairs = [(pk, t) for pk, t in pairs if graded.objectives[pk].status.value == status]
    sizes = Counter(team_id for _, team_id in pairs)
    team_page = page_of_groups(
        list(sizes.items()), page, max_groups=max_teams, max_items=max_objectives
    )
    on_page = set(team_page.groups)
    ids = [pk for pk, team_id in pairs if team_id in on_page]
    return scoreboard(period, shown.filter(pk__in=ids), graded=graded), team_page


def with_contributors(user: User, shown: list[int]) -> QuerySet[Objective]:
    """The objectives `shown` and those contributing to them, directly or not, that the user
    sees: what their grades roll up from (archived contributors do not count)."""
    return (
        Objective.objects.visible_to(user)
        .filter(pk__in=descendants(shown))
        .filter(~Q(state=ObjectiveState.ARCHIVED) | Q(pk__in=shown))
    )


@dataclass
class TeamPage:
    team: Team
    board: Scoreboard
    members: list[Membership]
    children: list[Team]
    heartbeat: Heartbeat | None


def team_page(user: User, team: Team, period: Period, *, on: dt.date | None) -> TeamPage:
    objectives = Objective.objects.visible_to(user).filter(team=team, period=period)
    shown = list(objectives.values_list("pk", flat=True))
    board = scoreboard(
        period,
        objectives.select_related("owner__profile"),
        on=on,
        scope=with_contributors(user, shown),
    )
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
    visible = Objective.objects.visible_to(user).values("pk")
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
    """`objective` and the objectives contributing to it (directly or not) that the user
    sees, scored as on the overview (so grades roll up alike on every page), by primary key."""
    scope = with_contributors(user, [objective.pk]).select_related("owner__profile")
    board = scoreboard(objective.period, scope)
    return {row.objective.pk: row for row in board.objectives}


ALIGN_CHOICES = 50
"""Objectives offered at most in a "contributes to" list: the list stays short at any size."""


def alignment_candidates(user: User, objective: Objective) -> QuerySet[Objective]:
    """Objectives `objective` may contribute to: visible ones of the same period but its own."""
    already = Alignment.objects.filter(child=objective).values("parent_id")
    return (
        Objective.objects.visible_to(user)
        .filter(period_id=objective.period_id)
        .exclude(pk=objective.pk)
        .exclude(pk__in=already)
        .exclude(state=ObjectiveState.ARCHIVED)
        .order_by("team__name", "order", "id")
    )


def offered_candidates(user: User, objective: Objective, query: str = "") -> list[int]:
    """At most ALIGN_CHOICES candidates to offer, by primary key: those matching `query`
    (title, code or team name), else those of the teams above the objective's (a program's
    objectives derive from its parent team's), else any."""
    candidates = alignment_candidates(user, objective)
    if query:
        candidates = candidates.filter(
            Q(title__icontains=query) | Q(code__iexact=query) | Q(team__name__icontains=query)
        )
    else:
        parents = dict(Team.objects.values_list("pk", "parent_id"))
        above, team_id = [], parents.get(objective.team_id)
        while team_id is not None and team_id not in above:
            above.append(team_id)
            team_id = parents.get(team_id)
        if above:
            candidates = candidates.filter(team_id__in=above)
    return list(candidates.values_list("pk", flat=True)[:ALIGN_CHOICES])


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
    return [(s.value, status_label(s)) for s in Status]


def parent_candidates(user: User, teams: list[Team], period: Period | None) -> QuerySet[Objective]:
    """Objectives a new objective of one of `teams` may contribute to at creation: those the
    reader may see of the teams above them, in `period` (at most ALIGN_CHOICES)."""
    if period is None or not teams:
        return Objective.objects.none()
    parents = dict(Team.objects.values_list("pk", "parent_id"))
    above: list[int] = []
    for team in teams:
        team_id = parents.get(team.pk)
        while team_id is not None and team_id not in above:
            above.append(team_id)
            team_id = parents.get(team_id)
    ids = list(
        Objective.objects.visible_to(user)
        .filter(period=period, team_id__in=above)
        .exclude(state=ObjectiveState.ARCHIVED)
        .order_by("team__name", "order", "id")
        .values_list("pk", flat=True)[:ALIGN_CHOICES]
    )
    return Objective.objects.filter(pk__in=ids).order_by("team__name", "order", "id")
