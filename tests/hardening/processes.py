"""Real `okrs` processes for the fault and backup tests: run a command, read the database from
a new process, and stop a command deterministically in the middle of its work to kill it."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
OKRS = str(ROOT / ".venv/bin/okrs")
KILLPOINT = str(ROOT / "tests/hardening/killpoint.py")

TABLE_HASHES = """
import hashlib, json
from django.db import connection
out = {}
with connection.cursor() as cursor:
    for table in sorted(connection.introspection.table_names(cursor)):
        cursor.execute(f'SELECT * FROM "{table}"')
        rows = sorted(repr(row) for row in cursor.fetchall())
        out[table] = [len(rows), hashlib.sha256("\\n".join(rows).encode()).hexdigest()]
print(json.dumps(out))
"""


def okrs(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([OKRS, *args], env=env, capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, f"okrs {args}: {done.stdout}{done.stderr}"
    return done.stdout


def shell(env: dict[str, str], code: str) -> object:
    """Run `code` in `okrs shell`; it prints one JSON value as its last line."""
    return json.loads(okrs(env, "shell", "-c", code).strip().splitlines()[-1])


def kill_midway(env: dict[str, str], tmp_path: Path, target: str, call: int, *command: str) -> None:
    """Run `okrs COMMAND` until the CALL-th call of TARGET has returned, then SIGKILL it."""
    marker = tmp_path / f"paused-{uuid.uuid4().hex[:6]}"
    log = tmp_path / "killed.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, KILLPOINT, str(marker), target, str(call), "--", *command],
            env=env,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 120
        while not marker.exists():
            if process.poll() is not None:
                pytest.fail(f"the command ended before the kill point:\n{log.read_text()}")
            if time.monotonic() > deadline:
                process.kill()
                pytest.fail("the command never reached the kill point")
            time.sleep(0.05)
        process.send_signal(signal.SIGKILL)
        assert process.wait(30) == -signal.SIGKILL
