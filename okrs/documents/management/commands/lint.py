"""`okrs lint --period P [--team T]`: quality checks of a period's OKRs; `--silence` one."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from okrs.core.okrlint import CHECKS
from okrs.documents.selectors import lint_period
from okrs.documents.services import DocumentError, lint_silence_create
from okrs.goals.models import KeyResult, Objective, Period


class Command(BaseCommand):
    help = (
        "Check a period's OKRs: objectives without KRs or with more than five, KRs without a "
        "number or a deadline in the period, numbers in objectives, duplicates, activities, "
        "odd weights. Exit status 1 when there are findings."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--period", required=True, help="Period slug, e.g. 2017-Q1.")
        parser.add_argument("--team", help="Only this team (slug).")
        parser.add_argument("--all", action="store_true", help="Include silenced findings.")
        parser.add_argument(
            "--silence", metavar="CODE", choices=sorted(CHECKS), help="Silence this check..."
        )
        parser.add_argument("--objective", type=int, help="...for this objective id")
        parser.add_argument("--kr", type=int, help="...or for this key result id.")
        parser.add_argument("--reason", default="", help="Why the check does not apply.")

    def handle(self, *args: Any, **options: Any) -> None:
        period = Period.objects.filter(slug=options["period"]).first()
        if period is None:
            raise CommandError(f"unknown period {options['period']!r}", returncode=2)
        objectives = Objective.objects.filter(period=period)
        if options["team"]:
            objectives = objectives.filter(team__slug=options["team"])
        if options["silence"]:
            self._silence(objectives, options)
            return
        findings = lint_period(period, objectives, include_silenced=options["all"])
        for finding in findings:
            self.stdout.write(
                f"{finding.kind} {finding.key} {finding.label}: [{finding.code}] {finding.message}"
            )
        self.stdout.write(f"{len(findings)} finding(s) in {period.slug}")
        if findings:
            raise SystemExit(1)

    def _silence(self, objectives: Any, options: dict[str, Any]) -> None:
        objective = key_result = None
        if options["objective"] is not None:
            objective = objectives.filter(pk=options["objective"]).first()
            if objective is None:
                raise CommandError(f"no objective {options['objective']} here", returncode=2)
        if options["kr"] is not None:
            key_result = KeyResult.objects.filter(
                pk=options["kr"], objective__in=objectives
            ).first()
            if key_result is None:
                raise CommandError(f"no key result {options['kr']} here", returncode=2)
        try:
            lint_silence_create(
                code=options["silence"],
                objective=objective,
                key_result=key_result,
                reason=options["reason"],
            )
        except DocumentError as exc:
            raise CommandError(str(exc), returncode=2) from None
        self.stdout.write(f"silenced {options['silence']} on {objective or key_result}")
