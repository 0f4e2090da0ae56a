"""Bounded load test: gunicorn (2 workers) on 127.0.0.1 under mixed reads and concurrent API
check-ins for SECONDS; prints the figures and fails unless there were 0 errors and the check-ins
in the database equal the 201 answers the clients got.

    OKRS_DATABASE_URL=... .venv/bin/python scripts/load_mixed.py --seconds 60 --clients 8
(without OKRS_DATABASE_URL: SQLite in a fresh OKRS_VAR_DIR)."""

from __future__ import annotations

import argparse
import collections
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
OKRS = str(ROOT / ".venv/bin/okrs")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--clients", type=int, default=8, help="threads; half write check-ins")
    parser.add_argument("--port", type=int, default=8791)
    opts = parser.parse_args()
    env = {**os.environ, "OKRS_API_RATE_LIMIT": "0"}
    env.setdefault("OKRS_VAR_DIR", tempfile.mkdtemp(prefix="okrs-load-"))
    env["OKRS_SECRET_KEY"] = env.get("OKRS_SECRET_KEY") or "load-" + "x" * 60

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        done = subprocess.run([OKRS, *args], env=env, capture_output=True, text=True, cwd=ROOT)
        if done.returncode:
            sys.exit(f"okrs {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        return done

    if "OKRS_DATABASE_URL" in env:
        run("flush", "--no-input")
    run("migrate", "--no-input")
    run("demo")
    run("collectstatic", "--no-input")
    setup = (
        "from django.contrib.auth.models import User;"
        "from okrs.api.services import token_create;"
        "from okrs.goals.models import KeyResult, CheckIn, Objective;"
        "u=User.objects.create_superuser('loadtester','l@example.org','x-very-long-pass-12');"
        "print(token_create(person=u,name='load')[1]);"
        "print(list(KeyResult.objects.exclude(direction='milestone').values_list('pk',flat=True)[:40]));"
        "print(list(Objective.objects.values_list('pk',flat=True)[:40]));"
        "print(CheckIn.objects.count())"
    )
    token, krs, objectives, before = run("shell", "-c", setup).stdout.strip().splitlines()[-4:]
    krs, objectives, before = json.loads(krs), json.loads(objectives), int(before)
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "okrs.wsgi:application", "--workers", "2",
         "--no-control-socket", "--bind", f"127.0.0.1:{opts.port}", "--timeout", "60",
         "--log-level", "warning"],
        env=env, cwd=ROOT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{opts.port}"
    try:
        for _ in range(100):
            try:
                if httpx.get(base + "/", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.3)
        reads = ["/", "/map/", "/search/?q=community", "/api/v1/objectives", "/api/v1/teams"]
        reads += [f"/objectives/{pk}/" for pk in objectives[:5]]
        counts: collections.Counter[str] = collections.Counter()
        latencies: list[float] = []
        lock = threading.Lock()
        stop = time.monotonic() + opts.seconds

        def worker(index: int) -> None:
            rng = random.Random(index)
            writer = index % 2 == 0
            with httpx.Client(base_url=base, timeout=30) as client:
                while time.monotonic() < stop:
                    start = time.monotonic()
                    try:
                        if writer:
                            response = client.post(
                                f"/api/v1/key-results/{rng.choice(krs)}/checkins",
                                json={"value": rng.randint(0, 100), "note": "load"},
                                headers={"Authorization": f"Bearer {token}"},
                            )
                            key = f"write {response.status_code}"
                        else:
                            response = client.get(rng.choice(reads))
                            key = f"read {response.status_code}"
                    except httpx.HTTPError as exc:
                        key = f"{'write' if writer else 'read'} {type(exc).__name__}"
                    with lock:
                        counts[key] += 1
                        latencies.append(time.monotonic() - start)

        threads = [threading.Thread(target=worker, args=(i,)) for i in range(opts.clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        server.terminate()
        server.wait(30)
    after = int(
        run(
            "shell", "-c", "from okrs.goals.models import CheckIn;print(CheckIn.objects.count())"
        ).stdout.split()[-1]
    )
    created = after - before
    ok_writes = counts.get("write 201", 0)
    errors = sum(v for k, v in counts.items() if not k.endswith((" 200", " 201")))
    latencies.sort()
    report = {
        "database": env.get("OKRS_DATABASE_URL", "sqlite"),
        "seconds": opts.seconds,
        "clients": opts.clients,
        "requests": sum(counts.values()),
        "per_second": round(sum(counts.values()) / opts.seconds, 1),
        "answers": dict(counts),
        "errors": errors,
        "checkins_201": ok_writes,
        "checkins_in_database": created,
        "p50_ms": round(1000 * latencies[len(latencies) // 2], 1),
        "p95_ms": round(1000 * latencies[int(len(latencies) * 0.95)], 1),
        "load_average": os.getloadavg(),
    }
    print(json.dumps(report, indent=2))
    return 0 if errors == 0 and created == ok_writes else 1


if __name__ == "__main__":
    sys.exit(main())
