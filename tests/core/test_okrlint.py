"""Quality checks: each fires on its problem, explains itself in one sentence, not on good OKRs."""

from __future__ import annotations

import datetime as dt

from okrs.core.krparse import period_from_slug
from okrs.core.okrlint import CHECKS, Finding, LintKR, LintObjective, lint
from okrs.core.scoring import Direction

Q1 = period_from_slug("2017-Q1")
_ids = iter(range(1, 10_000))


def kr(title: str, direction: Direction = Direction.INCREASE, **fields: object) -> LintKR:
    target = fields.pop("target", None if direction is Direction.MILESTONE else 10.0)
    return LintKR(
        key=next(_ids), code="KR", title=title, direction=direction, target=target, **fields
    )  # type: ignore[arg-type]


def objective(title: str, *krs: LintKR, weight: float = 1.0, team: str = "t") -> LintObjective:
    return LintObjective(
        key=next(_ids), code="O", title=title, key_results=krs, weight=weight, team=team
    )


def codes(findings: list[Finding]) -> list[str]:
    return [f.code for f in findings]


def good() -> LintObjective:
    return objective(
        "We have a strong base for our mobilizer program",
        kr("At least 50 Reps have given feedback on the guidelines", Direction.AT_LEAST, target=50),
        kr("Shared onboarding framework and tools are identified", Direction.MILESTONE),
        kr("100% Reps watching both categories", deadline=dt.date(2017, 2, 28)),
    )


def test_good_objective_has_no_findings() -> None:
    assert lint([good()], Q1) == []


def test_every_finding_is_one_sentence_with_a_known_code() -> None:
    findings = lint(
        [
            objective("Grow to 500 members"),
            objective("Six", *[kr(f"{n} new clubs in region {n}", target=n) for n in range(1, 7)]),
        ],
        Q1,
    )
    assert set(codes(findings)) == {
        "objective-no-kr",
        "objective-states-number",
        "objective-too-many-krs",
    }
    for finding in findings:
        assert finding.code in CHECKS
        assert finding.message.endswith(".") and finding.message.count(". ") == 0


def test_objective_number_ignores_years_and_codes() -> None:
    ok = objective("Coaching in 2017 for O2KR2 in Q1", kr("20 Reps trained", target=20))
    assert lint([ok], Q1) == []


def test_kr_without_number_or_milestone_wording() -> None:
    findings = lint(
        [
            objective(
                "Know our communities", kr("Data and narrative of communities", Direction.MILESTONE)
            )
        ],
        Q1,
    )
    assert codes(findings) == ["kr-not-measurable"]


def test_kr_deadline_outside_period_or_unplaceable() -> None:
    late = kr("20 Reps trained", target=20, deadline=dt.date(2017, 5, 1))
    vague = kr("Report delivered by the end of June", Direction.MILESTONE)
    findings = lint([objective("Train", late, vague)], Q1)
    assert codes(findings) == ["kr-deadline-outside-period", "kr-deadline-outside-period"]
    assert "2017-05-01" in findings[0].message and "June" in findings[1].message


def test_duplicate_krs_within_a_team() -> None:
    first = objective("A", kr("50% of Reps activities support Activate"))
    second = objective("B", kr("50% of Reps activities support Activate."))
    other_team = objective("C", kr("50% of Reps activities support Activate"), team="other")
    findings = lint([first, second, other_team], Q1)
    assert codes(findings) == ["kr-duplicate"]
    assert findings[0].key == second.key_results[0].key


def test_activity_rather_than_outcome() -> None:
    findings = lint([objective("Docs", kr("Write the onboarding guide", Direction.MILESTONE))], Q1)
    assert codes(findings) == ["kr-activity"]
    counted = lint([objective("Docs", kr("Run 3 workshops", target=3))], Q1)
    assert counted == []


def test_weights() -> None:
    heavy = objective(
        "Weights",
        kr("20 Reps trained", target=20, weight=5.0),
        kr("30 Reps coached", target=30),
        kr("10 clubs started", target=10),
    )
    zero = objective("Zero", kr("40 mentors active", target=40, weight=0.0), weight=0.0)
    findings = lint([heavy, zero], Q1)
    assert codes(findings) == ["weights", "weights", "weights"]
    assert "decides the grade alone" in findings[0].message
