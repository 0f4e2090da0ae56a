"""Reads of goals with their scores, in a fixed number of queries whatever the data size.

Today's scores are kept on write (`okrs.goals.scores`): a page reads the kept scores of the
objectives and key results it shows, and the team and organization rollups of the reader's
whole period from the teams' kept parts (`reader_parts`, `kept_rollups`: a row per part, not
per objective), or as SQL aggregates of the kept objective grades of any other set of
objectives (`team_rollups`); status, which depends on the day, is computed per row shown
(`okrs.core`). A day before today is graded from the history
(`okrs.goals.history.grades_on`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Avg, Count, F, Max, Min, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Greatest, Least, NullIf
from django.utils import timezone

from okrs.core.pacing import Commitment, Status, status
from okrs.core.rollup import Measured, mean_of_sums, weighted_mean
from okrs.core.scoring import KeyResultScore, score_key_result
from okrs.goals.access import visible_objectives
from okrs.goals.history import Grades, grades_on
from okrs.goals.models import CheckIn, KeyResult, Objective, Period, TeamRollup
from okrs.org.access import User
from okrs.org.models import Team


@dataclass
class KeyResultRow:
    key_result: KeyResult
    score: KeyResultScore
    last_checkin_at: dt.datetime | None


@dataclass
class ObjectiveRow:
    objective: Objective
    key_results: list[KeyResultRow]
    grade: float | None = None
    progress: float | None = None
    expected: float = 0.0
    status: Status = Status.NO_DATA
    measured: Measured = field(default_factory=Measured)


@dataclass
class TeamRow:
    team: Team
    objectives: list[ObjectiveRow] = field(default_factory=list)
    grade: float | None = None
    measured: Measured = field(default_factory=Measured)


@dataclass
class Scoreboard:
    period: Period
    on: dt.date
    teams: list[TeamRow]
    grade: float | None
    measured: Measured = field(default_factory=Measured)

    @property
    def objectives(self) -> list[ObjectiveRow]:
        return [row for team in self.teams for row in team.objectives]


def status_change_of(checkin: CheckIn) -> tuple[Status, Status] | None:
    """(before, after) when `checkin`, the latest of its key result, changed the KR's status.

    Both statuses are judged on the day of the check-in (inside the period), so only the new
    value and confidence make the difference. None when nothing changed or a later check-in
    exists (a back-dated value does not change today's status).
    """
    kr = KeyResult.objects.select_related("objective__period").get(pk=checkin.key_result_id)
    history = CheckIn.objects.filter(key_result_id=kr.pk)
    later = Q(at__gt=checkin.at) | Q(at=checkin.at, id__gt=checkin.pk)
    if history.filter(later).exists():
        return None
    earlier = Q(at__lt=checkin.at) | Q(at=checkin.at, id__lt=checkin.pk)
    previous = history.filter(earlier).order_by("-at", "-id").first()
    period = kr.objective.period
    day = min(max(timezone.localtime(checkin.at).date(), period.start), period.end)

    def status_with(entry: CheckIn | None) -> Status:
        return score_key_result(
            rule=kr.rule,
            value=entry.value if entry else None,
            confidence=entry.confidence if entry else None,
            start=period.start,
            deadline=kr.due(period),
            on=day,
            commitment=Commitment(kr.objective.commitment),
            uncertain=kr.uncertain,
        ).status

    before, after = status_with(previous), status_with(checkin)
    return None if before == after else (before, after)


def current_period(today: dt.date | None = None) -> Period | None:
    """The period containing today, else the latest one that started, else the first."""
    today = today or timezone.localdate()
    periods = Period.objects.order_by("-start")
    return (
        periods.filter(start__lte=today, end__gte=today).first()
        or periods.filter(start__lte=today).first()
        or periods.last()
    )


def key_results_with_latest(
    key_results: QuerySet[KeyResult],
    *,
    on: dt.date | None = None,
    value: bool = True,
    with_time: bool = True,
) -> QuerySet[KeyResult]:
    """Annotate each key result with its latest check-in as of `on`: `latest_value` and
    `latest_confidence` (unless `value=False`), `latest_at` (unless `with_time=False`)."""
    checkins = CheckIn.objects.filter(key_result=OuterRef("pk"))
    if on is not None:
        end_of_day = dt.datetime.combine(on, dt.time.max, tzinfo=timezone.get_current_timezone())
        checkins = checkins.filter(at__lte=end_of_day)
    latest = checkins.order_by("-at", "-id")
    annotations = {}
    if value:
        annotations["latest_value"] = Subquery(latest.values("value")[:1])
        annotations["latest_confidence"] = Subquery(latest.values("confidence")[:1])
    if with_time:
        annotations["latest_at"] = Subquery(latest.values("at")[:1])
    return key_results.annotate(**annotations)


def score_row(kr: KeyResult, period: Period, commitment: str, on: dt.date) -> KeyResultRow:
    """Score one key result annotated by `key_results_with_latest`."""
    score = score_key_result(
        rule=kr.rule,
        value=kr.latest_value,  # type: ignore[attr-defined]
        confidence=kr.latest_confidence,  # type: ignore[attr-defined]
        start=period.start,
        deadline=kr.due(period),
        on=on,
        commitment=Commitment(commitment),
        uncertain=kr.uncertain,
    )
    return KeyResultRow(key_result=kr, score=score, last_checkin_at=kr.latest_at)  # type: ignore[attr-defined]


def kept_score(kr: KeyResult, period: Period, commitment: str, on: dt.date) -> KeyResultScore:
    """A key result's score on day `on` from its kept value and confidence (today's)."""
    return score_key_result(
        rule=kr.rule,
        value=kr.kept_value,
        confidence=kr.kept_confidence,
        start=period.start,
        deadline=kr.due(period),
        on=on,
        commitment=Commitment(commitment),
        uncertain=kr.uncertain,
    )


def objective_status(
    *,
    progress: float | None,
    confidence: float | None,
    key_results: Iterable[tuple[KeyResultScore, float]],
    final: bool,
) -> tuple[float, Status]:
    """An objective's expected progress (the weighted mean of its own key results') and its
    status on the day its key results were scored for, from its kept progress and lowest
    confidence. `final`: the period has ended."""
    expected = weighted_mean((score.expected, weight) for score, weight in key_results) or 0.0
    return expected, status(
        progress=progress,
        expected=expected,
        confidence=confidence,
        final=final and progress is not None,
    )


def scoring_day(period: Period, on: dt.date | None = None) -> dt.date:
    """The day to score on: `on` when it lies inside the period, else today kept inside the
    period. A period's "as of" day belongs to it: a day of another period never carries over."""
    if on is not None and period.contains(on):
        return on
    return min(max(timezone.localdate(), period.start), period.end)


