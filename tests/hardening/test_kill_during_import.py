"""A process killed with SIGKILL in the middle of a dataset import leaves no partial data, and the
next run completes: real `okrs` processes on a fresh database of the suite's engine (a SQLite file
in WAL mode, or a new PostgreSQL database).

The import is stopped deterministically at its worst moment: every row is written into the
table, inside the import's transaction, and the commit has not happened yet
(`tests/hardening/killpoint.py` lets the writer's `finish` complete, then waits to be killed).
An earlier version killed the process once the WAL file had grown, which raced the import: the
faster imports sometimes ended before the kill.
"""

from __future__ import annotations

from pathlib import Path

from django.db import connection

from tests.hardening.processes import kill_midway, okrs, shell

ROWS = 20_000


def _count(env: dict[str, str]) -> int:
    code = "from okrs.measures.models import Activity; print(Activity.objects.count())"
    return int(shell(env, code))  # type: ignore[call-overload]


def test_sigkill_in_the_middle_of_a_dataset_import_leaves_nothing(
    database: dict[str, str], tmp_path: Path
) -> None:
    env = database
    okrs(env, "data", "bench", str(tmp_path / "files"), "--rows", str(ROWS))
    source = str(tmp_path / "files" / "activities.csv")
    writer = "_PostgresWriter" if connection.vendor == "postgresql" else "_SqliteWriter"
    kill_midway(
        env,
        tmp_path,
        f"okrs.measures.imports:{writer}.finish",
        1,
        "data",
        "import",
        "activities",
        source,
        "--quiet",
    )
    assert _count(env) == 0  # every row was written, none committed: nothing survives the kill
    okrs(env, "data", "import", "activities", source, "--quiet")
    assert _count(env) == ROWS
    okrs(env, "data", "import", "activities", source, "--quiet")  # and again: nothing added
    assert _count(env) == ROWS
