"""The period's score as plain data, for `okrs score` and `GET /api/v1/periods/{slug}/score`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet

from okrs.goals.models import KeyResult, Objective, Period
from okrs.goals.selectors import grades
from okrs.org.models import Team


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


KR_FIELDS = (
    "pk",
    "objective_id",
    "code",
    "title",
    "direction",
    "baseline",
    "target",
    "target_high",
    "stretch",
    "unit",
    "deadline",
    "weight",
)


def period_score(
    period: Period, objectives: QuerySet[Objective], *, on: dt.date | None = None
) -> dict[str, Any]:
    """The score document of `objectives` of `period` as of day `on`: the period's, each team's,
    objective's and key result's grade, progress, expected progress and status, read as plain
    rows (no model instance) in six queries, whatever the size."""
    graded = grades(period, objectives, on=on, times=True)
    shown = objectives.filter(period=period)
    rows = [
        row
        for row in shown.order_by("team__order", "team__name", "order", "id").values_list(
            "pk", "team_id", "code", "title", "commitment", "weight", "owner__username"
        )
        if row[0] in graded.objectives
    ]
    krs_of: dict[int, list[dict[str, Any]]] = {pk: [] for pk, *_ in rows}
    kr_rows = (
        KeyResult.objects.filter(objective__in=shown.values("pk"), archived=False)
        .order_by("order", "id")
        .values_list(*KR_FIELDS)
    )
    for (
        pk,
        objective_id,
        code,
        title,
        direction,
        base,
        target,
        high,
        stretch,
        unit,
        due,
        weight,
    ) in kr_rows:
        score = graded.key_results.get(pk)
        if score is None or objective_id not in krs_of:
            continue
        at = graded.checked_in_at.get(pk)
        krs_of[objective_id].append(
            {
                "id": pk,
                "code": code,
                "title": title,
                "direction": direction,
                "baseline": base,
                "target": target,
                "target_high": high,
                "stretch": stretch,
                "unit": unit,
                "deadline": due.isoformat() if due else None,
                "weight": weight,
                "value": score.value,
                "confidence": score.confidence,
                "progress": _rounded(score.progress),
                "grade": _rounded(score.grade),
                "expected": _rounded(score.expected),
                "status": score.status.value,
                "last_checkin_at": at.isoformat() if at else None,
            }
        )
    teams = {
        pk: (slug, name)
        for pk, slug, name in Team.objects.filter(
            pk__in={team_id for _, team_id, *_ in rows}
        ).values_list("pk", "slug", "name")
    }
    by_team: dict[int, list[dict[str, Any]]] = {}
    for pk, team_id, code, title, commitment, weight, owner in rows:
        grade = graded.objectives[pk]
        by_team.setdefault(team_id, []).append(
            {
                "id": pk,
                "code": code,
                "title": title,
                "commitment": commitment,
                "weight": weight,
                "owner": owner,
                "progress": _rounded(grade.progress),
                "grade": _rounded(grade.grade),
                "expected": _rounded(grade.expected),
                "status": grade.status.value,
                "key_results": krs_of[pk],
            }
        )
    return {
        "period": period.slug,
        "on": graded.on.isoformat(),
        "grade": _rounded(graded.organization),
        "teams": [
            {
                "slug": teams[team_id][0],
                "name": teams[team_id][1],
                "grade": _rounded(graded.teams.get(team_id)),
                "objectives": items,
            }
            for team_id, items in by_team.items()
        ],
    }
