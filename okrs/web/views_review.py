"""The end-of-quarter review: every key result's final grade, committed against aspirational,
and how the grades are distributed. Scores are taken as of the period's last day."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.safestring import mark_safe

from okrs.core.charts import GRADE_BUCKETS, grade_buckets, histogram_svg
from okrs.core.pacing import EXPECTED_FINAL_GRADE, Commitment
from okrs.core.rollup import weighted_mean
from okrs.goals.models import Objective, Period
from okrs.goals.selectors import KeyResultRow, ObjectiveRow, Scoreboard, TeamRow, grades
from okrs.web.charts import period_trend
from okrs.web.selectors import board_page
from okrs.web.views_map import key_result_href, objective_href


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


def summarize(commitment: Commitment, grades: Iterable[float | None]) -> CommitmentSummary:
    """Mean grade and how many reached the expected final grade (1.0 committed, 0.7
    aspirational); key results without a check-in count in `count` but not in the mean."""
    values = list(grades)
    graded = [g for g in values if g is not None]
    expected = EXPECTED_FINAL_GRADE[commitment]
    return CommitmentSummary(
        commitment=commitment,
        label=commitment.value.title(),
        expected=expected,
        count=len(values),
        graded=len(graded),
        mean=weighted_mean((g, 1.0) for g in graded),
        reached=sum(1 for g in graded if g >= expected - 1e-9),
    )


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


def period_review(request: HttpRequest, slug: str) -> HttpResponse:
    """`/periods/<slug>/review/`: the period's final grades, for what the reader may see."""
    period = get_object_or_404(Period, slug=slug)
    scope = Objective.objects.visible_to(request.user)
    graded = grades(period, scope, on=period.end)
    # the summaries cover every key result; the table below shows a page of teams
    by_commitment = {
        commitment: summarize(
            commitment,
            (
                score.grade
                for pk, score in graded.key_results.items()
                if graded.commitments[graded.key_result_objectives[pk]] == commitment
            ),
        )
        for commitment in Commitment
    }
    grades_given = [s.grade for s in graded.key_results.values() if s.grade is not None]
    counts = grade_buckets(grades_given)
    bars = [
        (bucket_label(low, high), count)
        for (low, high), count in zip(GRADE_BUCKETS, counts, strict=True)
    ]
    board, page = board_page(
        period,
        scope,
        graded,
        page=request.GET.get("page"),
        max_teams=REVIEW_TEAMS_PER_PAGE,
        max_objectives=REVIEW_OBJECTIVES_PER_PAGE,
    )
    histogram = histogram_svg(
        bars=bars, title=f"Distribution of final key result grades, {period}", chart_id="grades"
    )
    return render(
        request,
        "web/review.html",
        {
            "period": period,
            "board": board,
            "teams": review_lines(board),
            "summaries": list(by_commitment.values()),
            "bars": bars,
            "ungraded": len(graded.key_results) - len(grades_given),
            "kr_count": len(graded.key_results),
            "page": page,
            # histogram_svg escapes every text it writes
            "histogram": mark_safe(histogram),
            "trend": period_trend(period, scope),
            "finished": timezone.localdate() > period.end,
            "periods": Period.objects.order_by("-start"),
            "title": f"Review {period}",
        },
    )
