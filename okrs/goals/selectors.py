"""Reads of goals with their scores, built in a fixed number of queries whatever the data size.

The latest value of every key result is found in SQL (a correlated subquery on the check-in
index); the grading rules of `okrs.core` then score and roll up in one pass.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from okrs.core.pacing import Commitment, Status, status
from okrs.core.rollup import rollup_groups, rollup_objectives, weighted_mean
from okrs.core.scoring import KeyResultScore, score_key_result
from okrs.goals.models import Alignment, CheckIn, KeyResult, Objective, Period
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


@dataclass
class TeamRow:
    team: Team
    objectives: list[ObjectiveRow] = field(default_factory=list)
    grade: float | None = None


@dataclass
class Scoreboard:
    period: Period
    on: dt.date
    teams: list[TeamRow]
    grade: float | None

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
    key_results: QuerySet[KeyResult], *, on: dt.date | None = None
) -> QuerySet[KeyResult]:
    """Annotate each key result with its latest check-in (value, confidence, time) as of `on`."""
    checkins = CheckIn.objects.filter(key_result=OuterRef("pk"))
    if on is not None:
        end_of_day = dt.datetime.combine(on, dt.time.max, tzinfo=timezone.get_current_timezone())
        checkins = checkins.filter(at__lte=end_of_day)
    latest = checkins.order_by("-at", "-id")
    return key_results.annotate(
        latest_value=Subquery(latest.values("value")[:1]),
        latest_confidence=Subquery(latest.values("confidence")[:1]),
        latest_at=Subquery(latest.values("at")[:1]),
    )


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
    )
    return KeyResultRow(key_result=kr, score=score, last_checkin_at=kr.latest_at)  # type: ignore[attr-defined]


def scoreboard(
    period: Period, objectives: QuerySet[Objective], *, on: dt.date | None = None
) -> Scoreboard:
    """Score `objectives` of `period` as of day `on` (default: today, inside the period).

    Three queries: objectives, key results with their latest check-in, alignment links.
    """
    on = on or min(max(timezone.localdate(), period.start), period.end)
    objective_list = list(
        objectives.filter(period=period)
        .select_related("team", "owner")
        .order_by("team__order", "team__name", "order", "id")
    )
    by_id = {o.pk: ObjectiveRow(objective=o, key_results=[]) for o in objective_list}
    krs = key_results_with_latest(
        KeyResult.objects.filter(objective_id__in=by_id, archived=False).select_related("owner"),
        on=on,
    ).order_by("order", "id")
    for kr in krs:
        row = by_id[kr.objective_id]
        row.key_results.append(score_row(kr, period, row.objective.commitment, on))
    links = Alignment.objects.filter(child_id__in=by_id, parent_id__in=by_id).values_list(
        "child_id", "parent_id", "weight"
    )
    _roll_up(by_id, list(links))
    return _group_by_team(period, on, objective_list, by_id)


def _roll_up(by_id: dict[int, ObjectiveRow], links: list[tuple[int, int, float]]) -> None:
    contributions: dict[int, list[tuple[int, float]]] = defaultdict(list)
    for child, parent, weight in links:
        contributions[parent].append((child, weight))

    def own(attr: str) -> dict[int, list[tuple[float | None, float]]]:
        return {
            pk: [(getattr(k.score, attr), k.key_result.weight) for k in row.key_results]
            for pk, row in by_id.items()
        }

    grades = rollup_objectives(own("grade"), contributions)
    progress = rollup_objectives(own("progress"), contributions)
    expected = rollup_objectives(own("expected"), contributions)
    for pk, row in by_id.items():
        row.grade, row.progress = grades[pk], progress[pk]
        row.expected = expected[pk] or 0.0
        confidences = [
            k.score.confidence for k in row.key_results if k.score.confidence is not None
        ]
        row.status = status(
            progress=row.progress,
            expected=row.expected,
            confidence=min(confidences) if confidences else None,
        )


def _group_by_team(
    period: Period, on: dt.date, objectives: list[Objective], by_id: dict[int, ObjectiveRow]
) -> Scoreboard:
    teams: dict[int, TeamRow] = {}
    for objective in objectives:
        team_row = teams.setdefault(objective.team_id, TeamRow(team=objective.team))
        team_row.objectives.append(by_id[objective.pk])
    team_grades = rollup_groups(
        {pk: (row.grade, row.objective.weight) for pk, row in by_id.items()},
        {pk: row.objective.team_id for pk, row in by_id.items()},
    )
    for team_id, team_row in teams.items():
        team_row.grade = team_grades.get(team_id)
    organization = weighted_mean((row.grade, 1.0) for row in teams.values())
    return Scoreboard(period=period, on=on, teams=list(teams.values()), grade=organization)
