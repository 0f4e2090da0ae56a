"""`okrs backup` of a database with the demo in it, `okrs restore` into an EMPTY database (no
tables), and every table compared: row counts and a hash of every row's content."""

from __future__ import annotations

import os
import subprocess
import uuid
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
OKRS = str(ROOT / ".venv/bin/okrs")

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


def _hashes(env: dict[str, str]) -> dict[str, list]:  # type: ignore[type-arg]
    import json

    return json.loads(_okrs(env, "shell", "-c", TABLE_HASHES).strip().splitlines()[-1])


def _env(tmp_path: Path, name: str, url: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "OKRS_DATABASE_URL"}
    env.update(OKRS_VAR_DIR=str(tmp_path / name), OKRS_SECRET_KEY="backup-test-" + "b" * 50)
    if url:
        env["OKRS_DATABASE_URL"] = url
    return env


def test_restore_into_an_empty_database_brings_back_every_table(tmp_path: Path) -> None:
    urls: tuple[str | None, str | None] = (None, None)
    created: list[str] = []
    if connection.vendor == "postgresql":
        import psycopg

        s = connection.settings_dict
        base = f"postgres://{s['USER']}@{s['HOST']}:{s['PORT'] or 5432}"
        names = [f"hardening_bk_{uuid.uuid4().hex[:8]}" for _ in range(2)]
        with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
            for name in names:
                admin.execute(f'CREATE DATABASE "{name}"')
                created.append(name)
        urls = (f"{base}/{names[0]}", f"{base}/{names[1]}")
    try:
        source = _env(tmp_path, "source", urls[0])
        target = _env(tmp_path, "target", urls[1])
        _okrs(source, "migrate", "--no-input")
        _okrs(source, "demo")
        before = _hashes(source)
        assert before["goals_checkin"][0] > 0 and before["goals_objective"][0] > 0
        dump = tmp_path / "okrs.backup"
        _okrs(source, "backup", str(dump))
        assert _hashes(target) == {}  # the target is empty: no tables at all
        _okrs(target, "restore", str(dump), "--yes")
        after = _hashes(target)
        assert after.keys() == before.keys()
        differing = [t for t in before if before[t] != after[t]]
        assert not differing, differing
    finally:
        if created:
            import psycopg

            with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
                for name in created:
                    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
