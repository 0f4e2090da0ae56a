"""Fixtures for the measures tests: the Reps team, period and the four measured seed KRs."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from okrs.goals.models import KeyResult
from okrs.org.models import Cohort
from tests import factories as f

FEB_28 = dt.date(2017, 2, 28)


@dataclass
class Seed:
    activity_share: KeyResult  # O1 KR2
    nps: KeyResult  # O1 KR3
    watching: KeyResult  # O2 KR2
    feedback: KeyResult  # O2 KR5
    cohort: Cohort


@pytest.fixture
def seed(db) -> Seed:  # type: ignore[no-untyped-def]
    period = f.period()
    reps = f.team("reps", name="Mozilla Reps")
    o1 = f.objective(team=reps, period=period, code="O1")
    o2 = f.objective(team=reps, period=period, code="O2")
    return Seed(
        activity_share=f.key_result(objective=o1, code="KR2", baseline=20, target=50, unit="%"),
        nps=f.key_result(
            objective=o1, code="KR3", direction="at_least", baseline=8, target=11.5, unit="NPS"
        ),
        watching=f.key_result(
            objective=o2,
            code="KR2",
            baseline=40,
            target=100,
            unit="%",
            deadline=FEB_28,
        ),
        feedback=f.key_result(objective=o2, code="KR5", target=50, unit="people"),
        cohort=Cohort.objects.create(slug="reps", name="Reps", team=reps),
    )
