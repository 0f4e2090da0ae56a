"""`okrs backup` of a database with the demo in it, `okrs restore` into an EMPTY database (no
tables), and every table compared: row counts and a hash of every row's content."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

from django.db import connection

from tests.hardening.processes import TABLE_HASHES, okrs, shell


def _hashes(env: dict[str, str]) -> dict[str, list]:  # type: ignore[type-arg]
    return shell(env, TABLE_HASHES)  # type: ignore[return-value]


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
        okrs(source, "migrate", "--no-input")
        okrs(source, "demo")
        before = _hashes(source)
        assert before["goals_checkin"][0] > 0 and before["goals_objective"][0] > 0
        dump = tmp_path / "okrs.backup"
        okrs(source, "backup", str(dump))
        assert _hashes(target) == {}  # the target is empty: no tables at all
        okrs(target, "restore", str(dump), "--yes")
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
