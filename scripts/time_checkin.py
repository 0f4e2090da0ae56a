"""CPU and wall time of one check-in through `goals.services.checkin_create`, one thread, on the
database okrs points at (a benchmark database: its check-ins are removed after).

    OKRS_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_l OKRS_VAR_DIR=/tmp/var-bl \\
        .venv/bin/python scripts/time_checkin.py

Checks in on the first 200 manual key results of the latest period, as `okrs bench run` does;
prints the median of five rounds of 200.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import time


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "okrs.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model

    from okrs.bench.generate import UNTIL
    from okrs.bench.run import remove_checkins
    from okrs.goals.models import KeyResult, Period
    from okrs.goals.services import checkin_create

    latest = Period.objects.order_by("-start").first()
    if latest is None:
        raise SystemExit("no period: run `okrs bench generate` first")
    krs = list(
        KeyResult.objects.filter(measure_kind="manual", objective__period=latest)
        .select_related("objective__period")
        .order_by("pk")[:200]
    )
    author = get_user_model().objects.filter(is_superuser=True).first()
    at = dt.datetime.combine(min(UNTIL, latest.end), dt.time(12), dt.UTC)
    rng = random.Random(1)
    note = "time_checkin.py"

    def one() -> None:
        checkin_create(
            key_result=krs[rng.randrange(len(krs))],
            value=rng.random() * 100,
            confidence=0.5,
            note=note,
            author=author,
            at=at,
        )

    try:
        for _ in range(30):
            one()
        rounds = []
        for _ in range(5):
            wall, cpu = time.perf_counter(), time.process_time()
            for _ in range(200):
                one()
            rounds.append(
                ((time.perf_counter() - wall) * 5, (time.process_time() - cpu) * 5)
            )  # ms per check-in: seconds / 200 * 1000
    finally:
        remove_checkins(note)
    wall_ms, cpu_ms = sorted(rounds, key=lambda r: r[1])[2]
    print(f"per check-in: wall {wall_ms:.2f} ms, CPU {cpu_ms:.2f} ms (median of 5 x 200)")


if __name__ == "__main__":
    main()
