"""Example tests for okrs.core.pacing: expected progress and status."""

from __future__ import annotations

from datetime import date

import pytest

from okrs.core.pacing import (
    EXPECTED_FINAL_GRADE,
    Commitment,
    Status,
    expected_progress,
    status,
)

START = date(2017, 1, 1)
DEADLINE = date(2017, 1, 31)  # 30 days after START


def expected_on(on: date, commitment: Commitment = Commitment.COMMITTED) -> float:
    return expected_progress(start=START, deadline=DEADLINE, on=on, commitment=commitment)


# --- expected progress ------------------------------------------------------------------


def test_expected_final_grades() -> None:
    assert EXPECTED_FINAL_GRADE[Commitment.COMMITTED] == 1.0
    assert EXPECTED_FINAL_GRADE[Commitment.ASPIRATIONAL] == 0.7


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (date(2016, 12, 1), 0.0),
        (START, 0.0),
        (date(2017, 1, 7), 0.2),
        (date(2017, 1, 16), 0.5),
        (DEADLINE, 1.0),
        (date(2017, 3, 1), 1.0),
    ],
)
def test_expected_progress_committed(on: date, expected: float) -> None:
    assert expected_on(on) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("on", "expected"),
    [(date(2016, 12, 1), 0.0), (date(2017, 1, 16), 0.35), (DEADLINE, 0.7), (date(2018, 1, 1), 0.7)],
)
def test_expected_progress_aspirational_ends_at_0_7(on: date, expected: float) -> None:
    assert expected_on(on, Commitment.ASPIRATIONAL) == pytest.approx(expected)


def test_default_commitment_is_committed() -> None:
    assert expected_progress(start=START, deadline=DEADLINE, on=DEADLINE) == 1.0


def test_deadline_inside_the_period_reaches_final_grade_early() -> None:
    # "100% ... by the end of February" in a quarter: expected is full from Feb 28 on.
    deadline = date(2017, 2, 28)
    assert expected_progress(start=START, deadline=deadline, on=date(2017, 3, 15)) == 1.0
    assert expected_progress(start=START, deadline=deadline, on=date(2017, 2, 1)) < 1.0


@pytest.mark.parametrize("deadline", [START, date(2016, 12, 1)])
def test_deadline_not_after_start_jumps_at_the_deadline(deadline: date) -> None:
    assert expected_progress(start=START, deadline=deadline, on=date(2016, 11, 1)) == 0.0
    assert expected_progress(start=START, deadline=deadline, on=deadline) == 1.0
    assert expected_progress(start=START, deadline=deadline, on=date(2017, 6, 1)) == 1.0


# --- status ------------------------------------------------------------------------------


def test_status_labels() -> None:
    assert [s.label for s in Status] == [
        "On track", "At risk", "Off track", "No check-in yet", "Uncertain", "Achieved", "Missed",
    ]  # fmt: skip
    assert str(Status.AT_RISK) == "at_risk"


def test_no_progress_is_no_data_whatever_else() -> None:
    assert status(progress=None, expected=0.9, confidence=0.1) is Status.NO_DATA
    assert status(progress=None, expected=0.0, confidence=None) is Status.NO_DATA


@pytest.mark.parametrize(
    ("progress", "expected", "result"),
    [
        (0.0, 0.05, Status.ON_TRACK),  # start of the period: the pace says on track
        (0.0, 0.0, Status.ON_TRACK),
        (0.0, 0.06, Status.OFF_TRACK),
        (0.45, 0.5, Status.ON_TRACK),  # ratio 0.9
        (0.44, 0.5, Status.AT_RISK),  # ratio 0.88
        (0.30, 0.5, Status.AT_RISK),  # ratio 0.6
        (0.29, 0.5, Status.OFF_TRACK),  # ratio 0.58
        (0.9, 0.5, Status.ON_TRACK),  # ahead of pace
        (-0.4, 0.5, Status.OFF_TRACK),  # negative progress grades 0
        (1.0, 1.0, Status.ON_TRACK),
        (0.95, 1.0, Status.ON_TRACK),
        (0.85, 1.0, Status.AT_RISK),
        (0.5, 0.7, Status.AT_RISK),  # aspirational at the deadline: ratio 0.71
        (0.65, 0.7, Status.ON_TRACK),  # ratio 0.93
    ],
)
def test_status_from_pace(progress: float, expected: float, result: Status) -> None:
    assert status(progress=progress, expected=expected, confidence=None) is result


def test_ratio_uses_the_grade_not_raw_progress() -> None:
    # Progress 3.0 grades 1.0; even against an (odd) expected of 2.0 that is done.
    assert status(progress=3.0, expected=2.0, confidence=None) is Status.ON_TRACK
    # Progress -1 grades 0: off track, not a meaningful negative ratio.
    assert status(progress=-1.0, expected=0.5, confidence=1.0) is Status.OFF_TRACK


@pytest.mark.parametrize(
    ("confidence", "on_track_becomes", "at_risk_becomes", "off_track_becomes"),
    [
        (1.0, Status.ON_TRACK, Status.AT_RISK, Status.OFF_TRACK),
        (0.5, Status.ON_TRACK, Status.AT_RISK, Status.OFF_TRACK),
        (0.49, Status.AT_RISK, Status.AT_RISK, Status.OFF_TRACK),
        (0.3, Status.AT_RISK, Status.AT_RISK, Status.OFF_TRACK),
        (0.29, Status.AT_RISK, Status.OFF_TRACK, Status.OFF_TRACK),
        (0.0, Status.AT_RISK, Status.OFF_TRACK, Status.OFF_TRACK),
    ],
)
def test_confidence_adjustments(
    confidence: float,
    on_track_becomes: Status,
    at_risk_becomes: Status,
    off_track_becomes: Status,
) -> None:
    # Pace alone: 0.5/0.5 on track, 0.35/0.5 at risk, 0.1/0.5 off track.
    assert status(progress=0.5, expected=0.5, confidence=confidence) is on_track_becomes
    assert status(progress=0.35, expected=0.5, confidence=confidence) is at_risk_becomes
    assert status(progress=0.1, expected=0.5, confidence=confidence) is off_track_becomes


def test_low_confidence_at_the_start_of_the_period_is_at_risk() -> None:
    assert status(progress=0.0, expected=0.0, confidence=0.2) is Status.AT_RISK


@pytest.mark.parametrize("progress", [1.0, 1.7])
def test_done_is_on_track_whatever_the_confidence(progress: float) -> None:
    assert status(progress=progress, expected=1.0, confidence=0.0) is Status.ON_TRACK
    assert status(progress=progress, expected=0.3, confidence=0.1) is Status.ON_TRACK


@pytest.mark.parametrize("confidence", [-0.1, 1.01, float("nan")])
def test_confidence_outside_zero_one_is_rejected(confidence: float) -> None:
    with pytest.raises(ValueError, match="confidence"):
        status(progress=0.5, expected=0.5, confidence=confidence)
