"""`okrs score --period 2017-Q1`: the period's objectives and KRs with their scores."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.table import Table

from okrs.goals.access import visible_objectives
from okrs.goals.models import Objective, Period, TeamRollup
from okrs.goals.serializers import period_score


class Command(BaseCommand):
    help = "Print a period's objectives and key results: value, progress, grade, pace, status."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--period", required=True, help="Period slug, e.g. 2017-Q1.")
        parser.add_argument("--on", type=dt.date.fromisoformat, help="Score as of this day.")
        parser.add_argument("--format", choices=["table", "json"], default="table")
        parser.add_argument(
            "--all", action="store_true", help="Include private and draft objectives."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        period = Period.objects.filter(slug=options["period"]).first()
        if period is None:
            known = ", ".join(Period.objects.values_list("slug", flat=True)) or "none"
            raise CommandError(
                f"unknown period {options['period']!r} (known: {known})", returncode=2
            )
        reader = None if options["all"] else AnonymousUser()
        objectives = Objective.objects.all() if reader is None else visible_objectives(reader)
        parts = (
            TeamRollup.objects.all() if reader is None else TeamRollup.objects.visible_to(reader)
        )
        data = {
            **period_score(period, objectives, parts=parts, on=options["on"]),
            "next_cursor": None,
        }
        if options["format"] == "json":
            self.stdout.write(json.dumps(data, indent=2))
        else:
            self._print_table(data)

    def _print_table(self, data: dict[str, Any]) -> None:
        table = Table(title=f"OKRs {data['period']} as of {data['on']}", expand=False)
        for column in (
            "Team",
            "Objective / key result",
            "Value",
            "Progress",
            "Grade",
            "Expected",
            "Status",
        ):
            table.add_column(
                column,
                justify="right" if column in {"Value", "Progress", "Grade", "Expected"} else "left",
            )
        for team in data["items"]:
            for objective in team["objectives"]:
                table.add_row(
                    team["name"],
                    f"[bold]{objective['code']} {objective['title']}",
                    "",
                    _pct(objective["progress"]),
                    _num(objective["grade"]),
                    _pct(objective["expected"]),
                    objective["status"],
                )
                for kr in objective["key_results"]:
                    table.add_row(
                        "",
                        f"  {kr['code']} {kr['title']}",
                        _value(kr["value"], kr["unit"]),
                        _pct(kr["progress"]),
                        _num(kr["grade"]),
                        _pct(kr["expected"]),
                        kr["status"],
                    )
        Console(file=self.stdout, width=160).print(table)  # type: ignore[arg-type]


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


def _num(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def _value(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    return f"{value:g}{unit}" if unit == "%" else f"{value:g} {unit}".strip()
