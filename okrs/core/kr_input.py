"""What a person types for a key result, checked all at once in the reader's words (no Django).

`okrs.core.scoring` holds the grading rules and stops at the first broken one; a form wants every
problem at once, beside its field, said as a person would ("an increase ends above where it
starts"). `problems` gives them all; `is_count` says whether the KR counts things, which can never
be negative.
"""

from __future__ import annotations

import math

from okrs.core.messages import Message, gettext_noop

# fields each direction takes; the others are left out of the form and stored empty
DIRECTION_FIELDS: dict[str, tuple[str, ...]] = {
    "increase": ("baseline", "target", "stretch"),
    "decrease": ("baseline", "target", "stretch"),
    "at_least": ("baseline", "target", "stretch"),
    "at_most": ("baseline", "target", "stretch"),
    "range": ("baseline", "target", "target_high"),
    "milestone": (),
}
VALUE_FIELDS = ("baseline", "target", "target_high", "stretch")
COUNT_KINDS = frozenset({"distinct_people", "activity_count"})
COUNT_UNITS = frozenset(
    {"people", "person", "persons", "members", "volunteers", "contributors", "reps",
     "mentors", "activities", "events", "count", "talks", "meetups"}
)  # fmt: skip


def is_count(unit: str, measure_kind: str) -> bool:
    """A KR that counts people or things: its values are never below zero."""
    return measure_kind in COUNT_KINDS or unit.strip().lower() in COUNT_UNITS


def problems(
    *,
    direction: str,
    baseline: float | None,
    target: float | None,
    target_high: float | None,
    stretch: float | None,
    unit: str = "",
    measure_kind: str = "manual",
) -> list[tuple[str, str]]:
    """Every problem of these values, as (field, sentence); empty when they make a KR."""
    found: list[tuple[str, str]] = []
    values = {"baseline": baseline, "target": target, "target_high": target_high,
              "stretch": stretch}  # fmt: skip
    for name, value in values.items():
        if value is not None and not math.isfinite(value):
            found.append((name, Message(gettext_noop("Give an ordinary number."))))
    if found:
        return found
    if is_count(unit, measure_kind):
        for name, value in values.items():
            if value is not None and value < 0:
                found.append((name, Message(gettext_noop("A count cannot be negative."))))
    start = 0.0 if baseline is None else baseline
    if direction == "milestone":
        return found
    if target is None:
        if direction == "range":
            found.append(
                ("target", Message(gettext_noop("Give the target: the low end of the range.")))
            )
        else:
            found.append(("target", Message(gettext_noop("Give the target: the value to reach."))))
        return found
    if direction == "increase" and not target > start:
        found.append(
            (
                "target",
                Message(
                    gettext_noop("An increase ends above where it starts (%(start)s)."),
                    start=f"{start:g}",
                ),
            )
        )
    if direction == "decrease" and not target < start:
        found.append(
            (
                "target",
                Message(
                    gettext_noop("A decrease ends below where it starts (%(start)s)."),
                    start=f"{start:g}",
                ),
            )
        )
    if direction == "range":
        if target_high is None:
            found.append(("target_high", Message(gettext_noop("Give the high end of the range."))))
        elif target_high < target:
            found.append(
                (
                    "target_high",
                    Message(
                        gettext_noop("The high end must not be below the low end (%(low)s)."),
                        low=f"{target:g}",
                    ),
                )
            )
    if stretch is not None and direction in ("increase", "at_least") and not stretch > target:
        found.append(
            (
                "stretch",
                Message(
                    gettext_noop("A stretch goes beyond the target: above %(target)s."),
                    target=f"{target:g}",
                ),
            )
        )
    if stretch is not None and direction in ("decrease", "at_most") and not stretch < target:
        found.append(
            (
                "stretch",
                Message(
                    gettext_noop("A stretch goes beyond the target: below %(target)s."),
                    target=f"{target:g}",
                ),
            )
        )
    return found
