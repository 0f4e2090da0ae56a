"""A process killed with SIGKILL in the middle of a dataset import leaves no partial data, and the
next run completes. Real processes on a real SQLite file (WAL) in a fresh directory."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
OKRS = str(ROOT / ".venv/bin/okrs")
ROWS = 150_000


def _env(var: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "OKRS_DATABASE_URL"}
    return {**env, "OKRS_VAR_DIR": str(var), "OKRS_SECRET_KEY": "kill-test-" + "k" * 50}


def _okrs(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([OKRS, *args], env=env, capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def _activities(env: dict[str, str]) -> int:
    out = _okrs(
        env,
        "shell",
        "-c",
        "from okrs.measures.models import Activity; print(Activity.objects.count())",
    )
    return int(out.split()[-1])


def test_sigkill_in_the_middle_of_a_dataset_import_leaves_nothing(tmp_path: Path) -> None:
    env = _env(tmp_path / "var")
    _okrs(env, "migrate", "--no-input")
    _okrs(env, "data", "bench", str(tmp_path / "files"), "--rows", str(ROWS))
    source = tmp_path / "files" / "activities.csv"
    assert source.stat().st_size > 1_000_000
    wal = tmp_path / "var" / "okrs.sqlite3-wal"
    before = wal.stat().st_size if wal.exists() else 0
    process = subprocess.Popen(
        [OKRS, "data", "import", "activities", str(source), "--quiet"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:  # kill once it has written pages of the import
        if wal.exists() and wal.stat().st_size > before + 4_000_000:
            break
        assert process.poll() is None, "the import finished before it could be killed"
        time.sleep(0.05)
    else:
        pytest.fail("the import never started writing")
    process.send_signal(signal.SIGKILL)
    assert process.wait(30) == -signal.SIGKILL
    assert _activities(env) == 0  # nothing half-written survives the kill
    _okrs(env, "data", "import", "activities", str(source), "--quiet")
    assert _activities(env) == ROWS
