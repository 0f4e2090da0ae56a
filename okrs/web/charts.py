"""The charts of the pages: each drawn twice (wide and narrow, `okrs.core.charts.responsive`)
with its values in a table beside it. The drawing is `okrs.core.charts`; this module feeds it
what the pages read."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from okrs.core import charts
from okrs.goals.history import Trend, grade_history, sample_days
from okrs.goals.models import Objective, Period
from okrs.web.words import reader_words


def _grade(words: charts.Words, value: float | None) -> str:
    return "—" if value is None else charts.grade2(words, value)


def key_result_chart(key_result, checkins, period: Period) -> SafeString:
    """The values of a key result over time against its expected line, both sizes."""
    milestone = key_result.direction == "milestone"
    args = {
        "points": [(timezone.localtime(c.at).date(), c.value) for c in checkins],
        "baseline": 0.0 if milestone else key_result.baseline,
        "target": 1.0 if milestone else key_result.target,
        "target_high": key_result.target_high,
        "start": period.start,
        "deadline": key_result.due(period),
        "end": period.end,
        "unit": key_result.unit,
        "title": gettext("%(kr)s: values over time") % {"kr": key_result.title},
        "today": timezone.localdate(),
        "milestone": milestone,
        "words": reader_words(),
    }
    wide = charts.kr_chart_svg(**args, chart_id="kr-chart")
    narrow = charts.kr_chart_svg(**args, chart_id="kr-chart-narrow", size=charts.NARROW)
    # kr_chart_svg escapes every text it writes
    return mark_safe(charts.responsive(wide, narrow))


def trend_chart(
    *,
    points: list[tuple[dt.date, float | None]],
    expected: list[tuple[dt.date, float]],
    period: Period,
    title: str,
    subject: str,
    chart_id: str,
) -> SafeString:
    """A grade over time against the expected grade, both sizes, and its values as a table."""
    args = {
        "points": points,
        "expected": expected,
        "start": period.start,
        "end": period.end,
        "title": title,
        "subject": subject,
        "today": timezone.localdate(),
        "words": reader_words(),
    }
    wide = charts.trend_chart_svg(**args, chart_id=chart_id)
    narrow = charts.trend_chart_svg(**args, chart_id=f"{chart_id}-narrow", size=charts.NARROW)
    due = dict(expected)
    words = args["words"]
    table = charts.values_table(
        caption=gettext("%(title)s: the values") % {"title": title},
        headings=[gettext("Day"), gettext("Grade"), gettext("Expected")],
        rows=[
            [words.long_day(day), _grade(words, grade), _grade(words, due.get(day))]
            for day, grade in points
        ],
    )
    # trend_chart_svg and values_table escape every text they write
    return mark_safe(charts.responsive(wide, narrow) + table)


def history_of(period: Period, scope: QuerySet[Objective]) -> Trend:
    """`scope` graded on the sample days up to today (four queries)."""
    return grade_history(period, scope, sample_days(period, timezone.localdate()))


def objective_trend(period: Period, scope: QuerySet[Objective], objective: Objective) -> SafeString:
    points, expected = history_of(period, scope).objective(objective.pk)
    return trend_chart(
        points=points,
        expected=expected,
        period=period,
        title=gettext("Grade of %(objective)s over time") % {"objective": objective.title},
        subject=gettext("the objective"),
        chart_id="objective-trend",
    )


def team_trend(period: Period, scope: QuerySet[Objective], team) -> SafeString:
    points, expected = history_of(period, scope).team(team.pk)
    return trend_chart(
        points=points,
        expected=expected,
        period=period,
        title=gettext("Grade of %(team)s over time") % {"team": team.name},
        subject=team.name,
        chart_id="team-trend",
    )


def period_trend(period: Period, scope: QuerySet[Objective]) -> SafeString:
    points, expected = history_of(period, scope).organization()
    return trend_chart(
        points=points,
        expected=expected,
        period=period,
        title=gettext("Organization grade over time, %(period)s") % {"period": period},
        subject=gettext("the organization"),
        chart_id="period-trend",
    )
