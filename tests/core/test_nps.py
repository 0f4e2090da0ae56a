"""NPS statistics: the published worked example, edge cases and invariants (no Django)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from okrs.core.nps import (
    Category,
    Comparator,
    Method,
    NpsCounts,
    Verdict,
    adjusted_wald,
    category,
    nps,
    small_sample_warning,
    summarize,
    verdict,
    wald,
)

PUBLISHED = NpsCounts(promoters=291, passives=476, detractors=395)


def test_published_example_plain_wald() -> None:
    interval = wald(PUBLISHED)
    assert interval is not None and interval.method is Method.WALD
    assert PUBLISHED.n == 1162
    assert round(interval.nps, 2) == -8.95
    assert round(interval.margin, 2) == 4.39
    assert interval.standard_error == pytest.approx(4.39 / 1.96, abs=0.005)


def test_published_example_adjusted_wald() -> None:
    interval = adjusted_wald(PUBLISHED)
    assert round(interval.nps, 2) == -8.93
    assert round(interval.margin, 2) == 4.38


@pytest.mark.parametrize(
    ("score", "expected"),
    [(0, Category.DETRACTOR), (6, Category.DETRACTOR), (7, Category.PASSIVE),
     (8, Category.PASSIVE), (9, Category.PROMOTER), (10, Category.PROMOTER)],
)  # fmt: skip
def test_categories(score: int, expected: Category) -> None:
    assert category(score) is expected


@pytest.mark.parametrize("bad", [-1, 11, 7.5, True, "9"])
def test_scores_outside_0_10_are_refused(bad: object) -> None:
    with pytest.raises(ValueError, match="0 to 10"):
        category(bad)  # type: ignore[arg-type]


def test_counts_from_scores() -> None:
    counts = NpsCounts.from_scores([10, 9, 8, 7, 6, 0, 5])
    assert counts == NpsCounts(promoters=2, passives=2, detractors=3)
    assert nps(counts) == pytest.approx(100 * (2 - 3) / 7)


def test_no_answers_means_no_nps_and_an_undecided_verdict() -> None:
    counts = NpsCounts(0, 0, 0)
    assert nps(counts) is None and wald(counts) is None
    summary = summarize(counts, target=11.5, comparator=Comparator.GT)
    assert summary.verdict is Verdict.UNDECIDED
    assert summary.warning is not None and "No answers" in summary.warning


def test_verdicts_against_a_target() -> None:
    strong = NpsCounts(promoters=700, passives=200, detractors=100)  # NPS 60, narrow interval
    weak = NpsCounts(promoters=100, passives=200, detractors=700)  # NPS -60
    close = NpsCounts(promoters=30, passives=40, detractors=30)  # NPS 0, wide
    assert summarize(strong, target=11.5, comparator=Comparator.GT).verdict is Verdict.MET
    assert summarize(weak, target=11.5, comparator=Comparator.GT).verdict is Verdict.NOT_MET
    assert summarize(close, target=5, comparator=Comparator.GT).verdict is Verdict.UNDECIDED
    assert summarize(weak, target=0, comparator=Comparator.LT).verdict is Verdict.MET
    assert summarize(strong, target=0, comparator=Comparator.LE).verdict is Verdict.NOT_MET


def test_small_samples_are_flagged() -> None:
    assert small_sample_warning(NpsCounts(5, 5, 5)) is not None
    assert "15 answers" in (small_sample_warning(NpsCounts(5, 5, 5)) or "")
    assert small_sample_warning(PUBLISHED) is None


def test_negative_counts_are_refused() -> None:
    with pytest.raises(ValueError, match="detractors"):
        NpsCounts(1, 1, -1)


counts = st.builds(
    NpsCounts,
    st.integers(0, 10_000),
    st.integers(0, 10_000),
    st.integers(0, 10_000),
).filter(lambda c: c.n > 0)


@given(counts)
def test_nps_lies_between_minus_and_plus_100(c: NpsCounts) -> None:
    value = nps(c)
    assert value is not None and -100.0 <= value <= 100.0


@given(counts)
def test_wald_interval_contains_the_point_estimate(c: NpsCounts) -> None:
    interval = wald(c)
    assert interval is not None
    assert interval.nps == pytest.approx(nps(c))
    assert interval.low <= interval.nps <= interval.high
    assert -100.0 <= interval.low <= interval.high <= 100.0


@given(counts)
def test_adjusted_estimate_is_pulled_towards_zero_and_bounded(c: NpsCounts) -> None:
    raw, adjusted = nps(c), adjusted_wald(c)
    assert raw is not None
    assert abs(adjusted.nps) <= abs(raw) + 1e-9
    assert adjusted.margin > 0
    assert -100.0 <= adjusted.low <= adjusted.high <= 100.0


@given(counts, st.integers(1, 20))
def test_more_of_the_same_answers_narrows_the_interval(c: NpsCounts, k: int) -> None:
    bigger = NpsCounts(c.promoters * (k + 1), c.passives * (k + 1), c.detractors * (k + 1))
    small, large = wald(c), wald(bigger)
    assert small is not None and large is not None
    assert large.margin <= small.margin + 1e-9


@given(counts, st.floats(-100, 100), st.sampled_from(Comparator))
def test_met_and_not_met_are_consistent_with_the_interval(
    c: NpsCounts, target: float, comparator: Comparator
) -> None:
    interval = adjusted_wald(c)
    decided = verdict(interval, target, comparator)
    upward = comparator in (Comparator.GT, Comparator.GE)
    if decided is Verdict.MET:
        assert (interval.low >= target) if upward else (interval.high <= target)
    if decided is Verdict.NOT_MET:
        assert (interval.high <= target) if upward else (interval.low >= target)
