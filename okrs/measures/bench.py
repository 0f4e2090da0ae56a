"""Benchmark set-up: a million survey responses and a million activities to import and measure.

``okrs data bench DIR --rows 1000000`` writes ``DIR/responses.csv`` and ``DIR/activities.csv``
and creates what they refer to (1,000 people in cohort ``bench``, team ``bench`` with three
computed KRs in period 2017-Q1). Then time ``okrs data import responses DIR/responses.csv``,
``okrs data import activities DIR/activities.csv`` and ``okrs measure --period 2017-Q1``.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction

from okrs.goals.models import KeyResult, Objective, Period
from okrs.measures.services import key_result_set_measure
from okrs.org.models import Cohort, Team

PEOPLE = 1000


@transaction.atomic
def _setup() -> None:
    User = get_user_model()
    names = [f"bench{i:04d}" for i in range(PEOPLE)]
    known = set(User.objects.filter(username__in=names).values_list("username", flat=True))
    User.objects.bulk_create([User(username=n) for n in names if n not in known])
    team, _ = Team.objects.get_or_create(slug="bench", defaults={"name": "Benchmark"})
    cohort, _ = Cohort.objects.get_or_create(slug="bench", defaults={"name": "Benchmark"})
    cohort.members.add(*User.objects.filter(username__in=names[::2]))  # half of them
    period, _ = Period.objects.get_or_create(
        slug="2017-Q1", defaults={"start": dt.date(2017, 1, 1), "end": dt.date(2017, 3, 31)}
    )
    objective, _ = Objective.objects.get_or_create(
        team=team, period=period, code="B1", defaults={"title": "Benchmark"}
    )
    measures = [
        ("KR1", "nps", {"survey": "bench"}, 30.0),
        ("KR2", "activity_share", {"filter": {"tag": "activate"}, "cohort": "bench"}, 50.0),
        ("KR3", "activity_count", {"filter": {"type": "talk"}}, 1e6),
    ]
    for code, kind, params, target in measures:
        kr, _ = KeyResult.objects.get_or_create(
            objective=objective,
            code=code,
            defaults={"title": f"Benchmark {kind}", "target": target},
        )
        key_result_set_measure(key_result=kr, kind=kind, params=params)


def write_benchmark_files(directory: Path, rows: int, seed: int = 1) -> list[Path]:
    _setup()
    rng = random.Random(seed)
    directory.mkdir(parents=True, exist_ok=True)
    start = dt.datetime(2017, 1, 1, tzinfo=dt.UTC)
    span = 89 * 24 * 3600
    responses = directory / "responses.csv"
    with responses.open("w", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["survey", "score", "submitted_at", "respondent", "external_id"])
        for i in range(rows):
            at = start + dt.timedelta(seconds=rng.randrange(span))
            who = f"bench{rng.randrange(PEOPLE):04d}" if i % 3 == 0 else ""
            writer.writerow(["bench", rng.randrange(11), at.isoformat(), who, f"r{i}"])
    activities = directory / "activities.csv"
    types = ["talk", "event", "workshop", "blog post"]
    tags = ["activate", "activate;campus", "campus", "", "l10n;press"]
    with activities.open("w", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["person", "date", "type", "tags"])
        day0 = start.date()
        for i in range(rows):
            writer.writerow([f"bench{rng.randrange(PEOPLE):04d}",
                             (day0 + dt.timedelta(days=i * 89 // rows)).isoformat(),
                             rng.choice(types), rng.choice(tags) + f";n{i}"])  # fmt: skip
    return [responses, activities]
