"""Grades over time: a set of objectives graded as of several days from its check-in history.

The grades of each day are `okrs.goals.selectors.grades` of that day, rolled up the same way
(`_graded`, fed rows as `scoring_rows` reads them), so a trend chart's last point is the
grade the page shows. Four queries whatever the number of days: the objectives, their key
results, every check-in of those, and the alignment links.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from okrs.core.rollup import weighted_mean
from okrs.goals.models import Alignment, CheckIn, KeyResult, Objective, Period
from okrs.goals.selectors import KR_SCORING_FIELDS, Grades, _graded

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
    history: defaultdict[int, list[tuple[dt.datetime, int, float, float | None]]] = defaultdict(
        list
    )
    for kr_id, at, pk, value, confidence in (
        CheckIn.objects.filter(key_result__in=[kr[0] for kr in krs])
        .order_by("key_result_id", "at", "pk")
        .values_list("key_result_id", "at", "pk", "value", "confidence")
    ):
        history[kr_id].append((at, pk, value, confidence))
    links = tuple(
        Alignment.objects.filter(
            child__in=in_period.values("pk"), parent__in=in_period.values("pk")
        )
        .order_by("id")
        .values_list("child_id", "parent_id", "weight")
    )
    zone = timezone.get_current_timezone()
    graded = []
    for day in days:
        end_of_day = dt.datetime.combine(day, dt.time.max, tzinfo=zone)
        rows = []
        for kr in krs:
            checkins = history.get(kr[0], [])
            # the latest check-in at or before the end of the day, by time then key
            index = bisect.bisect_right(checkins, end_of_day, key=lambda c: c[0])
            value, confidence = checkins[index - 1][2:] if index else (None, None)
            rows.append((*kr, value, confidence))
        graded.append(_graded(period.start, period.end, day, objective_rows, tuple(rows), links))
    teams = {pk: team_id for pk, team_id, _, _ in objective_rows}
    return Trend(days=days, graded=graded, teams=teams)
