"""`okrs import FILE`: import OKRs from a YAML or JSON file, all or nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from okrs.files.importer import import_path
from okrs.files.loader import FileProblems


class Command(BaseCommand):
    help = (
        "Import teams, people, periods, objectives, key results, check-ins, heartbeats and "
        "work packets from a YAML or JSON file (see docs/file-format.md). Everything is "
        "checked first; on any problem nothing is written and the exit code is 2."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The file to import (YAML or JSON).")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check the file and show what would change, without writing anything.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            summary = import_path(path, name=options["file"], dry_run=options["dry_run"])
        except FileProblems as exc:
            raise CommandError(exc.report(), returncode=2) from exc
        self.stdout.write(summary.render())
