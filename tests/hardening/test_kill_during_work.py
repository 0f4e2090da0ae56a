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

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.hardening.processes import TABLE_HASHES, kill_midway, okrs, shell
from tests.sync.fakes import REPO, FakeGitHub, gh_issue, gh_milestone

DEMO_FILE = Path(__file__).resolve().parents[2] / "okrs/files/demo/reps-2017-q1.yaml"


# (a) `okrs import FILE` ----------------------------------------------------------------------


def test_sigkill_in_the_middle_of_a_yaml_import_leaves_nothing(
    database: dict[str, str], tmp_path: Path
) -> None:
    before = shell(database, TABLE_HASHES)
    # paused after teams, people, cohorts, periods, heartbeats, objectives, alignments and key
    # results were written, before the check-ins: the import's one transaction is open
    kill_midway(
        database, tmp_path, "okrs.files.importer:_Writer._checkins", 1, "import", str(DEMO_FILE)
    )
    assert shell(database, TABLE_HASHES) == before  # every table exactly as it was
    out = okrs(database, "import", str(DEMO_FILE))
    assert "Imported" in out
    counts = shell(
        database,
        "import json; from okrs.goals.models import CheckIn, KeyResult, Objective;"
        "from okrs.heartbeats.models import WorkPacket;"
        "print(json.dumps([Objective.objects.count(), KeyResult.objects.count(),"
        " CheckIn.objects.count(), WorkPacket.objects.count()]))",
    )
    assert isinstance(counts, list) and all(n > 0 for n in counts), counts
    assert "Nothing changed." in okrs(database, "import", str(DEMO_FILE))  # it was complete


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
    okrs(database, "demo")
    env = {**database, "OKRS_GITHUB_API_URL": github.server.url, "OKRS_GITHUB_TOKEN": "t0ken"}
    start = shell(env, SYNC_STATE)
    assert isinstance(start, dict) and start["links"] == [] and start["runs"] == []
    sync = ("sync", "github", REPO, "--team", "reps")
    # issue 2 is a pull request (skipped): the 3rd checklist written is issue 4's, after its
    # packet, roles and commitment were written, before its link; one transaction per issue
    kill_midway(env, tmp_path, "okrs.sync.github:_sync_checklist", 3, *sync)
    killed = shell(env, SYNC_STATE)
    assert isinstance(killed, dict)
    assert killed["links"] == [1, 3]  # the issues finished before the kill, whole
    assert killed["packets"] == start["packets"] + 2  # issue 4's packet did not survive
    assert killed["unlinked_synced"] == 0 and killed["tasks_of_1"] == 3
    assert [status for status, _ in killed["runs"]] == ["running"]
    okrs(env, *sync)
    done = shell(env, SYNC_STATE)
    assert isinstance(done, dict)
    assert done["links"] == [1, 3, 4, 5, 6]
    assert done["packets"] == start["packets"] + 5 and done["unlinked_synced"] == 0
    assert done["tasks_of_1"] == 3  # not written twice
    (killed_status, killed_error), (status, error) = done["runs"]
    assert (status, error) == ("ok", "")
    assert killed_status == "failed" and "interrupted" in killed_error  # not "running" forever
    okrs(env, *sync)  # and a further run changes nothing
    again = shell(env, SYNC_STATE)
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
    okrs(database, "demo")
    measured = shell(database, FORGET_MEASURES)  # so that the run writes for every KR
    assert measured == 4
    # the 3rd KR's check-in is written, its measurement too (one transaction per KR): paused
    kill_midway(database, tmp_path, "okrs.measures.services:computed_checkin_record", 3, "measure")
    killed = shell(database, MEASURE_STATE)
    assert killed == {"measurements": 2, "checkins": 2, "krs_with_checkins": 2, "unmatched": []}
    okrs(database, "measure")
    done = shell(database, MEASURE_STATE)
    assert done == {"measurements": 4, "checkins": 4, "krs_with_checkins": 4, "unmatched": []}
