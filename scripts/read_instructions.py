"""Instructions per request of the API reads of `okrs bench load` and of the period-wide pages,
in process, under callgrind: a figure that does not move with the machine's load (time on a
shared machine moves by 2x).

    OKRS_VAR_DIR=/tmp/var-bench OKRS_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench \\
        .venv/bin/python scripts/read_instructions.py [READ,READ...] [N]
    OKRS_READ_AS=token ... (the same with a token of bench-admin, made and removed by the script)
    OKRS_READ_AS=admin ... (signed in as bench-admin, a session made and removed by the script)

READ is one of the names below (the API reads by default; the pages, `overview`, `review` and
`map`, when named); N requests of each are counted (30), after 5 to warm up. The script runs
itself under `valgrind --tool=callgrind --instr-atstart=no` and switches counting on
(`callgrind_control -i on`) around the N requests of each read only, so Django's start-up and
the warm-up are not counted. PostgreSQL's own work is in another process and not counted;
SQLite's is. Needs valgrind (Debian: apt-get install -y valgrind).
"""

from __future__ import annotations

import glob
import io
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

READS = {
    "trivial": ("/bench/trivial/", ""),
    "objectives": ("/api/v1/objectives", "period=2026-Q4"),
    "objective": ("/api/v1/objectives/1012", ""),
    "key-result": ("/api/v1/key-results/4045", ""),
    "check-ins": ("/api/v1/key-results/4045/checkins", ""),
    "teams": ("/api/v1/teams", ""),
    "packets": ("/api/v1/packets", "team=team-000"),
}
PAGES = {
    "overview": ("/", "period=2026-Q4"),
    "review": ("/periods/2026-Q4/review/", ""),
    "map": ("/map/", "period=2026-Q4"),
}
READS.update(PAGES)


def _count(names: list[str], n: int) -> None:
    """Under callgrind: serve each read n times with counting on, one dump per read."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "okrs.settings")
    import django

    django.setup()
    from django.conf import settings

    from okrs.bench.wsgi import application

    settings.ALLOWED_HOSTS = ["*"]

    def call(path: str, query: str) -> None:
        environ = {
            "REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": query,
            "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8000", "HTTP_HOST": "127.0.0.1:8000",
            "wsgi.input": io.BytesIO(b""), "wsgi.url_scheme": "http", **headers,
        }  # fmt: skip
        status: list[str] = []
        body = application(environ, lambda s, h: status.append(s))
        b"".join(body)
        body.close()
        if not status[0].startswith("200"):
            raise SystemExit(f"{path}?{query}: {status[0]}")

    headers: dict[str, str] = {}
    token = session = None
    if os.environ.get("OKRS_READ_AS") == "admin":
        from django.contrib.auth import (
            BACKEND_SESSION_KEY,
            HASH_SESSION_KEY,
            SESSION_KEY,
            get_user_model,
        )
        from django.contrib.sessions.backends.db import SessionStore

        admin = get_user_model().objects.get(username="bench-admin")
        session = SessionStore()
        session[SESSION_KEY] = str(admin.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = admin.get_session_auth_hash()
        session.create()
        headers["HTTP_COOKIE"] = f"{settings.SESSION_COOKIE_NAME}={session.session_key}"
    elif os.environ.get("OKRS_READ_AS") == "token":
        from okrs.bench.management.commands.bench import _bench_token

        token, raw = _bench_token()
        headers["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
        settings.OKRS_API_RATE_LIMIT = 10**9  # counted, never refused (as `okrs bench load`)
    pid = str(os.getpid())
    try:
        _serve(names, n, call, pid)
    finally:
        if token is not None:
            token.delete()
        if session is not None:
            session.delete()


def _serve(names: list[str], n: int, call: Any, pid: str) -> None:
    for name in names:
        for _ in range(5):
            call(*READS[name])
    for name in names:
        control = ["callgrind_control"]
        subprocess.run([*control, "-z", pid], capture_output=True, check=True)
        subprocess.run([*control, "-i", "on", pid], capture_output=True, check=True)
        for _ in range(n):
            call(*READS[name])
        subprocess.run([*control, "-i", "off", pid], capture_output=True, check=True)
        subprocess.run([*control, "-d", name, pid], capture_output=True, check=True)


def main() -> None:
    args = sys.argv[1:]
    names = args[0].split(",") if args and not args[0].isdigit() else list(READS.keys() - PAGES)
    names.sort(key=list(READS).index)
    n = int(args[-1]) if args and args[-1].isdigit() else 30
    unknown = set(names) - set(READS)
    if unknown:
        raise SystemExit(f"unknown reads {sorted(unknown)}; known: {', '.join(READS)}")
    if os.environ.get("OKRS_UNDER_CALLGRIND"):
        _count(names, n)
        return
    with tempfile.TemporaryDirectory() as out:
        env = dict(os.environ, OKRS_UNDER_CALLGRIND="1")
        command = ["valgrind", "--tool=callgrind", "--instr-atstart=no",
                   f"--callgrind-out-file={out}/callgrind.out", sys.executable, __file__,
                   ",".join(names), str(n)]  # fmt: skip
        subprocess.run(command, env=env, check=True, capture_output=True)
        for path in sorted(glob.glob(f"{out}/callgrind.out.*")):
            lines = Path(path).read_text().splitlines()
            name = next(x for x in lines if x.startswith("desc: Trigger")).rsplit(" ", 1)[1]
            total = int(next(x for x in lines if x.startswith("totals:")).split()[1])
            print(f"{name:12} {total / n / 1e6:6.2f} million instructions a request")


if __name__ == "__main__":
    main()
