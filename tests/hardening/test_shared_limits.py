"""The rate limits hold across worker processes: two gunicorn workers count a token's requests in
the same store, the database cache (okrs.security.cache) or Redis (OKRS_CACHE_URL, the suite's
Redis on a database number of its own, flushed), so the token gets at most its limit, not the
limit once per worker."""

from __future__ import annotations

import socket
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from tests.hardening.processes import ROOT, okrs, shell
from tests.redis import LIMITS_DB, flush, redis_url

LIMIT = 12
GUNICORN = str(ROOT / ".venv/bin/gunicorn")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.parametrize("store", ["database", "redis"])
def test_two_workers_give_a_token_at_most_its_limit(
    database: dict[str, str], tmp_path: Path, store: str
) -> None:
    env = {**database, "OKRS_API_RATE_LIMIT": str(LIMIT), "OKRS_API_RATE_WINDOW": "3600"}
    if store == "redis":
        env["OKRS_CACHE_URL"] = redis_url(LIMITS_DB)
    shell(env, "from django.contrib.auth.models import User; User.objects.create_user('ada');"
               " print(1)")  # fmt: skip
    token = okrs(env, "create-token", "ada", "limits").strip().splitlines()[-1]
    port = _free_port()
    access = tmp_path / "access.log"
    log = (tmp_path / "gunicorn.log").open("w")
    server = subprocess.Popen(
        [GUNICORN, "-w", "2", "--no-control-socket", "-b", f"127.0.0.1:{port}",
         "--access-logfile", str(access),
         "--access-logformat", "%(p)s %(s)s %({authorization}i)s", "okrs.wsgi:application"],
        env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        url = f"http://127.0.0.1:{port}/api/v1/teams"
        deadline = time.monotonic() + 60
        while True:  # until both workers are up (an anonymous read counts nothing)
            try:
                if httpx.get(url, timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, (tmp_path / "gunicorn.log").read_text()
            time.sleep(0.2)
        headers = {"Authorization": f"Bearer {token}"}

        def call(_: int) -> int:
            return httpx.get(url, headers=headers, timeout=30).status_code

        with ThreadPoolExecutor(max_workers=6) as pool:
            statuses = list(pool.map(call, range(4 * LIMIT)))
    finally:
        server.terminate()
        server.wait(30)
        log.close()
        if store == "redis":
            flush(env["OKRS_CACHE_URL"])
    assert statuses.count(200) == LIMIT, statuses
    assert statuses.count(429) == 3 * LIMIT
    served = [line.split() for line in access.read_text().splitlines() if "Bearer" in line]
    assert len({pid for pid, *_ in served}) == 2  # both workers answered the token's requests
