"""The rules of trust in okrs.core: final statuses at the deadline, uncertain NPS, unmeasured key
results counting as 0 and the "N of M measured" counts."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from okrs.core import nps as npsrules
from okrs.core.pacing import Commitment, Status, final_status, status
from okrs.core.rollup import Measured, counted, rollup_objectives
from okrs.core.scoring import Direction, KeyResultRule, score_key_result

START = date(2017, 1, 1)
DEADLINE = date(2017, 3, 31)

progresses = st.one_of(st.none(), st.floats(min_value=-5, max_value=5, allow_nan=False))
confidences = st.one_of(st.none(), st.floats(min_value=0, max_value=1))
days = st.integers(min_value=-30, max_value=200).map(lambda n: START + timedelta(days=n))


@settings(max_examples=200)
@given(progresses, st.floats(min_value=0, max_value=1), confidences)
def test_a_final_status_is_achieved_or_missed_never_on_track(
    progress: float | None, expected: float, confidence: float | None
) -> None:
    got = status(progress=progress, expected=expected, confidence=confidence, final=True)
    assert got in (Status.ACHIEVED, Status.MISSED) and got.final
    reached = progress is not None and min(max(progress, 0.0), 1.0) >= expected
    assert got is (Status.ACHIEVED if reached else Status.MISSED)


@settings(max_examples=200)
@given(progresses, st.floats(min_value=0, max_value=1), confidences, st.booleans())
def test_an_uncertain_estimate_is_uncertain_before_and_after_the_deadline(
    progress: float | None, expected: float, confidence: float | None, final: bool
) -> None:
    got = status(
        progress=progress, expected=expected, confidence=confidence, final=final, uncertain=True
    )
    assert got is Status.UNCERTAIN


@settings(max_examples=200)
@given(st.floats(min_value=-50, max_value=250, allow_nan=False), confidences, days,
       st.sampled_from(Commitment))  # fmt: skip
def test_a_key_result_scored_at_or_after_its_deadline_is_final(
    value: float, confidence: float | None, on: date, commitment: Commitment
) -> None:
    score = score_key_result(
        rule=KeyResultRule(Direction.INCREASE, baseline=0.0, target=100.0),
        value=value,
        confidence=confidence,
        start=START,
        deadline=DEADLINE,
        on=on,
        commitment=commitment,
    )
    assert score.status.final == (on >= DEADLINE)
    if on < DEADLINE:
        assert score.status not in (Status.ACHIEVED, Status.MISSED)


def test_at_the_deadline_14_2_against_above_15_is_missed_not_on_track() -> None:
    """The issue's example: 14.2 NPS against "> 15" on the period's last day."""
    score = score_key_result(
        rule=KeyResultRule(Direction.AT_LEAST, baseline=10.0, target=15.0),
        value=14.2,
        confidence=0.9,
        start=START,
        deadline=DEADLINE,
        on=DEADLINE,
    )
    assert score.status is Status.MISSED
    # the day before, it is judged by its pace: not final yet
    before = score_key_result(
        rule=KeyResultRule(Direction.AT_LEAST, baseline=10.0, target=15.0),
        value=14.2,
        confidence=0.9,
        start=START,
        deadline=DEADLINE,
        on=DEADLINE - timedelta(days=1),
    )
    assert not before.status.final


def test_aspirational_key_results_are_achieved_at_0_7() -> None:
    assert final_status(progress=0.7, expected=0.7) is Status.ACHIEVED
    assert final_status(progress=0.69, expected=0.7) is Status.MISSED
    assert final_status(progress=None, expected=0.7) is Status.MISSED


def test_an_nps_above_its_target_on_7_answers_is_uncertain() -> None:
    """The issue's example: above the target on 7 answers, the interval still holds it."""
    counts = npsrules.NpsCounts(promoters=4, passives=2, detractors=1)
    summary = npsrules.summarize(counts, target=11.5, comparator=npsrules.Comparator.GT)
    assert summary.nps is not None and summary.nps > 11.5
    assert summary.verdict is npsrules.Verdict.UNDECIDED
    score = score_key_result(
        rule=KeyResultRule(Direction.AT_LEAST, baseline=0.0, target=11.5),
        value=summary.nps,
        confidence=None,
        start=START,
        deadline=DEADLINE,
        on=date(2017, 2, 1),
        uncertain=summary.verdict is npsrules.Verdict.UNDECIDED,
    )
    assert score.status is Status.UNCERTAIN


@given(st.lists(st.one_of(st.none(), st.floats(0, 1)), min_size=1, max_size=12))
def test_unmeasured_key_results_count_as_zero_in_the_objective(
    grades: list[float | None],
) -> None:
    rolled = rollup_objectives({"o": [(counted(g), 1.0) for g in grades]}, {})["o"]
    assert rolled == pytest.approx(sum(g or 0.0 for g in grades) / len(grades))
    measured = Measured.of(grades)
    assert measured.total == len(grades)
    assert measured.measured == sum(g is not None for g in grades)
    assert str(measured) == f"{measured.measured} of {len(grades)} measured"


def test_two_never_checked_in_and_one_done_grade_a_third() -> None:
    """The issue's example: one KR done, two never checked in: 0.33, not 1.00."""
    rolled = rollup_objectives({"o": [(counted(g), 1.0) for g in (1.0, None, None)]}, {})["o"]
    assert rolled == pytest.approx(1 / 3)


def test_measured_counts_add_up_and_refuse_more_measured_than_counted() -> None:
    assert Measured.total_of([Measured(1, 3), Measured(2, 2)]) == Measured(3, 5)
    assert Measured.total_of([]) == Measured(0, 0)
    with pytest.raises(ValueError, match="measured"):
        Measured(3, 2)
