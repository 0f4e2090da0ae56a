"""`okrs deliver-webhooks`: send the webhook deliveries that are due (run it on a schedule)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from okrs.hooks.sender import deliver_due


class Command(BaseCommand):
    help = "Send due webhook deliveries, retrying failed ones with exponential backoff."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--limit", type=int, default=500, help="At most this many attempts.")

    def handle(self, *args: Any, **options: Any) -> None:
        made = deliver_due(limit=options["limit"])
        self.stdout.write(f"{made} delivery attempt(s) made.")