def reads_kept(period: Period, day: dt.date) -> bool:
    """Whether day `day` of `period` is read from the kept scores (today, or a later day of
    the period: nothing is known after today), not from the history."""
    return day >= scoring_day(period)


@dataclass(frozen=True)
class Rollup:
    """A team's or the organization's grade and how many of its key results are measured."""

    grade: float | None
    measured: Measured = field(default_factory=Measured)
    objectives: int = 0


@dataclass(frozen=True)
class Rollups:
    """The kept rollups of a set of objectives: each team's, in the teams' order, and the
    organization's (the mean of its teams')."""

    teams: dict[int, Rollup]
    organization: Rollup


_GRADED = Q(kept_grade__isnull=False)
TEAM_SUMS = {
    "weighted": Sum(F("kept_grade") * F("weight"), filter=_GRADED),
    "weights": Sum("weight", filter=_GRADED),
    "low": Min("kept_grade"),
    "high": Max("kept_grade"),
    "measured": Sum("kept_measured"),
    "total": Sum("kept_total"),
    "count": Count("pk"),
}
"""A team's sums over its objectives' kept scores, from which its rollup is made."""

PART_SUMS = {
    "weighted": Sum("weighted"),
    "weights": Sum("weights"),
    "low": Min("low"),
    "high": Max("high"),
    "measured": Sum("measured"),
    "total": Sum("total"),
    "count": Sum("objectives"),
}
"""The same sums over a team's kept parts (`TeamRollup`): the parts are disjoint, so a team's
sums are the sums of its parts'."""

TEAM_ORDER = ("team__order", "team__name", "team_id")


