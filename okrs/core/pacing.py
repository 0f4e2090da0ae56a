"""Pacing: how far a key result should be by a given day, and whether it is on track.

Pure rules, no Django. See "Rules of measurement" in DESIGN.md.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date
from enum import StrEnum
from functools import lru_cache
from types import MappingProxyType
from typing import Final, overload


class Commitment(StrEnum):
    """Whether an objective is committed (must be met) or aspirational (a stretch)."""

    COMMITTED = "committed"
    ASPIRATIONAL = "aspirational"


EXPECTED_FINAL_GRADE: Final[Mapping[Commitment, float]] = MappingProxyType(
    {Commitment.COMMITTED: 1.0, Commitment.ASPIRATIONAL: 0.7}
)
"""The grade a KR is expected to reach by its deadline (Google's convention)."""

START_GRACE: Final = 0.05
"""While less than this much progress is expected, the pace alone says "on track"."""

ON_TRACK_RATIO: Final = 0.9
"""grade / expected at or above this is on track."""

AT_RISK_RATIO: Final = 0.6
"""grade / expected at or above this (and below ON_TRACK_RATIO) is at risk."""

LOW_CONFIDENCE: Final = 0.5
"""Owner confidence below this turns "on track" into "at risk"."""

VERY_LOW_CONFIDENCE: Final = 0.3
"""Owner confidence below this moves any status one step down."""

DONE_GRADE: Final = 1.0
"""A KR whose grade reaches this is done, hence on track whatever the confidence."""


def expected_progress(
    *,
    start: date,
    deadline: date,
    on: date,
    commitment: Commitment = Commitment.COMMITTED,
) -> float:
    """Return the progress a KR is expected to have on day ``on``.

    Rule: linear from 0.0 on ``start`` to the commitment's expected final grade
    (1.0 committed, 0.7 aspirational) on ``deadline``; 0.0 before ``start`` and the final
    grade after ``deadline``. If ``deadline <= start`` there is no ramp: 0.0 before the
    deadline, the final grade from the deadline on.
    """
    return expected_progress_at(start, deadline, on, commitment)


@lru_cache(maxsize=4096)
def expected_progress_at(start: date, deadline: date, on: date, commitment: Commitment) -> float:
    """``expected_progress`` with its arguments in order, cached: the pages of a period ask it
    for the same few (start, deadline, day, commitment) thousands of times."""
    final = EXPECTED_FINAL_GRADE[Commitment(commitment)]
    if on >= deadline:
        return final
    if on <= start:
        return 0.0
    # Here start < on < deadline, so the span is at least two days.
    return final * (on - start).days / (deadline - start).days


class Status(StrEnum):
    """Where a key result stands against its expected pace."""

    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"
    NO_DATA = "no_data"
    UNCERTAIN = "uncertain"
    """An estimate whose 95% interval contains the target (an NPS on few answers)."""
    ACHIEVED = "achieved"
    """Final, at and after the deadline: the expected final grade was reached."""
    MISSED = "missed"
    """Final, at and after the deadline: it was not (or nothing was measured)."""

    @property
    def final(self) -> bool:
        """Whether the status is a final one (the deadline has come)."""
        return self in (Status.ACHIEVED, Status.MISSED)

    @property
    def label(self) -> str:
        """Human label for the status."""
        return _STATUS_LABELS[self]


_STATUS_LABELS: Final[Mapping[Status, str]] = MappingProxyType(
    {
        Status.ON_TRACK: "On track",
        Status.AT_RISK: "At risk",
        Status.OFF_TRACK: "Off track",
        Status.NO_DATA: "No check-in yet",
        Status.UNCERTAIN: "Uncertain",
        Status.ACHIEVED: "Achieved",
        Status.MISSED: "Missed",
    }
)

_ONE_STEP_DOWN: Final[Mapping[Status, Status]] = MappingProxyType(
    {
        Status.ON_TRACK: Status.AT_RISK,
        Status.AT_RISK: Status.OFF_TRACK,
        Status.OFF_TRACK: Status.OFF_TRACK,
        Status.NO_DATA: Status.NO_DATA,
        Status.UNCERTAIN: Status.UNCERTAIN,
        Status.ACHIEVED: Status.ACHIEVED,
        Status.MISSED: Status.MISSED,
    }
)


@overload
def grade(progress: float) -> float: ...
@overload
def grade(progress: None) -> None: ...
@overload
def grade(progress: float | None) -> float | None: ...
def grade(progress: float | None) -> float | None:
    """Return the grade: progress clamped to [0.0, 1.0] (Google's scale), None for None.

    No rounding is applied here; presentation rounds.
    """
    if progress is None:
        return None
    return min(max(progress, 0.0), 1.0)


def pace_status(*, grade: float, expected: float) -> Status:
    """Return the status the pace alone gives, before the owner's confidence.

    Rule: on track while ``expected <= START_GRACE`` (start of the period). Otherwise
    ``ratio = grade / expected``: ``>= ON_TRACK_RATIO`` on track, ``>= AT_RISK_RATIO``
    at risk, else off track.
    """
    if expected <= START_GRACE:
        return Status.ON_TRACK
    ratio = grade / expected
    if ratio >= ON_TRACK_RATIO:
        return Status.ON_TRACK
    if ratio >= AT_RISK_RATIO:
        return Status.AT_RISK
    return Status.OFF_TRACK


def adjust_for_confidence(pace: Status, confidence: float | None) -> Status:
    """Return ``pace`` adjusted by the owner's confidence (0.0 to 1.0, or None if not given).

    Rule: confidence below VERY_LOW_CONFIDENCE moves the status one step down
    (on track -> at risk -> off track); confidence below LOW_CONFIDENCE turns on track
    into at risk. No confidence leaves the status as it is.
    """
    if confidence is None:
        return pace
    check_confidence(confidence)
    if confidence < VERY_LOW_CONFIDENCE:
        return _ONE_STEP_DOWN[pace]
    if confidence < LOW_CONFIDENCE and pace is Status.ON_TRACK:
        return Status.AT_RISK
    return pace


def check_confidence(confidence: float) -> None:
    """Raise ValueError unless ``confidence`` is a number within [0.0, 1.0]."""
    if not (math.isfinite(confidence) and 0.0 <= confidence <= 1.0):
        raise ValueError(f"confidence: must be within 0.0 and 1.0, got {confidence!r}")


def status(
    *,
    progress: float | None,
    expected: float,
    confidence: float | None,
    final: bool = False,
    uncertain: bool = False,
) -> Status:
    """Return the status of a KR from its progress, expected progress and owner confidence.

    Rule:
    1. ``uncertain`` (the 95% interval of the estimate contains the target) -> UNCERTAIN,
       before and after the deadline: the headline never claims more than the interval.
    2. ``final`` (the day is at or after the deadline): ACHIEVED when the grade reached
       ``expected`` (then the commitment's final grade), else MISSED; no value is MISSED.
    3. No progress (no check-in yet) -> NO_DATA.
    4. ``g = grade(progress)`` (progress clamped to [0, 1]). A done KR
       (``g >= DONE_GRADE``) is ON_TRACK whatever the confidence.
    5. The pace (see ``pace_status``): on track while ``expected <= START_GRACE``;
       otherwise ``g / expected`` >= 0.9 on track, >= 0.6 at risk, else off track.
    6. The confidence (see ``adjust_for_confidence``): below 0.3 one step down;
       below 0.5 on track becomes at risk.

    ``confidence`` must be None or within [0.0, 1.0] (ValueError otherwise).
    """
    if confidence is not None:
        check_confidence(confidence)
    if uncertain:
        return Status.UNCERTAIN
    if final:
        return final_status(progress=progress, expected=expected)
    if progress is None:
        return Status.NO_DATA
    g = grade(progress)
    if g >= DONE_GRADE:
        return Status.ON_TRACK
    return adjust_for_confidence(pace_status(grade=g, expected=expected), confidence)


def final_status(*, progress: float | None, expected: float) -> Status:
    """The status at and after the deadline: ACHIEVED when ``grade(progress)`` reached
    ``expected`` (the commitment's final grade), MISSED otherwise or without a value."""
    if progress is None:
        return Status.MISSED
    return Status.ACHIEVED if grade(progress) >= expected else Status.MISSED
