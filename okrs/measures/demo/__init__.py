"""The demo datasets: the four measured Reps 2017-Q1 key results are computed from these files.

``load_demo_datasets()`` (run by ``okrs data demo``) adds the illustrative people of
``people.csv`` to the ``reps`` cohort, imports the four CSV files (idempotently), sets the
measure of each seed KR and measures it week by week through the quarter. Running it again
changes nothing. The files are illustrative, made by ``generate.py``.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from okrs.goals.models import KeyResult
from okrs.measures.imports import import_dataset
from okrs.measures.services import key_result_set_measure, measure_history
from okrs.org.models import Cohort, Profile, Team

HERE = Path(__file__).resolve().parent
PERIOD = "2017-Q1"
TEAM = "reps"

#: (objective code, KR code) → (measure kind, parameters)
MEASURES: dict[tuple[str, str], tuple[str, dict[str, Any]]] = {
    ("O1", "KR2"): ("activity_share", {"filter": {"tag": "activate"}, "cohort": "reps"}),
    ("O1", "KR3"): ("nps", {"survey": "core-community-2017-q1"}),
    ("O2", "KR2"): (
        "cohort_fact_share",
        {
            "cohort": "reps",
            "conditions": [
                {"key": "discourse.watching.reps", "value": "true"},
                {"key": "discourse.watching.nda", "value": "true"},
            ],
        },
    ),
    ("O2", "KR5"): (
        "distinct_people",
        {"event": "feedback", "subject": "cpg-draft", "cohort": "reps"},
    ),
}
DATASETS = [
    ("responses", "responses.csv"),
    ("activities", "activities.csv"),
    ("facts", "facts.csv"),
    ("events", "events.csv"),
]


@transaction.atomic
def _people() -> int:
    """Create the demo people (if missing) and put them in their cohorts; returns how many
    people were created."""
    User = get_user_model()
    team = Team.objects.filter(slug=TEAM).first()
    cohort, _ = Cohort.objects.get_or_create(slug="reps", defaults={"name": "Reps", "team": team})
    with (HERE / "people.csv").open(newline="") as rows:
        people = list(csv.DictReader(rows))
    existing = set(
        User.objects.filter(username__in=[p["username"] for p in people]).values_list(
            "username", flat=True
        )
    )
    created = [
        User(username=p["username"], email=f"{p['username']}@example.org")
        for p in people
        if p["username"] not in existing
    ]
    for user in created:
        user.set_unusable_password()
    User.objects.bulk_create(created)
    by_name = dict(
        User.objects.filter(username__in=[p["username"] for p in people]).values_list(
            "username", "pk"
        )
    )
    Profile.objects.bulk_create(
        [Profile(person_id=by_name[p["username"]], display_name=p["name"]) for p in people],
        ignore_conflicts=True,
    )
    members = [by_name[p["username"]] for p in people if "reps" in p["cohorts"].split(";")]
    cohort.members.add(*members)
    # the Reps of the demo file are Reps too
    cohort.members.add(
        *User.objects.filter(memberships__team__slug=TEAM).values_list("pk", flat=True)
    )
    return len(created)


def load_demo_datasets() -> str:
    """Load the demo datasets and compute the four measured Reps KRs; returns a summary."""
    lines = [f"demo people created: {_people()}"]
    for kind, name in DATASETS:
        with (HERE / name).open("rb") as stream:
            report = import_dataset(kind=kind, stream=stream, filename=name)
        if not report.ok:
            problems = "; ".join(str(p) for p in report.problems[:5])
            raise ValueError(f"demo file {name} was rejected: {problems}")
        lines.append(f"{name}: {report.rows} rows, {report.added} added")
    krs = KeyResult.objects.filter(
        objective__team__slug=TEAM, objective__period__slug=PERIOD
    ).select_related("objective__period")
    by_code = {(kr.objective.code, kr.code): kr for kr in krs}
    for (objective, code), (kind, params) in MEASURES.items():
        kr = by_code.get((objective, code))
        if kr is None:
            lines.append(f"{PERIOD} {TEAM} {objective} {code}: not found (load `okrs demo` first)")
            continue
        key_result_set_measure(key_result=kr, kind=kind, params=params)
        outcomes = measure_history(key_result=kr)
        last = outcomes[-1].result
        value = "—" if last is None or last.value is None else f"{last.value:g}"
        lines.append(f"{objective} {code} measured: {value} (n = {last.sample if last else 0})")
    return "\n".join(lines)
