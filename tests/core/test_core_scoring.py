"""Example tests for okrs.core.scoring: rules, progress per direction, grade, score."""

from __future__ import annotations

import pickle
from datetime import date

import pytest

from okrs.core.pacing import Commitment, Status
from okrs.core.scoring import (
    Direction,
    KeyResultRule,
    RuleError,
    grade,
    progress,
    score_key_result,
    stretch_progress,
)

INC = KeyResultRule(Direction.INCREASE, baseline=10.0, target=20.0)
DEC = KeyResultRule(Direction.DECREASE, baseline=50.0, target=30.0)
MILESTONE = KeyResultRule(Direction.MILESTONE)


# --- rule validation ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "field", "fragment"),
    [
        ({"direction": Direction.INCREASE}, "target", "required for direction 'increase'"),
        ({"direction": Direction.DECREASE}, "target", "required for direction 'decrease'"),
        ({"direction": Direction.AT_LEAST}, "target", "required"),
        ({"direction": Direction.AT_MOST}, "target", "required"),
        ({"direction": Direction.RANGE, "target_high": 5.0}, "target", "required"),
        ({"direction": Direction.RANGE, "target": 5.0}, "target_high", "required"),
        ({"direction": Direction.RANGE, "target": 5.0, "target_high": 4.0}, "target_high", ""),
        ({"direction": Direction.INCREASE, "baseline": 5.0, "target": 5.0}, "target", "above"),
        ({"direction": Direction.INCREASE, "baseline": 5.0, "target": 4.0}, "target", "above"),
        ({"direction": Direction.DECREASE, "baseline": 5.0, "target": 5.0}, "target", "below"),
        ({"direction": Direction.DECREASE, "baseline": 5.0, "target": 6.0}, "target", "below"),
        ({"direction": Direction.INCREASE, "target": 5.0, "stretch": 5.0}, "stretch", "above"),
        ({"direction": Direction.INCREASE, "target": 5.0, "stretch": 4.0}, "stretch", "above"),
        ({"direction": Direction.AT_LEAST, "target": 5.0, "stretch": 4.0}, "stretch", "above"),
        (
            {"direction": Direction.DECREASE, "baseline": 9.0, "target": 5.0, "stretch": 6.0},
            "stretch",
            "below",
        ),
        ({"direction": Direction.AT_MOST, "target": 5.0, "stretch": 5.0}, "stretch", "below"),
        (
            {"direction": Direction.RANGE, "target": 1.0, "target_high": 2.0, "stretch": 3.0},
            "stretch",
            "not supported",
        ),
        ({"direction": Direction.MILESTONE, "stretch": 2.0}, "stretch", "not supported"),
        ({"direction": Direction.MILESTONE, "baseline": 1.0}, "baseline", "must be 0"),
        ({"direction": Direction.MILESTONE, "target": 2.0}, "target", "must be 1"),
        ({"direction": Direction.INCREASE, "target": 5.0, "target_high": 9.0}, "target_high", ""),
        ({"direction": "sideways", "target": 5.0}, "direction", "unknown"),
        ({"direction": Direction.INCREASE, "target": float("inf")}, "target", "finite"),
        (
            {"direction": Direction.INCREASE, "baseline": float("nan"), "target": 1.0},
            "baseline",
            "",
        ),
    ],
)
def test_invalid_rules_raise_rule_error_naming_the_field(
    kwargs: dict[str, object], field: str, fragment: str
) -> None:
    with pytest.raises(RuleError) as caught:
        KeyResultRule(**kwargs)  # type: ignore[arg-type]
    assert caught.value.field == field
    assert str(caught.value).startswith(f"{field}: ")
    assert fragment in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_rule_error_message_matches_the_documented_form() -> None:
    with pytest.raises(RuleError, match=r"^target: required for direction 'increase'$"):
        KeyResultRule(Direction.INCREASE)


def test_rule_error_survives_pickling() -> None:
    error = pickle.loads(pickle.dumps(RuleError("target", "required")))
    assert (error.field, str(error)) == ("target", "target: required")


@pytest.mark.parametrize(
    "rule",
    [
        KeyResultRule(Direction.INCREASE, baseline=0.0, target=1.0, stretch=2.0),
        KeyResultRule(Direction.DECREASE, baseline=3.0, target=1.0, stretch=0.0),
        KeyResultRule(Direction.AT_LEAST, baseline=10.0, target=5.0),
        KeyResultRule(Direction.AT_MOST, baseline=0.0, target=5.0, stretch=4.0),
        KeyResultRule(Direction.RANGE, target=5.0, target_high=5.0),
        KeyResultRule(Direction.MILESTONE, target=1.0),
        KeyResultRule(Direction.MILESTONE),
    ],
)
def test_valid_rules_are_accepted(rule: KeyResultRule) -> None:
    assert isinstance(rule.direction, Direction)


