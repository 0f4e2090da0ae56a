"""`okrs publish --period P --format markdown|discourse|html`: the quarter as a post."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from okrs.documents.publish import FORMATS, build_post, render
from okrs.goals.models import Period
from okrs.org.models import Team


class Command(BaseCommand):
    help = (
        "Write a period's public objectives and key results as a community post: grades and "
        "status once the period has started, the heartbeat plan, the tracker link and the "
        "closing questions. Private and draft objectives never appear."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--period", required=True, help="Period slug, e.g. 2017-Q1.")
        parser.add_argument("--format", choices=FORMATS, default="markdown")
        parser.add_argument("--team", help="Only this team (slug).")
        parser.add_argument("--on", type=dt.date.fromisoformat, help="Grades as of this day.")
        parser.add_argument("--output", "-o", help="Write to this file instead of stdout.")
        parser.add_argument(
            "--chat",
            action="store_true",
            help="Also post it to the chat channels that chose the published post.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        period = Period.objects.filter(slug=options["period"]).first()
        if period is None:
            raise CommandError(f"unknown period {options['period']!r}", returncode=2)
        team = None
        if options["team"]:
            team = Team.objects.filter(slug=options["team"]).first()
            if team is None:
                raise CommandError(f"unknown team {options['team']!r}", returncode=2)
        text = render(build_post(period, team=team, on=options["on"]), options["format"])
        if options["output"]:
            with open(options["output"], "w", encoding="utf-8") as handle:
                handle.write(text)
        else:
            self.stdout.write(text, ending="")
        if options["chat"]:
            from okrs.chat.digest import send_post

            queued = send_post(period, team, options["on"])
            self.stderr.write(f"queued for {queued} chat channel(s)")