def team_rollups(objectives: QuerySet[Objective]) -> Rollups:
    """Each team's grade (the weighted mean of its objectives' kept grades, one without a grade
    left out) and "N of M measured", and the organization's: one query, aggregated in SQL, a
    row per team (in the teams' order: `order`, `name`, key). For any set of objectives; a
    period page reads its reader's whole period from the kept parts (`kept_rollups`)."""
    rows = (
        objectives.order_by()
        .values("team_id", *TEAM_ORDER[:2])
        .annotate(**TEAM_SUMS)
        .order_by(*TEAM_ORDER)
    )
    teams = _teams(rows)
    return Rollups(teams=teams, organization=_organization(teams.values()))


def reader_parts(user: User, period: Period, *, archived: bool = True) -> QuerySet[TeamRollup]:
    """The kept parts of `period`'s team rollups that `user` may read (without those of
    archived objectives unless `archived`): together they sum what `team_rollups` makes of
    `Objective.objects.visible_to(user).filter(period=period)` (archived ones excluded)."""
    parts = TeamRollup.objects.visible_to(user).filter(period=period)
    return parts if archived else parts.filter(archived=False)


def kept_rollups(parts: QuerySet[TeamRollup]) -> Rollups:
    """`team_rollups` read from kept parts (`reader_parts`): one query, a row per team."""
    teams = kept_team_rollups(parts)
    return Rollups(teams=teams, organization=_organization(teams.values()))


def kept_team_rollups(
    parts: QuerySet[TeamRollup], teams: Iterable[int] | None = None
) -> dict[int, Rollup]:
    """Each team's rollup (of `teams`, keys, when given) from kept parts, in the teams'
    order."""
    rows = (
        parts.order_by()
        .values("team_id", *TEAM_ORDER[:2])
        .annotate(**PART_SUMS)
        .filter(count__gt=0)
        .order_by(*TEAM_ORDER)
    )
    return _teams(rows if teams is None else rows.filter(team_id__in=list(teams)))


def _teams(rows: Iterable[dict]) -> dict[int, Rollup]:
    return {
        row["team_id"]: Rollup(
            grade=mean_of_sums(row["weighted"], row["weights"], row["low"], row["high"]),
            measured=Measured(row["measured"] or 0, row["total"] or 0),
            objectives=row["count"],
        )
        for row in rows
    }


def organization_rollup(rows: QuerySet[Objective] | QuerySet[TeamRollup]) -> Rollup:
    """The organization's rollup of `rows` (objectives, or kept parts) — the mean of its teams'
    grades, "N of M measured" over all of them — as `team_rollups` makes it, in one row: the
    teams' sums are aggregated again in SQL, so a page that shows a few teams does not read
    every team's."""
    sums = PART_SUMS if rows.model is TeamRollup else TEAM_SUMS
    teams = (
        rows.order_by()
        .values("team_id")
        .annotate(**sums)
        .filter(count__gt=0)
        # a team without a graded objective has no weights: NULLIF makes its grade NULL
        .annotate(grade=Least(Greatest(F("weighted") / NullIf("weights", 0.0), "low"), "high"))
    )
    row = teams.aggregate(
        org_grade=Avg("grade"),
        org_low=Min("grade"),
        org_high=Max("grade"),
        org_measured=Sum("measured"),
        org_total=Sum("total"),
        org_count=Sum("count"),
    )
    grade, low, high = row["org_grade"], row["org_low"], row["org_high"]
    return Rollup(
        # clamped as `weighted_mean` clamps: float rounding can land a hair outside
        grade=None if grade is None else min(max(grade, low), high),
        measured=Measured(row["org_measured"] or 0, row["org_total"] or 0),
        objectives=row["org_count"] or 0,
    )


def _organization(teams: Iterable[Rollup]) -> Rollup:
    rows = list(teams)
    return Rollup(
        grade=weighted_mean((team.grade, 1.0) for team in rows),
        measured=Measured.total_of(team.measured for team in rows),
        objectives=sum(team.objectives for team in rows),
    )


ORDER = ("team__order", "team__name", "team_id", "order", "id")
"""The order of the objectives on every page: by team, then as the team orders them."""


