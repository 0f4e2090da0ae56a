"""`okrs heartbeats split --team SLUG --period SLUG --weeks 2|3 [--start DATE]` and
`okrs heartbeats add --team SLUG --period SLUG --name Q1HB1 --start DATE --end DATE`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from okrs.goals.models import Period
from okrs.heartbeats import services
from okrs.org.models import Team


def _day(raw: str) -> dt.date:
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise CommandError(f"{raw!r}: expected a date such as 2017-01-22") from None


class Command(BaseCommand):
    help = "Set a team's heartbeat calendar: split a period, or add one heartbeat by hand."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        split = sub.add_parser("split", help="consecutive heartbeats of 2 or 3 weeks")
        add = sub.add_parser("add", help="one heartbeat with dates set by hand")
        for p in (split, add):
            p.add_argument("--team", required=True)
            p.add_argument("--period", required=True)
        split.add_argument("--weeks", type=int, required=True, choices=[2, 3])
        split.add_argument("--start", type=_day, help="first day (default: the period's)")
        add.add_argument("--name", required=True)
        add.add_argument("--start", type=_day, required=True)
        add.add_argument("--end", type=_day, required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        team = Team.objects.filter(slug=options["team"]).first()
        period = Period.objects.filter(slug=options["period"]).first()
        if team is None:
            raise CommandError(f"--team {options['team']}: no such team")
        if period is None:
            raise CommandError(f"--period {options['period']}: no such period")
        try:
            if options["action"] == "split":
                beats = services.heartbeats_split(
                    team=team, period=period, weeks=options["weeks"], start=options["start"]
                )
            else:
                beats = [
                    services.heartbeat_create(
                        team=team,
                        period=period,
                        name=options["name"],
                        start=options["start"],
                        end=options["end"],
                    )
                ]
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        for beat in beats:
            self.stdout.write(f"{team.slug} {beat.name}: {beat.start} to {beat.end}")
