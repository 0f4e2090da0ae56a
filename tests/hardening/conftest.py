"""Fixtures of the hardening tests."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection

from tests.hardening.processes import okrs


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
        okrs(env, "migrate", "--no-input")
        yield env
    finally:
        if created:
            import psycopg

            with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{created}" WITH (FORCE)')
