"""SIGKILL in the middle of a YAML import, a GitHub sync and a measure run: no partial data is
left, and the next run completes.

Each test runs real `okrs` processes against a fresh database of the suite's engine (a SQLite
file in a temporary directory, or a new PostgreSQL database when the suite runs on PostgreSQL).
The process is stopped deterministically in the middle of its unit of work by
`tests/hardening/killpoint.py` (a function of okrs is wrapped: its N-th call completes, its
writes are in the open transaction, then the process waits), killed with SIGKILL, and the
database is read by a new process.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection

from tests.sync.fakes import REPO, FakeGitHub, gh_issue, gh_milestone

ROOT = Path(__file__).resolve().parents[2]
OKRS = str(ROOT / ".venv/bin/okrs")
KILLPOINT = str(ROOT / "tests/hardening/killpoint.py")
DEMO_FILE = ROOT / "okrs/files/demo/reps-2017-q1.yaml"

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


def _okrs(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([OKRS, *args], env=env, capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, f"okrs {args}: {done.stdout}{done.stderr}"
    return done.stdout


def _shell(env: dict[str, str], code: str) -> object:
    """Run `code` in `okrs shell`; it prints one JSON value as its last line."""
    return json.loads(_okrs(env, "shell", "-c", code).strip().splitlines()[-1])


@pytest.fixture
def database(tmp_path: Path) -> Iterator[dict[str, str]]:
    """The environment of `okrs` processes using a fresh, migrated database."""
    env = {k: v for k, v in os.environ.items() if k != "OKRS_DATABASE_URL"}
    env.update(OKRS_VAR_DIR=str(tmp_path / "var"), OKRS_SECRET_KEY="kill-test-" + "k" * 50)
    created = None
    if connection.vendor == "postgresql":
        import psycopg

        s = connection.settings_dict
        base = f"postgres://{s['USER']}@{s['HOST']}:{s['PORT'] or 5432}"
        created = f"hardening_kill_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{created}"')
        env["OKRS_DATABASE_URL"] = f"{base}/{created}"
    try:
        _okrs(env, "migrate", "--no-input")
        yield env
    finally:
        if created:
            import psycopg

            with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{created}" WITH (FORCE)')


def _kill_midway(
    env: dict[str, str], tmp_path: Path, target: str, call: int, *command: str
) -> None:
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


# (a) `okrs import FILE` ----------------------------------------------------------------------


def test_sigkill_in_the_middle_of_a_yaml_import_leaves_nothing(
    database: dict[str, str], tmp_path: Path
) -> None:
    before = _shell(database, TABLE_HASHES)
    # paused after teams, people, cohorts, periods, heartbeats, objectives, alignments and key
    # results were written, before the check-ins: the import's one transaction is open
    _kill_midway(
        database, tmp_path, "okrs.files.importer:_Writer._checkins", 1, "import", str(DEMO_FILE)
    )
    assert _shell(database, TABLE_HASHES) == before  # every table exactly as it was
    out = _okrs(database, "import", str(DEMO_FILE))
    assert "Imported" in out
    counts = _shell(
        database,
        "import json; from okrs.goals.models import CheckIn, KeyResult, Objective;"
        "from okrs.heartbeats.models import WorkPacket;"
        "print(json.dumps([Objective.objects.count(), KeyResult.objects.count(),"
        " CheckIn.objects.count(), WorkPacket.objects.count()]))",
    )
    assert isinstance(counts, list) and all(n > 0 for n in counts), counts
    assert "Nothing changed." in _okrs(database, "import", str(DEMO_FILE))  # it was complete


# (b) `okrs sync github` ----------------------------------------------------------------------

SYNC_STATE = """
import json
from okrs.heartbeats.models import ChecklistItem, WorkPacket
from okrs.sync.models import IssueLink, SyncRun
print(json.dumps({
    "packets": WorkPacket.objects.count(),
    "links": sorted(IssueLink.objects.values_list("number", flat=True)),
    "unlinked_synced": WorkPacket.objects.filter(
        external_url__startswith="https://github.com/mozilla/reps/issues/", github__isnull=True
    ).count(),
    "tasks_of_1": ChecklistItem.objects.filter(packet__github__number=1).count(),
    "runs": [[r.status, r.error] for r in SyncRun.objects.order_by("id")],
}))
"""


@pytest.fixture
def github() -> Iterator[FakeGitHub]:
    fake = FakeGitHub()
    hb1 = gh_milestone(1, "Q1HB1", "2017-02-11T08:00:00Z")
    fake.milestones = [hb1]
    tasks = "- [ ] Draft the post (Due: 2017-01-27)\n- [x] Ask the council\n- [ ] Follow up\n"
    fake.issues = [
        gh_issue(1, "Ask Reps to watch Discourse", body=tasks, labels=("O2KR2", "P1"),
                 milestone=hb1, updated_at="2017-01-20T10:00:00Z"),
        gh_issue(2, "A pull request", pull_request=True, updated_at="2017-01-20T11:00:00Z"),
        gh_issue(3, "Run the survey", state="closed", state_reason="completed",
                 updated_at="2017-01-21T10:00:00Z"),
        gh_issue(4, "Coaching plan", body="- [ ] one\n- [ ] two\n", milestone=hb1,
                 updated_at="2017-01-21T11:00:00Z"),
        gh_issue(5, "Write docs", updated_at="2017-01-22T10:00:00Z"),
        gh_issue(6, "Old idea", state="closed", state_reason="not_planned",
                 updated_at="2017-01-22T11:00:00Z"),
    ]  # fmt: skip
    with fake.server.running():
        yield fake


def test_sigkill_in_the_middle_of_a_github_sync_keeps_whole_issues_only(
    database: dict[str, str], tmp_path: Path, github: FakeGitHub
) -> None:
    _okrs(database, "demo")
    env = {**database, "OKRS_GITHUB_API_URL": github.server.url, "OKRS_GITHUB_TOKEN": "t0ken"}
    start = _shell(env, SYNC_STATE)
    assert isinstance(start, dict) and start["links"] == [] and start["runs"] == []
    sync = ("sync", "github", REPO, "--team", "reps")
    # issue 2 is a pull request (skipped): the 3rd checklist written is issue 4's, after its
    # packet, roles and commitment were written, before its link; one transaction per issue
    _kill_midway(env, tmp_path, "okrs.sync.github:_sync_checklist", 3, *sync)
    killed = _shell(env, SYNC_STATE)
    assert isinstance(killed, dict)
    assert killed["links"] == [1, 3]  # the issues finished before the kill, whole
    assert killed["packets"] == start["packets"] + 2  # issue 4's packet did not survive
    assert killed["unlinked_synced"] == 0 and killed["tasks_of_1"] == 3
    assert [status for status, _ in killed["runs"]] == ["running"]
    _okrs(env, *sync)
    done = _shell(env, SYNC_STATE)
    assert isinstance(done, dict)
    assert done["links"] == [1, 3, 4, 5, 6]
    assert done["packets"] == start["packets"] + 5 and done["unlinked_synced"] == 0
    assert done["tasks_of_1"] == 3  # not written twice
    (killed_status, killed_error), (status, error) = done["runs"]
    assert (status, error) == ("ok", "")
    assert killed_status == "failed" and "interrupted" in killed_error  # not "running" forever
    _okrs(env, *sync)  # and a further run changes nothing
    again = _shell(env, SYNC_STATE)
    assert isinstance(again, dict) and again["packets"] == done["packets"]


# (c) `okrs measure` --------------------------------------------------------------------------

MEASURE_STATE = """
import json
from okrs.goals.models import CheckIn
from okrs.measures.models import Measurement
computed = CheckIn.objects.filter(source="computed")
print(json.dumps({
    "measurements": Measurement.objects.count(),
    "checkins": computed.count(),
    "krs_with_checkins": computed.values("key_result").distinct().count(),
    "unmatched": [
        m.key_result_id for m in Measurement.objects.all()
        if not computed.filter(key_result_id=m.key_result_id, value=m.value, at=m.as_of).exists()
    ],
}))
"""

FORGET_MEASURES = """
import json
from okrs.goals.models import CheckIn, KeyResult
from okrs.measures.models import Measurement
CheckIn.objects.filter(source="computed").delete()
Measurement.objects.all().delete()
print(json.dumps(KeyResult.objects.exclude(measure_kind="manual").count()))
"""


def test_sigkill_in_the_middle_of_a_measure_run_keeps_whole_measurements_only(
    database: dict[str, str], tmp_path: Path
) -> None:
    _okrs(database, "demo")
    measured = _shell(database, FORGET_MEASURES)  # so that the run writes for every KR
    assert measured == 4
    # the 3rd KR's check-in is written, its measurement too (one transaction per KR): paused
    _kill_midway(database, tmp_path, "okrs.measures.services:checkin_create", 3, "measure")
    killed = _shell(database, MEASURE_STATE)
    assert killed == {"measurements": 2, "checkins": 2, "krs_with_checkins": 2, "unmatched": []}
    _okrs(database, "measure")
    done = _shell(database, MEASURE_STATE)
    assert done == {"measurements": 4, "checkins": 4, "krs_with_checkins": 4, "unmatched": []}
