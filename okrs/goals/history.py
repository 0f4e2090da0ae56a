"""Grades from the check-in history: a set of objectives graded as of a day (or several), for
the days the kept scores do not hold (a day before today) and the trend charts.

Each key result is scored from its latest check-in as of the day and the objectives are rolled
up through their alignment links (`grade_rows`, the one rollup of the history), then grouped by
team and organization, so a trend chart's last point is the grade the page shows. Today's
grades are kept on write (`okrs.goals.scores`) and read by `okrs.goals.selectors`.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery
from django.db.models.functions import TruncDate
from django.utils import timezone

from okrs.core.pacing import Commitment, Status, status
from okrs.core.rollup import Measured, counted, rollup_columns, rollup_groups, weighted_mean
from okrs.core.scoring import KeyResultRule, KeyResultScore, score_key_result
from okrs.goals.models import Alignment, CheckIn, KeyResult, Objective, Period

KR_SCORING_FIELDS = (
    "pk",
    "objective_id",
    "weight",
    "direction",
    "baseline",
    "target",
    "target_high",
    "stretch",
    "deadline",
    "uncertain",
)
"""What a key result is scored from, besides its value and confidence of the day."""


@dataclass(frozen=True)
class ObjectiveGrade:
    grade: float | None
    progress: float | None
    expected: float
    status: Status
    measured: Measured = field(default_factory=Measured)


@dataclass(frozen=True)
class Grades:
    """Grades of a set of objectives on one day, rolled up through alignment, with team and
    organization grades."""

    on: dt.date
    objectives: dict[int, ObjectiveGrade]
    key_results: dict[int, KeyResultScore]
    teams: dict[int, float | None]
    organization: float | None
    links: list[tuple[int, int, float]] = field(default_factory=list)
    """The alignment links rolled up: (child, parent, weight), in creation order."""
    team_measured: dict[int, Measured] = field(default_factory=dict)
    measured: Measured = field(default_factory=Measured)


def _links(in_period: QuerySet[Objective]) -> tuple[tuple[int, int, float], ...]:
    ids = in_period.values("pk")
    return tuple(
        Alignment.objects.filter(child__in=ids, parent__in=ids)
        .order_by("id")
        .values_list("child_id", "parent_id", "weight")
    )


def grades_on(period: Period, objectives: QuerySet[Objective], day: dt.date) -> Grades:
    """Grade `objectives` (those of `period`) as of the end of `day` from the history: three
    queries (the objectives, their key results with the day's latest check-in, the links)."""
    in_period = objectives.filter(period=period)
    objective_rows = tuple(in_period.values_list("pk", "team_id", "weight", "commitment"))
    end_of_day = dt.datetime.combine(day, dt.time.max, tzinfo=timezone.get_current_timezone())
    latest = CheckIn.objects.filter(key_result=OuterRef("pk"), at__lte=end_of_day).order_by(
        "-at", "-id"
    )
    krs = tuple(
        KeyResult.objects.filter(objective__in=in_period.values("pk"), archived=False)
        .annotate(
            day_value=Subquery(latest.values("value")[:1]),
            day_confidence=Subquery(latest.values("confidence")[:1]),
        )
        .values_list(*KR_SCORING_FIELDS, "day_value", "day_confidence")
    )
    return grade_rows(period, day, objective_rows, krs, _links(in_period))


def grade_rows(
    period: Period,
    on: dt.date,
    objective_rows: Sequence[tuple[int, int, float, str]],
    krs: Sequence[tuple[Any, ...]],
    links: Sequence[tuple[int, int, float]],
) -> Grades:
    """Grades of the rows read: the objectives (key, team, weight, commitment), the key results
    (`KR_SCORING_FIELDS`, then the day's value and confidence) and the alignment links."""
    commitments = {pk: Commitment(commitment) for pk, _, _, commitment in objective_rows}
    kr_scores: dict[int, KeyResultScore] = {}
    own: dict[int, list[tuple[KeyResultScore, float]]] = {pk: [] for pk in commitments}
    for pk, objective_id, weight, direction, base, target, high, stretch, due, unsure, v, c in krs:
        if objective_id not in own:  # the objective changed between the two reads
            continue
        score = score_key_result(
            rule=KeyResultRule(direction, base, target, high, stretch),
            value=v,
            confidence=c,
            start=period.start,
            deadline=due or period.end,
            on=on,
            commitment=commitments[objective_id],
            uncertain=bool(unsure),
        )
        kr_scores[pk] = score
        own[objective_id].append((score, weight))
    kept_links = [link for link in links if link[0] in own and link[1] in own]
    rolled = _roll_up(own, kept_links, final=on >= period.end)
    team_grades = rollup_groups(
        {pk: (rolled[pk].grade, weight) for pk, _, weight, _ in objective_rows},
        {pk: team_id for pk, team_id, _, _ in objective_rows},
    )
    team_measured: dict[int, Measured] = defaultdict(Measured)
    for pk, team_id, _, _ in objective_rows:
        team_measured[team_id] = team_measured[team_id] + rolled[pk].measured
    return Grades(
        on=on,
        objectives=rolled,
        key_results=kr_scores,
        teams=team_grades,
        organization=weighted_mean((grade, 1.0) for grade in team_grades.values()),
        links=kept_links,
        team_measured=dict(team_measured),
        measured=Measured.total_of(team_measured.values()),
    )


def _roll_up(
    own: dict[int, list[tuple[KeyResultScore, float]]],
    links: list[tuple[int, int, float]],
    *,
    final: bool,
) -> dict[int, ObjectiveGrade]:
    """Roll the key results' scores up the alignment links; a key result without a value
    counts as 0 (`okrs.core.rollup.counted`). `final`: the period has ended."""
    contributions: dict[int, list[tuple[int, float]]] = defaultdict(list)
    for child, parent, weight in links:
        contributions[parent].append((child, weight))
    columns = {
        pk: [((counted(s.grade), counted(s.progress), s.expected), weight) for s, weight in scores]
        for pk, scores in own.items()
    }
    rolled = rollup_columns(columns, contributions, 3)
    result = {}
    for pk, scores in own.items():
        grade, progress, expected = rolled[pk]
        confidences = [s.confidence for s, _ in scores if s.confidence is not None]
        result[pk] = ObjectiveGrade(
            grade=grade,
            progress=progress,
            expected=expected or 0.0,
            status=status(
                progress=progress,
                expected=expected or 0.0,
                confidence=min(confidences) if confidences else None,
                final=final and progress is not None,
            ),
            measured=Measured.of(s.grade for s, _ in scores),
        )
    return result


MAX_SAMPLES = 14
"""At most this many days are graded for one chart: weekly over a quarter."""


def sample_days(period: Period, today: dt.date) -> list[dt.date]:
    """The days a trend samples: from the period's start to today (or its end, if over), in
    even steps of whole days, at most `MAX_SAMPLES` of them, the last one that day."""
    last = min(max(today, period.start), period.end)
    span = (last - period.start).days
    step = max(7, -(-span // (MAX_SAMPLES - 1)))
    days = [period.start + dt.timedelta(days=d) for d in range(0, span, step)]
    return [*days, last]


@dataclass(frozen=True)
class Trend:
    """The grades of a set of objectives on each of `days`."""

    days: list[dt.date]
    graded: list[Grades]
    teams: dict[int, int]
    """Each objective's team."""

    def objective(self, pk: int) -> tuple[list[tuple[dt.date, float | None]], list[tuple]]:
        """(grade, expected) series of one objective."""
        grades = [(g.on, g.objectives[pk].grade) for g in self.graded if pk in g.objectives]
        expected = [(g.on, g.objectives[pk].expected) for g in self.graded if pk in g.objectives]
        return grades, expected

    def team(self, team_id: int) -> tuple[list, list]:
        """(grade, expected) series of one team; the expected grade is the mean of its
        objectives' expected grades."""
        teams = self.teams
        grades = [(g.on, g.teams.get(team_id)) for g in self.graded]
        expected = [
            (g.on, e)
            for g in self.graded
            if (e := _mean(o.expected for pk, o in g.objectives.items() if teams[pk] == team_id))
            is not None
        ]
        return grades, expected

    def organization(self) -> tuple[list, list]:
        """(grade, expected) series of the whole set: the organization's grade (the mean of
        its teams') against the mean of the teams' expected grades."""
        teams = self.teams
        grades = [(g.on, g.organization) for g in self.graded]
        expected = []
        for g in self.graded:
            by_team: defaultdict[int, list[float]] = defaultdict(list)
            for pk, o in g.objectives.items():
                by_team[teams[pk]].append(o.expected)
            mean = _mean(v for values in by_team.values() if (v := _mean(values)) is not None)
            if mean is not None:
                expected.append((g.on, mean))
        return grades, expected


def _mean(values) -> float | None:
    return weighted_mean((v, 1.0) for v in values)


def grade_history(period: Period, objectives: QuerySet[Objective], days: list[dt.date]) -> Trend:
    """Grade `objectives` (those in `period`) as of the end of each of `days`."""
    in_period = objectives.filter(period=period)
    objective_rows = tuple(in_period.values_list("pk", "team_id", "weight", "commitment"))
    krs = list(
        KeyResult.objects.filter(objective__in=in_period.values("pk"), archived=False)
        .order_by("pk")
        .values_list(*KR_SCORING_FIELDS)
    )
    # each check-in's day in the reader's time zone, not its time: the days graded are whole
    # days, and a date loads several times faster than a time with its zone (on PostgreSQL
    # Django's loader of `timestamptz` is Python's: figures in docs/performance.md)
    history: defaultdict[int, list[tuple[dt.date, float, float | None]]] = defaultdict(list)
    for kr_id, on, value, confidence in (
        CheckIn.objects.filter(key_result__in=[kr[0] for kr in krs])
        .order_by("key_result_id", "at", "pk")
        .values_list(
            "key_result_id",
            TruncDate("at", tzinfo=timezone.get_current_timezone()),
            "value",
            "confidence",
        )
    ):
        history[kr_id].append((on, value, confidence))
    links = _links(in_period)
    graded = []
    for day in days:
        rows = []
        for kr in krs:
            checkins = history.get(kr[0], [])
            # the latest check-in on or before the day, by time then key
            index = bisect.bisect_right(checkins, day, key=lambda c: c[0])
            value, confidence = checkins[index - 1][1:] if index else (None, None)
            rows.append((*kr, value, confidence))
        graded.append(grade_rows(period, day, objective_rows, rows, links))
    teams = {pk: team_id for pk, team_id, _, _ in objective_rows}
    return Trend(days=days, graded=graded, teams=teams)
