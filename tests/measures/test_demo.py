"""The demo datasets make the four measured Reps KRs computed; the expected values are worked
out here in plain Python from the CSV files, independently of the SQL."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

from okrs.measures.demo import HERE, load_demo_datasets
from okrs.measures.models import Measurement
from okrs.org.models import Cohort
from tests import factories as f

pytestmark = pytest.mark.django_db


def _rows(name: str) -> list[dict[str, str]]:
    with Path(HERE, name).open(newline="") as rows:
        return list(csv.DictReader(rows))


def _reps() -> set[str]:
    return {r["username"] for r in _rows("people.csv") if r["cohorts"] == "reps"} | set(FILE_REPS)


FILE_REPS = ["juniper", "marlow", "sable", "teodor", "wren"]


def expected_nps() -> float:
    scores = [int(r["score"]) for r in _rows("responses.csv")]
    promoters = sum(s >= 9 for s in scores)
    detractors = sum(s <= 6 for s in scores)
    return round(100 * (promoters - detractors) / len(scores), 2)


def expected_activity_share() -> float:
    reps = _reps()
    rows = [r for r in _rows("activities.csv") if r["person"] in reps]
    tagged = [r for r in rows if "activate" in r["tags"].lower().split(";")]
    return round(100 * len(tagged) / len(rows), 2)


def expected_watching() -> float:
    latest: dict[tuple[str, str], tuple[str, str]] = {}
    for r in _rows("facts.csv"):
        if r["observed_at"] <= "2017-02-28T23:59:59Z":
            key = (r["person"], r["key"])
            if key not in latest or r["observed_at"] >= latest[key][0]:
                latest[key] = (r["observed_at"], r["value"])
    reps = _reps()
    both = [
        p for p in reps
        if all(latest.get((p, f"discourse.watching.{c}"), ("", ""))[1] == "true"
               for c in ("reps", "nda"))
    ]  # fmt: skip
    return round(100 * len(both) / len(reps), 2)


def expected_feedback() -> float:
    reps = _reps()
    return float(
        len({r["person"] for r in _rows("events.csv")
             if r["kind"] == "feedback" and r["subject"] == "cpg-draft" and r["person"] in reps})
    )  # fmt: skip


def test_demo_datasets_compute_the_four_seed_krs(seed) -> None:  # type: ignore[no-untyped-def]
    for username in FILE_REPS:
        f.membership(f.person(username), seed.cohort.team)
    summary = load_demo_datasets()
    assert Cohort.objects.get(slug="reps").members.count() == len(_reps()) == 80
    expected = {
        seed.activity_share: expected_activity_share(),
        seed.nps: expected_nps(),
        seed.watching: expected_watching(),
        seed.feedback: expected_feedback(),
    }
    for kr, value in expected.items():
        assert Measurement.objects.get(key_result=kr).value == value, kr
        latest = kr.checkins.order_by("-at").first()
        assert latest is not None and latest.source == "computed" and latest.value == value
        assert kr.checkins.count() > 1  # history week by week, only where the value changed
    assert expected[seed.feedback] >= 50 and expected[seed.watching] < 100
    # measured up to its deadline only, the end of February
    assert seed.watching.checkins.order_by("-at").first().at.date() <= dt.date(2017, 2, 28)
    assert Measurement.objects.get(key_result=seed.watching).as_of.date() == dt.date(2017, 2, 28)
    again = load_demo_datasets()
    assert "0 added" in again and again.count("0 added") == 4
    assert summary.count("measured") == 4
