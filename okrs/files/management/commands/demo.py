"""`okrs demo`: load the Mozilla Reps Q1 2017 demo through the file importer (idempotent)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from okrs.files.demo_current import demo_login, load_current_quarter, login_help
from okrs.files.importer import import_path
from okrs.files.loader import FileProblems
from okrs.heartbeats.demo import load_demo_review
from okrs.measures.demo import load_demo_datasets

DEMO_FILE = Path(__file__).resolve().parents[2] / "demo" / "reps-2017-q1.yaml"


class Command(BaseCommand):
    help = (
        "Load the demo: Mozilla Reps' Q1 2017 OKRs (from their public blog post) with "
        "illustrative people, check-ins, heartbeats, work packets, the first heartbeat's "
        "review, and the datasets its four measured KRs are computed from. Running it again "
        "changes nothing."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            summary = import_path(DEMO_FILE, name=DEMO_FILE.name)
        except FileProblems as exc:
            raise CommandError(exc.report(), returncode=2) from exc
        self.stdout.write(summary.render())
        self.stdout.write(load_demo_datasets())
        review = load_demo_review()
        self.stdout.write(f"review of {review.heartbeat.name}: loaded")
        self.stdout.write(load_current_quarter())
        self.stdout.write(login_help(demo_login()))
