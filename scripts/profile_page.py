"""CPU time of one page kind of `okrs bench` on the database okrs points at, then its profile.

    OKRS_VAR_DIR=/tmp/var-bench-large \\
        .venv/bin/python scripts/profile_page.py "period overview" admin 3

KIND is a page kind of `okrs bench run` ("period overview", "objective", "API period score", ...);
SORT=tottime in the environment orders the profile by time spent in each function itself;
WHO is `admin` (bench-admin) or `anonymous`; N the calls profiled. Prints the URL, status, size
and queries of a first call, the CPU ms of seven more (the collector tuned as a server
tunes it), then the 45 costliest functions.
"""

from __future__ import annotations

import cProfile
import os
import pstats
import sys
import time


def main(kind: str, who: str = "admin", calls: int = 5) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "okrs.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from okrs.bench.run import _targets, ensure_static

    settings.ALLOWED_HOSTS = ["*"]
    ensure_static()
    client = Client()
    if who == "admin":
        client.force_login(get_user_model().objects.get(username="bench-admin"))
    url = _targets()[kind][0]
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    print(url, response.status_code, len(response.content), "queries", len(queries))
    cpu = []
    for _ in range(7):
        started = time.thread_time()
        client.get(url)
        cpu.append(round((time.thread_time() - started) * 1000, 1))
    print("cpu ms", cpu, "median", sorted(cpu)[3])
    profile = cProfile.Profile(time.thread_time) if os.environ.get("CPU") else cProfile.Profile()
    profile.enable()
    for _ in range(calls):
        client.get(url)
    profile.disable()
    pstats.Stats(profile).sort_stats(os.environ.get("SORT", "cumulative")).print_stats(45)


if __name__ == "__main__":
    args = sys.argv[1:]
    main(args[0], *(args[1:2]), *(int(a) for a in args[2:3]))
