"""Quality checks for OKRs: what makes an objective or a key result hard to track.

Pure rules, no Django. ``lint(objectives, period)`` returns ``Finding``s, each with a
check code, the item it is about, and one sentence explaining the problem. Checks:

- ``objective-no-kr``: an objective without key results cannot be graded.
- ``objective-too-many-krs``: more than five KRs dilute the focus.
- ``objective-states-number``: a number in an objective belongs in a KR.
- ``kr-not-measurable``: a KR with no number and no milestone wording.
- ``kr-deadline-outside-period``: a KR whose deadline is not a day of the period (or whose
  stated date could not be placed in it).
- ``kr-duplicate``: two KRs of a team's period that say the same thing.
- ``kr-activity``: a KR that names an activity ("Run 3 workshops" is fine, "Write the
  guide" is a task) rather than an outcome.
- ``weights``: a weight that is not positive, or one KR carrying more than half of an
  objective's weight among three or more.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from okrs.core.krparse import Period, parse_kr
from okrs.core.scoring import Direction

__all__ = ["CHECKS", "Finding", "LintKR", "LintObjective", "lint"]

CHECKS: dict[str, str] = {
    "objective-no-kr": "objective has no key result",
    "objective-too-many-krs": "objective has more than five key results",
    "objective-states-number": "objective states a number",
    "kr-not-measurable": "key result has no number and no milestone wording",
    "kr-deadline-outside-period": "key result has no deadline inside the period",
    "kr-duplicate": "key result duplicates another",
    "kr-activity": "key result describes an activity, not an outcome",
    "weights": "weights do not make sense",
}

MAX_KRS = 5


@dataclass(frozen=True, slots=True)
class LintKR:
    key: int
    code: str
    title: str
    direction: Direction
    target: float | None = None
    deadline: date | None = None
    weight: float = 1.0


@dataclass(frozen=True, slots=True)
class LintObjective:
    key: int
    code: str
    title: str
    key_results: tuple[LintKR, ...] = ()
    weight: float = 1.0
    team: str = ""


@dataclass(frozen=True, slots=True)
class Finding:
    """``kind`` is "objective" or "kr"; ``key`` the id of that item."""

    code: str
    kind: str
    key: int
    label: str
    message: str


_YEAR_OR_CODE = re.compile(r"\b(?:19|20)\d{2}\b|\b[A-Za-z]+\d+[A-Za-z0-9.]*\b|\bQ[1-4]\b")
_NUMBER = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)?\s*%?")
_ACTIVITY_START = re.compile(
    r"^(?:we will |to )?(run|hold|host|organi[sz]e|write|draft|create|build|develop|"
    r"attend|conduct|do|work on|prepare|plan|research|investigate|explore|meet|"
    r"talk|call|send|post|update|review|discuss|try|start|continue|help|support|"
    r"maintain|introduce|share|document|design|set up|schedule)\b",
    re.IGNORECASE,
)


def _label(code: str, title: str) -> str:
    short = title if len(title) <= 60 else title[:57] + "…"
    return f"{code} {short}".strip()


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9%]+", text.lower()) if len(w) > 2 or w.isdigit()}


def _similar(a: str, b: str) -> bool:
    left, right = _words(a), _words(b)
    if not left or not right:
        return a.strip().lower() == b.strip().lower()
    return len(left & right) / len(left | right) >= 0.8


def _objective_checks(objective: LintObjective) -> Iterable[Finding]:
    label = _label(objective.code, objective.title)
    count = len(objective.key_results)
    if count == 0:
        yield Finding(
            "objective-no-kr",
            "objective",
            objective.key,
            label,
            "An objective with no key result cannot be graded: add two to five measurable ones.",
        )
    if count > MAX_KRS:
        yield Finding(
            "objective-too-many-krs",
            "objective",
            objective.key,
            label,
            f"{count} key results dilute the focus: keep the five that matter most.",
        )
    stripped = _YEAR_OR_CODE.sub(" ", objective.title)
    number = _NUMBER.search(stripped)
    if number:
        yield Finding(
            "objective-states-number",
            "objective",
            objective.key,
            label,
            f"The objective states {number.group(0).strip()!r}: numbers belong in a key "
            "result, the objective says why it matters.",
        )
    if objective.weight <= 0:
        yield Finding(
            "weights",
            "objective",
            objective.key,
            label,
            f"The objective's weight {objective.weight:g} is not positive, so it cannot count.",
        )
    yield from _weight_checks(objective)


def _weight_checks(objective: LintObjective) -> Iterable[Finding]:
    total = sum(kr.weight for kr in objective.key_results if kr.weight > 0)
    for kr in objective.key_results:
        label = _label(kr.code, kr.title)
        if kr.weight <= 0:
            yield Finding(
                "weights",
                "kr",
                kr.key,
                label,
                f"Weight {kr.weight:g} is not positive: the key result would not count.",
            )
        elif len(objective.key_results) >= 3 and kr.weight > total / 2:
            yield Finding(
                "weights",
                "kr",
                kr.key,
                label,
                f"Weight {kr.weight:g} is more than half of the objective's {total:g}: this one "
                "key result decides the grade alone.",
            )


def _kr_checks(kr: LintKR, period: Period) -> Iterable[Finding]:
    label = _label(kr.code, kr.title)
    parsed = parse_kr(kr.title, period)
    has_number = kr.target is not None or parsed.target is not None or parsed.change is not None
    activity = bool(_ACTIVITY_START.match(kr.title.strip())) and not has_number
    if activity:
        yield Finding(
            "kr-activity",
            "kr",
            kr.key,
            label,
            "It names work to do rather than a result to see: say what changes once it is done.",
        )
    elif kr.direction is Direction.MILESTONE and "direction" in parsed.uncertain_fields():
        yield Finding(
            "kr-not-measurable",
            "kr",
            kr.key,
            label,
            "It states no number and no finished state: say how much, or what 'done' looks like.",
        )
    deadline_doubt = next((u for u in parsed.uncertain if u.field == "deadline"), None)
    if kr.deadline is not None and not period.contains(kr.deadline):
        yield Finding(
            "kr-deadline-outside-period",
            "kr",
            kr.key,
            label,
            f"Its deadline {kr.deadline} is outside the period ({period.start} to {period.end}).",
        )
    elif kr.deadline is None and deadline_doubt is not None:
        yield Finding(
            "kr-deadline-outside-period",
            "kr",
            kr.key,
            label,
            f"Its date cannot be placed in the period: {deadline_doubt.reason}.",
        )


def _duplicates(objectives: Sequence[LintObjective]) -> Iterable[Finding]:
    seen: dict[str, list[LintKR]] = {}
    for objective in objectives:
        earlier = seen.setdefault(objective.team, [])
        for kr in objective.key_results:
            twin = next((other for other in earlier if _similar(other.title, kr.title)), None)
            if twin is not None:
                yield Finding(
                    "kr-duplicate",
                    "kr",
                    kr.key,
                    _label(kr.code, kr.title),
                    f"It says the same as {_label(twin.code, twin.title)!r}: merge the two.",
                )
            earlier.append(kr)


def lint(objectives: Sequence[LintObjective], period: Period) -> list[Finding]:
    """Every finding for ``objectives`` of ``period``, objective by objective."""
    findings: list[Finding] = []
    for objective in objectives:
        findings.extend(_objective_checks(objective))
        for kr in objective.key_results:
            findings.extend(_kr_checks(kr, period))
    findings.extend(_duplicates(objectives))
    return findings