def test_direction_given_as_text_is_normalised_to_the_enum() -> None:
    rule = KeyResultRule("increase", target=5.0)  # type: ignore[arg-type]
    assert rule.direction is Direction.INCREASE


def test_rules_are_frozen() -> None:
    with pytest.raises(AttributeError):
        INC.target = 30.0  # type: ignore[misc]


# --- progress per direction ---------------------------------------------------------------


def test_no_value_means_no_progress_grade_or_stretch() -> None:
    assert progress(INC, None) is None
    assert grade(None) is None
    assert (
        stretch_progress(KeyResultRule(Direction.INCREASE, target=1.0, stretch=2.0), None) is None
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [(10.0, 0.0), (15.0, 0.5), (20.0, 1.0), (25.0, 1.5), (5.0, -0.5), (0.0, -1.0)],
)
def test_increase_is_measured_from_the_baseline_and_not_clamped(
    value: float, expected: float
) -> None:
    assert progress(INC, value) == pytest.approx(expected)


def test_increase_is_not_measured_from_zero() -> None:
    # From zero, 15 of 20 would be 0.75; from the baseline 10 it is half way.
    assert progress(INC, 15.0) == pytest.approx(0.5)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(50.0, 0.0), (40.0, 0.5), (30.0, 1.0), (20.0, 1.5), (60.0, -0.5), (70.0, -1.0)],
)
def test_decrease_progress(value: float, expected: float) -> None:
    assert progress(DEC, value) == pytest.approx(expected)


def test_decrease_whose_value_rises_has_negative_progress_and_zero_grade() -> None:
    p = progress(DEC, 55.0)
    assert p is not None and p < 0.0
    assert p == pytest.approx(-0.25)
    assert grade(p) == 0.0


def test_value_beyond_target_is_kept_in_progress_and_clamped_only_in_grade() -> None:
    assert progress(INC, 40.0) == pytest.approx(3.0)
    assert grade(progress(INC, 40.0)) == 1.0


def test_at_least_below_target_behaves_like_increase() -> None:
    rule = KeyResultRule(Direction.AT_LEAST, baseline=10.0, target=20.0)
    for value in (0.0, 10.0, 15.0, 20.0, 30.0):
        assert progress(rule, value) == progress(INC, value)


@pytest.mark.parametrize(("baseline"), [11.5, 20.0])
def test_stay_at_least_is_all_or_nothing(baseline: float) -> None:
    rule = KeyResultRule(Direction.AT_LEAST, baseline=baseline, target=11.5)
    assert progress(rule, 11.5) == 1.0
    assert progress(rule, 40.0) == 1.0
    assert progress(rule, 11.4) == 0.0
    assert progress(rule, -5.0) == 0.0


def test_at_most_above_target_behaves_like_decrease() -> None:
    rule = KeyResultRule(Direction.AT_MOST, baseline=50.0, target=30.0)
    for value in (60.0, 50.0, 40.0, 30.0, 10.0):
        assert progress(rule, value) == progress(DEC, value)


@pytest.mark.parametrize(("baseline"), [2.0, 5.0])
def test_stay_at_most_is_all_or_nothing(baseline: float) -> None:
    rule = KeyResultRule(Direction.AT_MOST, baseline=baseline, target=5.0)
    assert progress(rule, 5.0) == 1.0
    assert progress(rule, -100.0) == 1.0
    assert progress(rule, 5.01) == 0.0


# Baseline -10 lies 20 below the range [10, 20] of width 10, so the two rules differ.
RANGE_FROM_BELOW = KeyResultRule(Direction.RANGE, baseline=-10.0, target=10.0, target_high=20.0)
RANGE_FROM_INSIDE = KeyResultRule(Direction.RANGE, baseline=15.0, target=10.0, target_high=20.0)


@pytest.mark.parametrize("rule", [RANGE_FROM_BELOW, RANGE_FROM_INSIDE])
@pytest.mark.parametrize("value", [10.0, 12.5, 20.0])
def test_range_inside_is_done(rule: KeyResultRule, value: float) -> None:
    assert progress(rule, value) == 1.0


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (-10.0, 0.0),
        (0.0, 0.5),
        (6.0, 0.8),
        (-20.0, -0.5),
        (30.0, 0.5),  # overshooting to the other side counts the same way
        (40.0, 0.0),
        (60.0, -1.0),
    ],
)
def test_range_with_baseline_outside_closes_the_baseline_distance(
    value: float, expected: float
) -> None:
    assert progress(RANGE_FROM_BELOW, value) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(5.0, 0.5), (25.0, 0.5), (0.0, 0.0), (30.0, 0.0), (35.0, -0.5)],
)
def test_range_with_baseline_inside_measures_against_the_width(
    value: float, expected: float
) -> None:
    assert progress(RANGE_FROM_INSIDE, value) == pytest.approx(expected)


