"""`okrs scores verify [--repair]`: recompute every kept score from the history and say whether
the kept scores agree (exit status 1 when they do not, unless repaired)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from okrs.goals import scores

SHOWN = 50
"""Disagreements listed at most; the count covers them all."""


class Command(BaseCommand):
    requires_system_checks: list[str] = []
    help = "Check the scores kept on write against a recomputation from the history."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify"])
        parser.add_argument(
            "--repair", action="store_true", help="Write the recomputed scores where they differ."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        repair = options["repair"]
        with transaction.atomic():
            found = scores.verify(repair=repair)
        if not found:
            self.stdout.write("The kept scores agree with the history.")
            return
        for d in found[:SHOWN]:
            self.stdout.write(
                f"{d.kind} {d.pk}: {d.field} kept {d.kept!r}, recomputed {d.recomputed!r}"
            )
        if len(found) > SHOWN:
            self.stdout.write(f"… and {len(found) - SHOWN} more.")
        if repair:
            self.stdout.write(f"Repaired {len(found)} kept values.")
            return
        self.stdout.write(f"{len(found)} kept values disagree: run `okrs scores verify --repair`.")
        raise SystemExit(1)
