"""The end-of-quarter review: every key result's final grade, committed against aspirational,
and how the grades are distributed. Scores are taken as of the period's last day."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from okrs.core.charts import GRADE_BUCKETS, HISTOGRAM_NARROW, histogram_svg, responsive
from okrs.core.pacing import EXPECTED_FINAL_GRADE, Commitment
from okrs.goals.models import Objective, Period, TeamRollup
from okrs.goals.selectors import KeyResultRow, ObjectiveRow, Scoreboard, TeamRow, reader_parts
from okrs.web.charts import period_trend
from okrs.web.selectors import board_page
from okrs.web.views_map import key_result_href, objective_href
from okrs.web.words import reader_words


@dataclass(frozen=True)
class CommitmentSummary:
    """How the key results of one kind of commitment ended."""

    commitment: Commitment
    label: str
    expected: float
    count: int
    graded: int
    mean: float | None
    reached: int

    @property
    def ungraded(self) -> int:
        return self.count - self.graded


@dataclass(frozen=True)
class ReviewLine:
    objective: ObjectiveRow
    key_result: KeyResultRow
    objective_href: str
    key_result_href: str

    @property
    def reached(self) -> bool | None:
        grade = self.key_result.score.grade
        if grade is None:
            return None
        expected = EXPECTED_FINAL_GRADE[Commitment(self.objective.objective.commitment)]
        return grade >= expected - 1e-9


def review_lines(board: Scoreboard) -> list[tuple[TeamRow, list[ReviewLine]]]:
    """Every key result of the board, grouped by team, with the links of its row."""
    return [
        (
            team_row,
            [
                ReviewLine(
                    objective=row,
                    key_result=kr_row,
                    objective_href=objective_href(row.objective.pk),
                    key_result_href=key_result_href(kr_row.key_result.pk),
                )
                for row in team_row.objectives
                for kr_row in row.key_results
            ],
        )
        for team_row in board.teams
    ]


REVIEW_TEAMS_PER_PAGE = 10
"""Teams whose key results the review lists per page, at most (the summaries cover them all)."""

REVIEW_OBJECTIVES_PER_PAGE = 40
"""Objectives whose key results the review lists per page, at most (whole teams: a team with
more has a page of its own)."""


def bucket_label(low: float, high: float) -> str:
    return f"{low:.1f}–{high:.1f}"


@dataclass(frozen=True)
class ReviewFigures:
    """The review's summaries of every key result the reader may see: per commitment, and how
    the grades are distributed over `GRADE_BUCKETS`."""

    summaries: list[CommitmentSummary]
    buckets: list[int]
    count: int
    graded: int


def review_figures(parts: QuerySet[TeamRollup]) -> ReviewFigures:
    """`ReviewFigures` of the key results (not archived) of the objectives whose kept parts
    are `parts` (`reader_parts`): one row, the parts' sums added up in SQL."""
    columns = [
        f"{commitment.value}_{name}"
        for commitment in Commitment
        for name in ("krs", "graded", "grades", "reached")
    ] + [f"bucket_{i}" for i in range(len(GRADE_BUCKETS))]
    row = parts.aggregate(**{column: Sum(column) for column in columns})
    summaries = []
    for commitment in Commitment:
        count, graded, grades, reached = (
            row[f"{commitment.value}_{name}"] for name in ("krs", "graded", "grades", "reached")
        )
        summaries.append(
            CommitmentSummary(
                commitment=commitment,
                label=commitment.value.title(),
                expected=EXPECTED_FINAL_GRADE[commitment],
                count=count or 0,
                graded=graded or 0,
                mean=grades / graded if graded and grades is not None else None,
                reached=reached or 0,
            )
        )
    return ReviewFigures(
        summaries=summaries,
        buckets=[row[f"bucket_{i}"] or 0 for i in range(len(GRADE_BUCKETS))],
        count=sum(s.count for s in summaries),
        graded=sum(s.graded for s in summaries),
    )


def period_review(request: HttpRequest, slug: str) -> HttpResponse:
    """`/periods/<slug>/review/`: the period's final grades, for what the reader may see: the
    summaries of every key result (aggregates), then a page of teams' key results. The
    organization's grade over time is read on demand (`period_review_trend`)."""
    period = get_object_or_404(Period, slug=slug)
    scope = Objective.objects.visible_to(request.user).filter(period=period)
    parts = reader_parts(request.user, period)
    figures = review_figures(parts)
    bars = [
        (bucket_label(low, high), count)
        for (low, high), count in zip(GRADE_BUCKETS, figures.buckets, strict=True)
    ]
    board, page = board_page(
        period,
        scope,
        scope,
        on=period.end,
        page=request.GET.get("page"),
        max_teams=REVIEW_TEAMS_PER_PAGE,
        max_objectives=REVIEW_OBJECTIVES_PER_PAGE,
        shown_is_scope=True,
        parts=parts,
    )
    title = gettext("Distribution of final key result grades, %(period)s") % {"period": period}
    words = reader_words()
    histogram = responsive(
        histogram_svg(bars=bars, title=title, chart_id="grades", words=words),
        histogram_svg(
            bars=bars, title=title, chart_id="grades-narrow", size=HISTOGRAM_NARROW, words=words
        ),
    )
    return render(
        request,
        "web/review.html",
        {
            "period": period,
            "board": board,
            "teams": review_lines(board),
            "summaries": figures.summaries,
            "bars": bars,
            "ungraded": figures.count - figures.graded,
            "kr_count": figures.count,
            "page": page,
            # histogram_svg escapes every text it writes
            "histogram": mark_safe(histogram),
            "finished": timezone.localdate() > period.end,
            "periods": Period.objects.order_by("-start"),
            "title": gettext("Review %(period)s") % {"period": period},
        },
    )


def period_review_trend(request: HttpRequest, slug: str) -> HttpResponse:
    """`/periods/<slug>/review/trend/`: the organization's grade over time, graded from the
    check-in history of every objective the reader may see in the period (what it costs grows
    with the period, so the review links to it rather than drawing it on every read). An htmx
    request gets the chart alone, to put in the review."""
    period = get_object_or_404(Period, slug=slug)
    trend = period_trend(period, Objective.objects.visible_to(request.user))
    if request.headers.get("HX-Request"):
        return HttpResponse(trend)
    return render(
        request,
        "web/review_trend.html",
        {
            "period": period,
            "trend": trend,
            "title": gettext("Organization grade over time, %(period)s") % {"period": period},
        },
    )
