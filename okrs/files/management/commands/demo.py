"""`okrs demo`: load the Mozilla Reps Q1 2017 demo through the file importer (idempotent)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from okrs.files.importer import import_path
from okrs.files.loader import FileProblems

DEMO_FILE = Path(__file__).resolve().parents[2] / "demo" / "reps-2017-q1.yaml"


class Command(BaseCommand):
    help = (
        "Load the demo: Mozilla Reps' Q1 2017 OKRs (from their public blog post) with "
        "illustrative people, check-ins, heartbeats and work packets. Running it again "
        "changes nothing."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            summary = import_path(DEMO_FILE, name=DEMO_FILE.name)
        except FileProblems as exc:
            raise CommandError(exc.report(), returncode=2) from exc
        self.stdout.write(summary.render())
