"""Plain-data views of scores, shared by `okrs score --format json`, exports and the API."""

from __future__ import annotations

from typing import Any

from okrs.goals.selectors import KeyResultRow, ObjectiveRow, Scoreboard


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def key_result_as_dict(row: KeyResultRow) -> dict[str, Any]:
    kr, score = row.key_result, row.score
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
        "last_checkin_at": row.last_checkin_at.isoformat() if row.last_checkin_at else None,
    }


def objective_as_dict(row: ObjectiveRow) -> dict[str, Any]:
    objective = row.objective
    return {
        "id": objective.pk,
        "code": objective.code,
        "title": objective.title,
        "commitment": objective.commitment,
        "weight": objective.weight,
        "owner": objective.owner.get_username() if objective.owner else None,
        "progress": _rounded(row.progress),
        "grade": _rounded(row.grade),
        "expected": _rounded(row.expected),
        "status": row.status.value,
        "key_results": [key_result_as_dict(k) for k in row.key_results],
    }


def scoreboard_as_dict(board: Scoreboard) -> dict[str, Any]:
    return {
        "period": board.period.slug,
        "on": board.on.isoformat(),
        "grade": _rounded(board.grade),
        "teams": [
            {
                "slug": team.team.slug,
                "name": team.team.name,
                "grade": _rounded(team.grade),
                "objectives": [objective_as_dict(o) for o in team.objectives],
            }
            for team in board.teams
        ],
    }
