"""`okrs remind`: run on a schedule (e.g. daily); reminds owners and sends weekly digests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from okrs.reminders.services import remind_owners, send_digests


def _moment(raw: str) -> dt.datetime:
    value = dt.datetime.fromisoformat(raw)
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


class Command(BaseCommand):
    help = (
        "Email owners whose key-result check-in is due per its cadence (flagging a KR after three "
        "ignored reminders instead of reminding again) and a weekly digest to each team lead."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--now", type=_moment, help="Act as if it were this time (ISO 8601).")
        parser.add_argument("--dry-run", action="store_true", help="Say what would be sent.")
        parser.add_argument("--no-digests", action="store_true", help="Only owner reminders.")

    def handle(self, *args: Any, **options: Any) -> None:
        now = options["now"] or timezone.now()
        dry = options["dry_run"]
        owners = remind_owners(now=now, dry_run=dry)
        digests = send_digests(now=now, dry_run=dry) if not options["no_digests"] else None
        verb = "would send" if dry else "sent"
        self.stdout.write(
            f"Reminders {verb}: {len(owners.reminded)} ({', '.join(owners.reminded)})"
        )
        for line in owners.flagged:
            self.stdout.write(f"Flagged after three ignored reminders: {line}")
        if digests is not None:
            self.stdout.write(f"Digests {verb}: {len(digests.digests)}")
            for line in digests.digests:
                self.stdout.write(f"  {line}")