def scoreboard(
    period: Period,
    objectives: QuerySet[Objective],
    *,
    on: dt.date | None = None,
    scope: QuerySet[Objective] | None = None,
    rollups: Rollups | None = None,
) -> Scoreboard:
    """Score `objectives` of `period` as of day `on` (default: today, inside the period).

    Today: the objectives shown and their key results with their kept scores, a status per row
    for the day, and the team and organization rollups over `scope` (default: `objectives`;
    or `rollups`, read already); four queries whatever the size. A day before today is graded
    from the history over `scope`, which must then hold every objective shown and those
    contributing to them.
    """
    day = scoring_day(period, on)
    scope = objectives if scope is None else scope
    if not reads_kept(period, day):
        return history_board(period, objectives, grades_on(period, scope, day))
    shown = list(objectives.filter(period=period).select_related("team", "owner").order_by(*ORDER))
    if rollups is None:
        rollups = team_rollups(scope.filter(period=period))
    key_results: dict[int, list[KeyResultRow]] = {o.pk: [] for o in shown}
    commitments = {o.pk: o.commitment for o in shown}
    for kr in KeyResult.objects.filter(objective_id__in=key_results, archived=False).order_by(
        "order", "id"
    ):
        score = kept_score(kr, period, commitments[kr.objective_id], day)
        key_results[kr.objective_id].append(KeyResultRow(kr, score, kr.kept_at))
    rows = []
    for objective in shown:
        krs = key_results[objective.pk]
        expected, state = objective_status(
            progress=objective.kept_progress,
            confidence=objective.kept_confidence,
            key_results=((row.score, row.key_result.weight) for row in krs),
            final=day >= period.end,
        )
        rows.append(
            ObjectiveRow(
                objective=objective,
                key_results=krs,
                grade=objective.kept_grade,
                progress=objective.kept_progress,
                expected=expected,
                status=state,
                measured=Measured(objective.kept_measured, objective.kept_total),
            )
        )
    return _board(period, day, rows, rollups)


def _board(period: Period, day: dt.date, rows: list[ObjectiveRow], rollups: Rollups) -> Scoreboard:
    teams: dict[int, TeamRow] = {}
    for row in rows:
        team_id = row.objective.team_id
        if team_id not in teams:
            rollup = rollups.teams.get(team_id, Rollup(None))
            teams[team_id] = TeamRow(
                team=row.objective.team, grade=rollup.grade, measured=rollup.measured
            )
        teams[team_id].objectives.append(row)
    return Scoreboard(
        period=period,
        on=day,
        teams=list(teams.values()),
        grade=rollups.organization.grade,
        measured=rollups.organization.measured,
    )


def history_board(period: Period, objectives: QuerySet[Objective], graded: Grades) -> Scoreboard:
    """The board of `objectives` graded from the history (`graded`, over a scope holding them)."""
    shown = [
        objective
        for objective in objectives.filter(period=period)
        .select_related("team", "owner")
        .order_by(*ORDER)
        if objective.pk in graded.objectives  # else it was not in the scope, or came since
    ]
    by_id: dict[int, ObjectiveRow] = {}
    for objective in shown:
        grade = graded.objectives[objective.pk]
        by_id[objective.pk] = ObjectiveRow(
            objective=objective,
            key_results=[],
            grade=grade.grade,
            progress=grade.progress,
            expected=grade.expected,
            status=grade.status,
            measured=grade.measured,
        )
    krs = key_results_with_latest(
        KeyResult.objects.filter(objective_id__in=by_id, archived=False),
        on=graded.on,
        value=False,
    ).order_by("order", "id")
    for kr in krs:
        score = graded.key_results.get(kr.pk)
        if score is not None:
            by_id[kr.objective_id].key_results.append(
                KeyResultRow(key_result=kr, score=score, last_checkin_at=kr.latest_at)  # type: ignore[attr-defined]
            )
    teams = {
        team_id: Rollup(grade, graded.team_measured.get(team_id, Measured()))
        for team_id, grade in graded.teams.items()
    }
    rollups = Rollups(teams, Rollup(graded.organization, graded.measured))
    return _board(period, graded.on, list(by_id.values()), rollups)


# --- the API's list reads --------------------------------------------------------------------


@dataclass(frozen=True)
class ObjectiveListFilter:
    """What the objectives list is narrowed to; None leaves a filter out."""

    period: str | None = None  # slugs
    team: str | None = None
    owner: str | None = None  # a username
    state: str | None = None


def objective_list(user: User, where: ObjectiveListFilter) -> QuerySet[Objective]:
    """The objectives `user` may read (`visible_objectives`) narrowed by `where`."""
    lookups = {
        "period__slug": where.period,
        "team__slug": where.team,
        "owner__username": where.owner,
        "state": where.state,
    }
    return visible_objectives(user).filter(
        **{name: value for name, value in lookups.items() if value is not None}
    )
