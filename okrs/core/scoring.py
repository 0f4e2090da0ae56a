"""Scoring: a key result's rule, its progress, its grade and its combined score.

Pure rules, no Django. See "Rules of measurement" in DESIGN.md: progress is measured
from the baseline, never from zero, is direction-aware and is never clamped; only the
grade is clamped to Google's 0.0 to 1.0 scale.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from okrs.core.pacing import (
    Commitment,
    Status,
    check_confidence,
    grade,
    status,
)
from okrs.core.pacing import expected_progress_at as _expected


class Direction(StrEnum):
    """How a key result's value should move."""

    INCREASE = "increase"
    DECREASE = "decrease"
    AT_LEAST = "at_least"
    AT_MOST = "at_most"
    RANGE = "range"
    MILESTONE = "milestone"


_UPWARD = frozenset({Direction.INCREASE, Direction.AT_LEAST})
_DOWNWARD = frozenset({Direction.DECREASE, Direction.AT_MOST})


class RuleError(ValueError):
    """An invalid key result rule; ``field`` names the offending field."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(field, problem)
        self.field = field
        self.problem = problem

    def __str__(self) -> str:
        return f"{self.field}: {self.problem}"


@dataclass(frozen=True, slots=True)
class KeyResultRule:
    """The measurement rule of a key result.

    ``target`` is the goal (for RANGE: the lower bound); ``target_high`` is the RANGE
    upper bound and nothing else; ``stretch`` is an optional goal beyond ``target``.
    A MILESTONE has baseline 0 and an implied target of 1 (``target`` may be None).
    Invalid rules raise RuleError at construction.
    """

    direction: Direction
    baseline: float = 0.0
    target: float | None = None
    target_high: float | None = None
    stretch: float | None = None

    def __post_init__(self) -> None:
        direction = self.direction
        if direction.__class__ is not Direction:
            try:
                direction = _DIRECTIONS[direction]
            except (KeyError, TypeError):
                raise RuleError("direction", f"unknown direction {direction!r}") from None
            object.__setattr__(self, "direction", direction)
        _check_finite(self)
        _check_bounds(self)
        _check_stretch(self)


_DIRECTIONS = {direction.value: direction for direction in Direction}
_INF = math.inf


def _check_finite(rule: KeyResultRule) -> None:
    """Rule: every number given (baseline, target, target_high, stretch) is finite."""
    baseline, target, high, stretch = rule.baseline, rule.target, rule.target_high, rule.stretch
    if (
        -_INF < baseline < _INF  # NaN compares false: the loop below names it
        and (target is None or -_INF < target < _INF)
        and (high is None or -_INF < high < _INF)
        and (stretch is None or -_INF < stretch < _INF)
    ):
        return
    for name in ("baseline", "target", "target_high", "stretch"):
        number = getattr(rule, name)
        if number is not None and not math.isfinite(number):
            raise RuleError(name, f"must be a finite number, got {number!r}")


def _check_bounds(rule: KeyResultRule) -> None:
    """Rule: the target fields each direction needs are present and well ordered.

    increase: target > baseline; decrease: target < baseline; at_least / at_most: a
    target; range: target (low) and target_high (high) with low <= high; milestone:
    baseline 0 and target None or 1. Only range takes target_high.
    """
    direction = rule.direction
    if direction is not Direction.RANGE and rule.target_high is not None:
        raise RuleError("target_high", f"only for direction 'range', not {direction.value!r}")
    if direction is Direction.MILESTONE:
        if rule.baseline != 0.0:
            raise RuleError("baseline", "must be 0 for direction 'milestone'")
        if rule.target is not None and rule.target != 1.0:
            raise RuleError("target", "must be 1 (done) or empty for direction 'milestone'")
        return
    if rule.target is None:
        raise RuleError("target", f"required for direction {direction.value!r}")
    if direction is Direction.INCREASE and not rule.target > rule.baseline:
        raise RuleError("target", "must be above the baseline for direction 'increase'")
    if direction is Direction.DECREASE and not rule.target < rule.baseline:
        raise RuleError("target", "must be below the baseline for direction 'decrease'")
    if direction is Direction.RANGE:
        if rule.target_high is None:
            raise RuleError("target_high", "required for direction 'range'")
        if rule.target > rule.target_high:
            raise RuleError("target_high", "must not be below target (the range's low bound)")


def _check_stretch(rule: KeyResultRule) -> None:
    """Rule: a stretch lies strictly beyond the target in the KR's direction.

    Above the target for increase / at_least, below it for decrease / at_most; range and
    milestone take no stretch.
    """
    if rule.stretch is None:
        return
    if rule.direction in _UPWARD:
        assert rule.target is not None
        if not rule.stretch > rule.target:
            raise RuleError("stretch", f"must be above the target for {rule.direction.value!r}")
    elif rule.direction in _DOWNWARD:
        assert rule.target is not None
        if not rule.stretch < rule.target:
            raise RuleError("stretch", f"must be below the target for {rule.direction.value!r}")
    else:
        raise RuleError("stretch", f"not supported for direction {rule.direction.value!r}")


def progress(rule: KeyResultRule, value: float | None) -> float | None:
    """Return the progress of ``value`` under ``rule``, or None when there is no value.

    Measured from the baseline, never from zero; direction-aware; NOT clamped (values
    beyond the target give more than 1.0, values behind the baseline less than 0.0).
    See the ``_progress_*`` helpers for each direction's rule. A non-finite value raises
    ValueError.
    """
    if value is None:
        return None
    _check_value(value)
    return _progress(rule.direction, rule.baseline, rule.target, rule.target_high, value)


def _check_value(value: float) -> None:
    """Raise ValueError unless ``value`` is a finite number."""
    if not -_INF < value < _INF:  # also refuses NaN, which compares false
        raise ValueError(f"value: must be a finite number, got {value!r}")


def _progress(
    direction: Direction, baseline: float, target: float | None, high: float | None, value: float
) -> float:
    """The progress of a finite ``value`` towards ``target`` (see ``progress``): one rule per
    direction, each in its ``_progress_*`` helper."""
    if direction is Direction.MILESTONE:
        return _progress_milestone(value)
    assert target is not None  # validation guarantees it for every direction but milestone
    if direction is Direction.INCREASE:
        return _progress_increase(baseline, target, value)
    if direction is Direction.DECREASE:
        return _progress_decrease(baseline, target, value)
    if direction is Direction.AT_LEAST:
        return _progress_at_least(baseline, target, value)
    if direction is Direction.AT_MOST:
        return _progress_at_most(baseline, target, value)
    assert direction is Direction.RANGE and high is not None
    return _progress_range(baseline, target, high, value)


def _progress_increase(baseline: float, target: float, value: float) -> float:
    """Increase: ``(value - baseline) / (target - baseline)``."""
    return (value - baseline) / (target - baseline)


def _progress_decrease(baseline: float, target: float, value: float) -> float:
    """Decrease: ``(baseline - value) / (baseline - target)``; a rising value is negative."""
    return (baseline - value) / (baseline - target)


def _progress_at_least(baseline: float, target: float, value: float) -> float:
    """At least: like increase when baseline < target.

    When baseline >= target ("stay at least"), 1.0 while value >= target and 0.0 once the
    floor is broken: a kept promise is all-or-nothing, there is no partial credit.
    """
    if baseline < target:
        return _progress_increase(baseline, target, value)
    return 1.0 if value >= target else 0.0


def _progress_at_most(baseline: float, target: float, value: float) -> float:
    """At most: like decrease when baseline > target.

    When baseline <= target ("stay at most"), 1.0 while value <= target and 0.0 once the
    ceiling is broken (all-or-nothing, as for at least).
    """
    if baseline > target:
        return _progress_decrease(baseline, target, value)
    return 1.0 if value <= target else 0.0


def _distance_to_range(x: float, low: float, high: float) -> float:
    """How far ``x`` lies outside ``[low, high]``; 0.0 inside."""
    if x < low:
        return low - x
    if x > high:
        return x - high
    return 0.0


def _progress_range(baseline: float, low: float, high: float, value: float) -> float:
    """Range: 1.0 when ``low <= value <= high``.

    Outside the range, with the baseline outside it: ``1 - dist(value) / dist(baseline)``,
    i.e. the share of the baseline's distance to the range that has been closed (negative
    when the value is farther away than the baseline; either side of the range counts).
    With the baseline inside the range: ``1 - dist(value) / width`` (width = high - low,
    or 1.0 for a one-point range), which goes negative once the value strays more than
    one width away.
    """
    off = _distance_to_range(value, low, high)
    if off == 0.0:
        return 1.0
    start_off = _distance_to_range(baseline, low, high)
    if start_off > 0.0:
        return 1.0 - off / start_off
    width = high - low
    return 1.0 - off / (width if width > 0.0 else 1.0)


def _progress_milestone(value: float) -> float:
    """Milestone: the value is the fraction done (0 = not done, 1 = done) and is the progress."""
    return value


def stretch_progress(rule: KeyResultRule, value: float | None) -> float | None:
    """Return progress measured against the stretch target, or None without one.

    Rule: the same rule with ``target`` replaced by ``stretch`` (so an "at least" KR whose
    baseline is below the stretch counts as increasing towards it). None when the rule
    has no stretch or there is no value. (Only increase, decrease, at least and at most
    take a stretch, so no range bound is needed.)
    """
    if rule.stretch is None or value is None:
        return None
    _check_value(value)
    return _progress(rule.direction, rule.baseline, rule.stretch, None, value)


@dataclass(frozen=True, slots=True)
class KeyResultScore:
    """Everything known about a key result on one day.

    ``progress``, ``grade`` and ``stretch_progress`` are None when there is no value
    (no check-in yet); ``confidence`` is None when the owner gave none.
    """

    value: float | None
    progress: float | None
    grade: float | None
    stretch_progress: float | None
    expected: float
    status: Status
    confidence: float | None


def score_key_result(
    *,
    rule: KeyResultRule,
    value: float | None,
    confidence: float | None,
    start: date,
    deadline: date,
    on: date,
    commitment: Commitment = Commitment.COMMITTED,
    uncertain: bool = False,
) -> KeyResultScore:
    """Score a key result's latest ``value`` on day ``on``.

    Combines ``progress``, ``grade``, ``stretch_progress``, ``expected_progress`` (from
    ``start`` to ``deadline`` for the objective's ``commitment``) and ``status``: final
    (achieved or missed) from the deadline on, uncertain when the value's interval contains
    the target (``uncertain``, an NPS on few answers).
    """
    if confidence is not None:
        check_confidence(confidence)
    measured = progress(rule, value)
    expected = _expected(start, deadline, on, commitment)
    return KeyResultScore(
        value=value,
        progress=measured,
        grade=grade(measured),
        stretch_progress=stretch_progress(rule, value),
        expected=expected,
        status=status(
            progress=measured,
            expected=expected,
            confidence=confidence,
            final=on >= deadline,
            uncertain=uncertain,
        ),
        confidence=confidence,
    )