def test_one_point_range_uses_width_one() -> None:
    rule = KeyResultRule(Direction.RANGE, baseline=7.0, target=7.0, target_high=7.0)
    assert progress(rule, 7.0) == 1.0
    assert progress(rule, 7.25) == pytest.approx(0.75)
    assert progress(rule, 4.0) == pytest.approx(-2.0)


@pytest.mark.parametrize(("value", "expected"), [(0.0, 0.0), (0.4, 0.4), (1.0, 1.0)])
def test_milestone_progress_is_the_fraction_done(value: float, expected: float) -> None:
    assert progress(MILESTONE, value) == expected


def test_non_finite_value_is_rejected() -> None:
    with pytest.raises(ValueError, match="value"):
        progress(INC, float("nan"))


# --- grade and stretch ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("p", "g"), [(-0.5, 0.0), (0.0, 0.0), (0.333, 0.333), (1.0, 1.0), (2.5, 1.0)]
)
def test_grade_clamps_to_zero_one_without_rounding(p: float, g: float) -> None:
    assert grade(p) == g


def test_stretch_progress_measures_against_the_stretch() -> None:
    rule = KeyResultRule(Direction.INCREASE, baseline=10.0, target=20.0, stretch=30.0)
    assert stretch_progress(rule, 20.0) == pytest.approx(0.5)
    assert stretch_progress(rule, 30.0) == pytest.approx(1.0)
    assert progress(rule, 30.0) == pytest.approx(2.0)


def test_stretch_progress_for_decrease() -> None:
    rule = KeyResultRule(Direction.DECREASE, baseline=100.0, target=50.0, stretch=0.0)
    assert stretch_progress(rule, 50.0) == pytest.approx(0.5)


def test_stretch_progress_for_stay_at_least_keeps_the_baseline_logic() -> None:
    # Baseline 110 lies between target 100 and stretch 120: towards the stretch it increases.
    rule = KeyResultRule(Direction.AT_LEAST, baseline=110.0, target=100.0, stretch=120.0)
    assert progress(rule, 105.0) == 1.0
    assert stretch_progress(rule, 115.0) == pytest.approx(0.5)


def test_no_stretch_means_no_stretch_progress() -> None:
    assert stretch_progress(INC, 15.0) is None


# --- score ------------------------------------------------------------------------------


START, DEADLINE = date(2017, 1, 1), date(2017, 3, 31)


def test_score_combines_progress_grade_expected_and_status() -> None:
    rule = KeyResultRule(Direction.INCREASE, baseline=0.0, target=50.0, stretch=100.0)
    score = score_key_result(
        rule=rule, value=60.0, confidence=0.8, on=date(2017, 3, 31), start=START, deadline=DEADLINE
    )
    assert score.value == 60.0
    assert score.progress == pytest.approx(1.2)
    assert score.grade == 1.0
    assert score.stretch_progress == pytest.approx(0.6)
    assert score.expected == 1.0
    assert score.status is Status.ACHIEVED  # scored on its deadline: final
    assert score.confidence == 0.8


def test_score_without_value_has_no_data() -> None:
    score = score_key_result(
        rule=INC, value=None, confidence=None, on=date(2017, 2, 1), start=START, deadline=DEADLINE
    )
    assert (score.progress, score.grade, score.stretch_progress) == (None, None, None)
    assert score.status is Status.NO_DATA
    assert 0.0 < score.expected < 1.0


def test_score_uses_the_commitment_for_expectation() -> None:
    # 45 days of 89: committed expects ~0.51, aspirational ~0.35; grade 0.4 is at risk for
    # the first and on track for the second.
    on = date(2017, 2, 15)
    committed, aspirational = (
        score_key_result(
            rule=INC,
            value=14.0,
            confidence=None,
            start=START,
            deadline=DEADLINE,
            on=on,
            commitment=commitment,
        )
        for commitment in (Commitment.COMMITTED, Commitment.ASPIRATIONAL)
    )
    assert committed.expected == pytest.approx(45 / 89)
    assert aspirational.expected == pytest.approx(0.7 * 45 / 89)
    assert committed.status is Status.AT_RISK
    assert aspirational.status is Status.ON_TRACK


def test_score_rejects_confidence_outside_zero_one() -> None:
    with pytest.raises(ValueError, match="confidence"):
        score_key_result(
            rule=INC,
            value=None,
            confidence=1.5,
            on=date(2017, 2, 1),
            start=START,
            deadline=DEADLINE,
        )
