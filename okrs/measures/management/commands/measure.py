"""`okrs measure [--period P] [--history]`: recompute every computed key result."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.table import Table

from okrs.goals.models import Period
from okrs.measures.services import computed_key_results, measure_all, measure_history
from okrs.org.access import is_site_admin


class Command(BaseCommand):
    requires_system_checks: list[str] = []  # data work needs no URL or template checks

    help = "Recompute computed key results; a check-in is recorded only when the value changed."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--period", help="Only the key results of this period, e.g. 2017-Q1.")
        parser.add_argument(
            "--history",
            action="store_true",
            help="Also evaluate each week from the period start (for the KR charts).",
        )
        parser.add_argument(
            "--remeasure-by",
            metavar="USERNAME",
            help="Re-measure closed periods too, on purpose, as this site admin (recorded in"
            " each objective's history); without it a closed period stays frozen.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        period = None
        if options["period"]:
            period = Period.objects.filter(slug=options["period"]).first()
            if period is None:
                raise CommandError(f"unknown period {options['period']!r}", returncode=2)
        admin = None
        if options["remeasure_by"]:
            admin = get_user_model().objects.filter(username=options["remeasure_by"]).first()
            if admin is None or not is_site_admin(admin):
                raise CommandError(
                    f"{options['remeasure_by']!r} is not a site admin: only a site admin may"
                    " re-measure a closed period",
                    returncode=2,
                )
        if options["history"]:
            for kr in computed_key_results(period=period):
                measure_history(key_result=kr)
        outcomes = measure_all(period=period, remeasure_by=admin)
        table = Table(title="Computed key results")
        for column in ("Key result", "Kind", "Value", "n", "Check-in", "Problem"):
            table.add_column(column)
        for o in outcomes:
            kr = o.key_result
            table.add_row(
                f"{kr.objective.period.slug} {kr.code} {kr.title}"[:70],
                kr.measure_kind,
                "—" if o.result is None or o.result.value is None else f"{o.result.value:g}",
                "—" if o.result is None else str(o.result.sample),
                "frozen" if o.frozen else "new" if o.checkin else "unchanged",
                o.error,
            )
        Console(file=self.stdout, width=160).print(table)  # type: ignore[arg-type]
        if any(o.error for o in outcomes):
            raise CommandError("some measures could not be computed (see above)", returncode=1)
