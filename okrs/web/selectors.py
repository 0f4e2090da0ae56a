"""Reads for the pages, each in a fixed number of queries whatever the data size.

Scores come from `okrs.goals.selectors.scoreboard`; visibility from the access helpers.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from okrs.core.pacing import Commitment, Status, expected_progress_at
from okrs.core.pacing import status as pacing_status
from okrs.core.paging import GroupPage, page_of_groups
from okrs.core.rollup import weighted_mean
from okrs.goals.graph import descendants
from okrs.goals.history import grades_on
from okrs.goals.models import (
    Alignment,
    Change,
    CheckIn,
    KeyResult,
    Objective,
    ObjectiveState,
    Period,
    ReviewComment,
    TeamRollup,
)
from okrs.goals.selectors import (
    ORDER,
    KeyResultRow,
    ObjectiveRow,
    Scoreboard,
    history_board,
    kept_rollups,
    key_results_with_latest,
    reader_parts,
    reads_kept,
    score_row,
    scoreboard,
    scoring_day,
    team_rollups,
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


TEAM_CHOICES = 60
"""Teams the overview's team filter offers as a list, at most: beyond, it is a field the team's
name or slug is typed into (a list of a thousand teams helps nobody and costs every request)."""


@dataclass
class Overview:
    board: Scoreboard
    teams: list[Team]  # the team filter's choices; empty when there are more than TEAM_CHOICES
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
    shown = scope
    shown_is_scope = not (team or owner)
    if team:
        shown = shown.filter(Q(team__slug=team) | Q(team__name__iexact=team))
    if owner:
        shown = shown.filter(owner__username=owner)
    board, team_page = board_page(
        period,
        shown.select_related("owner__profile"),
        scope,
        on=on,
        page=page,
        max_teams=TEAMS_PER_PAGE,
        max_objectives=OBJECTIVES_PER_PAGE,
        status=status,
        shown_is_scope=shown_is_scope,
        # the rollups of the whole period the reader may see, from the kept parts
        parts=reader_parts(user, period, archived=archived),
    )
    choices = list(visible_teams(user).only("slug", "name")[: TEAM_CHOICES + 1])
    return Overview(
        board=board, teams=choices if len(choices) <= TEAM_CHOICES else [], page=team_page
    )


def board_page(
    period: Period,
    shown: QuerySet[Objective],
    scope: QuerySet[Objective],
    *,
    on: dt.date | None,
    page: str | int | None,
    max_teams: int,
    max_objectives: int,
    status: str = "",
    shown_is_scope: bool = False,
    parts: QuerySet[TeamRollup] | None = None,
) -> tuple[Scoreboard, GroupPage[int]]:
    """One page of whole teams (`okrs.core.paging`) of the objectives `shown` (optionally only
    those of `status`), scored as of `on`, with the rollups of `scope` (which holds them all;
    `shown_is_scope` says that `shown` is `scope` unfiltered, so the rollups give the sizes;
    `parts`, the reader's kept parts of the period, when they sum `scope`: `reader_parts`).

    Today: the teams' sizes and the rollups are aggregates (a row per team), then only the
    page's objectives and key results are read; a `status` filter reads the status of every
    objective `shown` (`objective_statuses`). A day before today grades `scope` from the
    history."""
    day = scoring_day(period, on)
    shown = shown.filter(period=period)
    if not reads_kept(period, day):
        graded = grades_on(period, scope, day)
        pairs = list(shown.order_by(*ORDER).values_list("pk", "team_id"))
        if status:
            pairs = [(pk, t) for pk, t in pairs if graded.objectives[pk].status.value == status]
        team_page = _page(Counter(t for _, t in pairs).items(), page, max_teams, max_objectives)
        on_page = set(team_page.groups)
        ids = [pk for pk, team_id in pairs if team_id in on_page]
        return history_board(period, shown.filter(pk__in=ids), graded), team_page
    rollups = team_rollups(scope.filter(period=period)) if parts is None else kept_rollups(parts)
    if status:
        statuses = objective_statuses(period, shown, day)
        pairs = [(pk, t) for pk, (t, s) in statuses.items() if s.value == status]
        team_page = _page(Counter(t for _, t in pairs).items(), page, max_teams, max_objectives)
        on_page = set(team_page.groups)
        shown = shown.filter(pk__in=[pk for pk, t in pairs if t in on_page])
    elif shown_is_scope:
        # every objective of the scope is shown: the teams' sizes are the rollups' counts (in
        # the same order), one aggregate over the period instead of two
        sizes = [(team_id, rollup.objectives) for team_id, rollup in rollups.teams.items()]
        team_page = _page(sizes, page, max_teams, max_objectives)
        shown = shown.filter(team_id__in=team_page.groups)
    else:
        sizes = (
            shown.order_by()
            .values("team_id", "team__order", "team__name")
            .annotate(count=Count("pk"))
            .order_by("team__order", "team__name", "team_id")
            .values_list("team_id", "count")
        )
        team_page = _page(sizes, page, max_teams, max_objectives)
        shown = shown.filter(team_id__in=team_page.groups)
    board = scoreboard(period, shown, on=day, rollups=rollups)
    return board, team_page


def _page(
    sizes: Iterable[tuple[int, int]], page: str | int | None, max_teams: int, max_objectives: int
) -> GroupPage[int]:
    return page_of_groups(list(sizes), page, max_groups=max_teams, max_items=max_objectives)


def objective_statuses(
    period: Period, objectives: QuerySet[Objective], day: dt.date
) -> dict[int, tuple[int, Status]]:
    """Each of `objectives`' team and status on `day` from its kept scores, in the pages'
    order: two queries, a row per objective and per key result (for a filter by status)."""
    rows = list(
        objectives.order_by(*ORDER).values_list(
            "pk", "team_id", "commitment", "kept_progress", "kept_confidence"
        )
    )
    commitments = {pk: Commitment(commitment) for pk, _, commitment, _, _ in rows}
    expected: dict[int, list[tuple[float, float]]] = defaultdict(list)
    for objective_id, weight, deadline in KeyResult.objects.filter(
        objective__in=objectives.values("pk"), archived=False
    ).values_list("objective_id", "weight", "deadline"):
        if objective_id not in commitments:  # the objective changed between the two reads
            continue
        pace = expected_progress_at(
            period.start, deadline or period.end, day, commitments[objective_id]
        )
        expected[objective_id].append((pace, weight))
    final = day >= period.end
    result = {}
    for pk, team_id, _, progress, confidence in rows:
        pace = weighted_mean(expected.get(pk, ())) or 0.0
        state = pacing_status(
            progress=progress,
            expected=pace,
            confidence=confidence,
            final=final and progress is not None,
        )
        result[pk] = (team_id, state)
    return result


def with_contributors(user: User, shown: QuerySet[Objective] | list[int]) -> QuerySet[Objective]:
    """The objectives `shown` and those contributing to them, directly or not, that the user
    sees: what their grades roll up from (archived contributors do not count)."""
    ids = shown if isinstance(shown, list) else list(shown.values_list("pk", flat=True))
    # the tree is read first (one query) and given as ids: inside the readers' IN subqueries the
    # recursive query's size is unknown to PostgreSQL's planner, which then scans every key
    # result and alignment instead of using their indexes
    below = list(descendants(ids).values_list("pk", flat=True))
    return (
        Objective.objects.visible_to(user)
        .filter(pk__in=below)
        .filter(~Q(state=ObjectiveState.ARCHIVED) | Q(pk__in=ids))
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
    day = scoring_day(period, on)
    # a day before today is graded from the history, with what the objectives roll up from
    scope = objectives if reads_kept(period, day) else with_contributors(user, objectives)
    board = scoreboard(period, objectives.select_related("owner__profile"), on=day, scope=scope)
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
