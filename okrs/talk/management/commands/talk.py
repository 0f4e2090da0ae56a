"""`okrs talk mirror`: post the comments waiting in the outbox to their forum topics."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from okrs.talk.services import mirroring_enabled


class Command(BaseCommand):
    help = "Community discussion tasks. `mirror` posts new comments to their Discourse topics."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["mirror"])
        parser.add_argument("--limit", type=int, default=100, help="At most this many posts.")

    def handle(self, *args: Any, **options: Any) -> None:
        if not mirroring_enabled():
            raise CommandError(
                "Set OKRS_DISCOURSE_URL and OKRS_DISCOURSE_API_KEY to mirror comments to a forum."
            )
        from okrs.talk.forum import mirror_pending

        run = mirror_pending(limit=options["limit"])
        self.stdout.write(f"mirrored {run.sent} comment(s), {run.failed} failed (kept to retry)")
        if run.failed:
            raise CommandError(
                f"{run.failed} post(s) failed; they will be retried on the next run."
            )
