"""`okrs restore FILE --yes`: replace the database's content with a backup made by `okrs backup`."""

from __future__ import annotations

import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from okrs.api.management.commands.backup import pg_env_and_args, require_tool


class Command(BaseCommand):
    help = (
        "Restore the database from FILE made by `okrs backup` (SQLite: online backup API; "
        "PostgreSQL: pg_restore --clean). Everything now in the database is replaced."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="A backup made by `okrs backup`.")
        parser.add_argument(
            "--yes", action="store_true", help="Confirm that the current data is to be replaced."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        source: Path = options["file"]
        if not source.is_file():
            raise CommandError(f"no backup file {source}", returncode=2)
        if not options["yes"]:
            raise CommandError("this replaces all current data; pass --yes to go on", returncode=2)
        if connection.vendor == "sqlite":
            self._sqlite(source)
        elif connection.vendor == "postgresql":
            self._postgres(source)
        else:
            raise CommandError(f"cannot restore a {connection.vendor} database", returncode=2)
        self.stdout.write(f"Restored the database from {source}.")

    def _sqlite(self, source: Path) -> None:
        with source.open("rb") as handle:
            if handle.read(16) != b"SQLite format 3\x00":
                raise CommandError(f"{source} is not an SQLite backup", returncode=2)
        connection.ensure_connection()
        backup = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            backup.backup(connection.connection)
        finally:
            backup.close()

    def _postgres(self, source: Path) -> None:
        env, args = pg_env_and_args(connection.settings_dict)
        command = [
            require_tool("pg_restore"),
            *args,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            f"--dbname={connection.settings_dict['NAME']}",
            str(source),
        ]
        connection.close()
        result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise CommandError(f"pg_restore failed: {result.stderr.strip()}", returncode=1)
