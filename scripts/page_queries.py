"""Wall, CPU and SQL time of page kinds of `okrs bench` on the database okrs points at, read as
the benchmark's site admin, best of five, with the four slowest queries of that read.

    OKRS_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_xl OKRS_VAR_DIR=/tmp/var-bxl \\
        .venv/bin/python scripts/page_queries.py "period overview" team "period review"
"""

from __future__ import annotations

import os
import sys
import time


def main(kinds: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "okrs.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from okrs.bench.generate import ADMIN
    from okrs.bench.run import _targets, ensure_static

    settings.ALLOWED_HOSTS = ["*"]
    ensure_static()
    client = Client()
    client.force_login(get_user_model().objects.get(username=ADMIN))
    for kind in kinds:
        url = _targets()[kind][0]
        client.get(url)
        best = None
        for _ in range(5):
            with CaptureQueriesContext(connection) as queries:
                wall, cpu = time.perf_counter(), time.thread_time()
                response = client.get(url)
                wall_ms = (time.perf_counter() - wall) * 1000
                cpu_ms = (time.thread_time() - cpu) * 1000
            if best is None or wall_ms < best[0]:
                best = (wall_ms, cpu_ms, list(queries.captured_queries), len(response.content))
        assert best is not None
        wall_ms, cpu_ms, captured, size = best
        sql_ms = sum(float(q["time"]) for q in captured) * 1000
        print(
            f"{kind} {url}: wall {wall_ms:.0f} ms, CPU {cpu_ms:.0f} ms, SQL {sql_ms:.0f} ms, "
            f"{len(captured)} queries, {size // 1024} KB"
        )
        for query in sorted(captured, key=lambda q: -float(q["time"]))[:4]:
            print(f"  {float(query['time']) * 1000:6.1f} ms  {query['sql'][:300]}")


if __name__ == "__main__":
    main(sys.argv[1:])
