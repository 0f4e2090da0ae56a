"""CSV downloads: a period's objectives and key results with grades and statuses, and a key
result's check-ins. Rows come from the same reads as the pages (`scoreboard`, the access
helpers), so a download shows exactly what its reader may see, graded as the pages grade."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator
from typing import Any

from django.contrib.auth import get_user_model
from django.http import HttpResponse

from okrs.goals.models import CheckIn, KeyResult, Objective, ObjectiveState, Period
from okrs.goals.selectors import scoreboard
from okrs.org.access import User

PERIOD_COLUMNS = [
    "team", "objective_id", "objective_code", "objective", "state", "commitment",
    "objective_owner", "objective_grade", "objective_progress", "objective_expected",
    "objective_status", "key_result_id", "key_result_code", "key_result", "direction",
    "baseline", "target", "target_high", "unit", "deadline", "key_result_owner", "value",
    "progress", "grade", "expected", "status", "confidence", "last_check_in",
]  # fmt: skip
CHECKIN_COLUMNS = ["at", "value", "confidence", "note", "author", "source", "recorded_at"]
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: str) -> str:
    """A text cell a spreadsheet will not run: one starting like a formula gets a leading
    apostrophe (OWASP's CSV injection advice). Numbers are written as numbers, untouched."""
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return safe_text(str(value))


def _username(user: Any) -> str:
    return "" if user is None else str(user.get_username())


def period_rows(user: User, period: Period, *, on: dt.date | None = None) -> Iterator[list[Any]]:
    """One row per key result (an objective without any: one row with empty KR columns) of the
    period's objectives `user` may read, archived ones left out as on the overview."""
    scope = (
        Objective.objects.visible_to(user)
        .filter(period=period)
        .exclude(state=ObjectiveState.ARCHIVED)
    )
    board = scoreboard(period, scope, on=on)
    # the boards do not read key result owners: their names in one query
    owners = dict(
        get_user_model()
        .objects.filter(
            pk__in={k.key_result.owner_id for o in board.objectives for k in o.key_results}
        )
        .values_list("pk", "username")
    )
    for team_row in board.teams:
        for row in team_row.objectives:
            o = row.objective
            head = [
                team_row.team.name, o.pk, o.code, o.title, o.state, o.commitment,
                _username(o.owner), row.grade, row.progress, row.expected, row.status.value,
            ]  # fmt: skip
            if not row.key_results:
                yield head + [None] * (len(PERIOD_COLUMNS) - len(head))
            for kr_row in row.key_results:
                kr, score = kr_row.key_result, kr_row.score
                yield [
                    *head, kr.pk, kr.code, kr.title, kr.direction, kr.baseline, kr.target,
                    kr.target_high, kr.unit, kr.deadline, owners.get(kr.owner_id, ""), score.value,
                    score.progress, score.grade, score.expected, score.status.value,
                    score.confidence, kr_row.last_checkin_at,
                ]  # fmt: skip


def checkin_rows(key_result: KeyResult) -> Iterator[list[Any]]:
    """Every check-in of the key result, oldest first (the caller checked it may be read)."""
    checkins = (
        CheckIn.objects.filter(key_result=key_result).select_related("author").order_by("at", "id")
    )
    for c in checkins.iterator(2000):
        yield [c.at, c.value, c.confidence, c.note, _username(c.author), c.source, c.recorded_at]


def csv_response(filename: str, columns: list[str], rows: Iterable[list[Any]]) -> HttpResponse:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(v) for v in row])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def period_csv(user: User, period: Period, *, on: dt.date | None = None) -> HttpResponse:
    suffix = f"-{on.isoformat()}" if on else ""
    return csv_response(
        f"okrs-{period.slug}{suffix}.csv", PERIOD_COLUMNS, period_rows(user, period, on=on)
    )


def checkins_csv(key_result: KeyResult) -> HttpResponse:
    return csv_response(
        f"okrs-key-result-{key_result.pk}-check-ins.csv", CHECKIN_COLUMNS, checkin_rows(key_result)
    )
