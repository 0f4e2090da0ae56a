"""`okrs backup FILE`: a consistent copy of the database while the site keeps running.

SQLite: the online backup API (pages copied under a read lock; writers wait briefly).
PostgreSQL: `pg_dump --format=custom` (restore with `okrs restore FILE`).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection


def pg_env_and_args(settings_dict: dict[str, Any]) -> tuple[dict[str, str], list[str]]:
    env = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    args = []
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings_dict.get(key):
            args += [flag, str(settings_dict[key])]
    return env, args


def require_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise CommandError(f"{name} is not installed; it is needed for PostgreSQL", returncode=2)
    return path


class Command(BaseCommand):
    help = (
        "Back up the database to FILE while the site runs: SQLite through its online backup "
        "API, PostgreSQL through pg_dump (custom format)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="Where to write the backup.")
        parser.add_argument("--force", action="store_true", help="Overwrite FILE if it exists.")

    def handle(self, *args: Any, **options: Any) -> None:
        target: Path = options["file"]
        if target.exists() and not options["force"]:
            raise CommandError(f"{target} exists; pass --force to overwrite it", returncode=2)
        target.parent.mkdir(parents=True, exist_ok=True)
        if connection.vendor == "sqlite":
            self._sqlite(target)
        elif connection.vendor == "postgresql":
            self._postgres(target)
        else:
            raise CommandError(f"cannot back up a {connection.vendor} database", returncode=2)
        self.stdout.write(f"Backed up the database to {target} ({target.stat().st_size} bytes).")

    def _sqlite(self, target: Path) -> None:
        connection.ensure_connection()
        partial = target.with_name(target.name + ".partial")
        destination = sqlite3.connect(partial)
        try:
            connection.connection.backup(
                destination, pages=256, progress=lambda _s, left, total: self._progress(left, total)
            )
        finally:
            destination.close()
        partial.replace(target)

    def _progress(self, left: int, total: int) -> None:
        if total > 2048:
            self.stderr.write(f"\r{(total - left) * 100 // total}%", ending="")

    def _postgres(self, target: Path) -> None:
        env, args = pg_env_and_args(connection.settings_dict)
        command = [
            require_tool("pg_dump"),
            *args,
            "--format=custom",
            "--no-owner",
            f"--file={target}",
            str(connection.settings_dict["NAME"]),
        ]
        result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise CommandError(f"pg_dump failed: {result.stderr.strip()}", returncode=1)
