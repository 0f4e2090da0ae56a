"""The period's score as plain data, for `okrs score` and `GET /api/v1/periods/{slug}/score`:
the period's grade, then its teams (a page of them, for the API) with their objectives and key
results, each with grade, progress, expected progress, status and "N of M measured"."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet

from okrs.core.rollup import Measured
from okrs.goals.models import Objective, Period, TeamRollup
from okrs.goals.selectors import (
    KeyResultRow,
    ObjectiveRow,
    Rollups,
    TeamRow,
    kept_team_rollups,
    organization_rollup,
    reads_kept,
    scoreboard,
    scoring_day,
)


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _measured(measured: Measured) -> dict[str, int]:
    return {"measured": measured.measured, "total": measured.total}


def period_score(
    period: Period,
    objectives: QuerySet[Objective],
    *,
    parts: QuerySet[TeamRollup] | None = None,
    on: dt.date | None = None,
    teams: list[int] | None = None,
) -> dict[str, Any]:
    """The score document of `objectives` of `period` as of day `on`: the period's grade (over
    all of `objectives`), then each team's (only those of `teams`, keys, when given) with its
    objectives and key results. Today's is read from the kept scores: the rollups as
    aggregates, then the teams shown (four queries whatever the size); a day before today is
    graded from the history."""
    scope = objectives.filter(period=period)
    shown = scope if teams is None else scope.filter(team_id__in=teams)
    day = scoring_day(period, on)
    rollups: Rollups | None = None
    if parts is not None and reads_kept(period, day):
        # the organization's rollup in one row, the teams' only for the teams shown; read the
        # same way when every team is shown (`okrs score`), so both doors give the same grade
        rollups = Rollups(
            teams=kept_team_rollups(parts, teams), organization=organization_rollup(parts)
        )
    board = scoreboard(period, shown, on=day, scope=scope, rollups=rollups)
    return {
        "period": period.slug,
        "on": board.on.isoformat(),
        "grade": _rounded(board.grade),
        **_measured(board.measured),
        "items": [_team(row) for row in sorted(board.teams, key=lambda row: row.team.pk)]
        if teams is not None
        else [_team(row) for row in board.teams],
    }


def _team(row: TeamRow) -> dict[str, Any]:
    return {
        "slug": row.team.slug,
        "name": row.team.name,
        "grade": _rounded(row.grade),
        **_measured(row.measured),
        "objectives": [_objective(objective) for objective in row.objectives],
    }


def _objective(row: ObjectiveRow) -> dict[str, Any]:
    objective = row.objective
    return {
        "id": objective.pk,
        "code": objective.code,
        "title": objective.title,
        "commitment": objective.commitment,
        "weight": objective.weight,
        "owner": objective.owner.username if objective.owner else None,
        "progress": _rounded(row.progress),
        "grade": _rounded(row.grade),
        "expected": _rounded(row.expected),
        "status": row.status.value,
        **_measured(row.measured),
        "key_results": [_key_result(kr_row) for kr_row in row.key_results],
    }


def _key_result(row: KeyResultRow) -> dict[str, Any]:
    kr, score, at = row.key_result, row.score, row.last_checkin_at
    return {
        "id": kr.pk,
        "code": kr.code,
        "title": kr.title,
        "direction": kr.direction,
        "baseline": kr.baseline,
        "target": kr.target,
        "target_high": kr.target_high,
        "stretch": kr.stretch,
        "unit": kr.unit,
        "deadline": kr.deadline.isoformat() if kr.deadline else None,
        "weight": kr.weight,
        "value": score.value,
        "confidence": score.confidence,
        "progress": _rounded(score.progress),
        "grade": _rounded(score.grade),
        "expected": _rounded(score.expected),
        "status": score.status.value,
        "last_checkin_at": at.isoformat() if at else None,
    }
