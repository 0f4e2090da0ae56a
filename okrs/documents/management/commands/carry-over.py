"""`okrs carry-over --from P --to Q [--team T]`: unfinished OKRs into the next period."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from okrs.documents.carry import period_carry_over
from okrs.documents.services import DocumentError
from okrs.goals.models import Objective, Period


class Command(BaseCommand):
    help = (
        "Copy a period's unfinished objectives and key results into the next period as "
        "drafts: the last value becomes the baseline; stretch targets, measures and open "
        "work packets are kept."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="source", required=True, help="e.g. 2017-Q1")
        parser.add_argument("--to", dest="target", required=True, help="e.g. 2017-Q2")
        parser.add_argument("--team", help="Only this team (slug).")

    def handle(self, *args: Any, **options: Any) -> None:
        source = Period.objects.filter(slug=options["source"]).first()
        if source is None:
            raise CommandError(f"unknown period {options['source']!r}", returncode=2)
        objectives = Objective.objects.all()
        if options["team"]:
            objectives = objectives.filter(team__slug=options["team"])
            if not objectives.exists():
                raise CommandError(f"no objectives of team {options['team']!r}", returncode=2)
        try:
            result = period_carry_over(
                source=source, target_slug=options["target"], objectives=objectives
            )
        except (DocumentError, ValidationError) as exc:
            raise CommandError(str(exc), returncode=2) from None
        for note in result.skipped:
            self.stdout.write(f"skipped {note}")
        for objective in result.objectives:
            self.stdout.write(f"{objective.team.slug} {objective}")
        self.stdout.write(
            self.style.SUCCESS(
                f"carried {len(result.objectives)} objectives and {len(result.key_results)} "
                f"key results into {result.target.slug}; {result.packets} open packet(s) follow"
            )
        )
