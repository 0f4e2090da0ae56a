"""The end-of-quarter review: every key result's final grade, committed against aspirational,
and how the grades are distributed. Scores are taken as of the period's last day."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Avg, Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from okrs.core.charts import GRADE_BUCKETS, HISTOGRAM_NARROW, histogram_svg, responsive
from okrs.core.pacing import EXPECTED_FINAL_GRADE, Commitment
from okrs.goals.models import KeyResult, Objective, Period
from okrs.goals.selectors import KeyResultRow, ObjectiveRow, Scoreboard, TeamRow
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


def bucket_filters() -> list[Q]:
    """`GRADE_BUCKETS` as filters on a key result's kept grade, as `grade_buckets` counts: each
    range includes its lower bound, the last also its upper one (kept grades lie in [0, 1])."""
    last = len(GRADE_BUCKETS) - 1
    return [
        Q(kept_grade__gte=low) if i == last else Q(kept_grade__gte=low, kept_grade__lt=high)
        for i, (low, high) in enumerate(GRADE_BUCKETS)
    ]


@dataclass(frozen=True)
class ReviewFigures:
    """The review's summaries of every key result the reader may see: per commitment, and how
    the grades are distributed over `GRADE_BUCKETS`."""

    summaries: list[CommitmentSummary]
    buckets: list[int]
    count: int
    graded: int


def review_figures(objectives: QuerySet[Objective]) -> ReviewFigures:
    """`ReviewFigures` of the key results (not archived) of `objectives`, from their kept
    grades: one query, aggregated in SQL, a row per commitment."""
    aggregates: dict[str, Any] = {
        "count": Count("pk"),
        "graded": Count("kept_grade"),
        "mean": Avg("kept_grade"),
    }
    for commitment, expected in EXPECTED_FINAL_GRADE.items():
        aggregates[f"reached_{commitment.value}"] = Count(
            "pk", filter=Q(kept_grade__gte=expected - 1e-9)
        )
    for i, bucket in enumerate(bucket_filters()):
        aggregates[f"bucket_{i}"] = Count("pk", filter=bucket)
    rows = {
        row["objective__commitment"]: row
        for row in KeyResult.objects.filter(objective__in=objectives.values("pk"), archived=False)
        .order_by()
        .values("objective__commitment")
        .annotate(**aggregates)
    }
    summaries = []
    for commitment in Commitment:
        row = rows.get(commitment.value, {})
        summaries.append(
            CommitmentSummary(
                commitment=commitment,
                label=commitment.value.title(),
                expected=EXPECTED_FINAL_GRADE[commitment],
                count=row.get("count", 0),
                graded=row.get("graded", 0),
                mean=row.get("mean"),
                reached=row.get(f"reached_{commitment.value}", 0),
            )
        )
    buckets = [sum(row[f"bucket_{i}"] for row in rows.values()) for i in range(len(GRADE_BUCKETS))]
    return ReviewFigures(
        summaries=summaries,
        buckets=buckets,
        count=sum(s.count for s in summaries),
        graded=sum(s.graded for s in summaries),
    )


def period_review(request: HttpRequest, slug: str) -> HttpResponse:
    """`/periods/<slug>/review/`: the period's final grades, for what the reader may see: the
    summaries of every key result (aggregates), then a page of teams' key results. The
    organization's grade over time is read on demand (`period_review_trend`)."""
    period = get_object_or_404(Period, slug=slug)
    scope = Objective.objects.visible_to(request.user).filter(period=period)
    figures = review_figures(scope)
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
