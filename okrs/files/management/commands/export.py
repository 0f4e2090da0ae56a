"""`okrs export --period 2017-Q1`: a period's OKRs as a file that `okrs import` reads back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from okrs.files.exporter import FORMATS, ExportError, export_period, render


class Command(BaseCommand):
    help = (
        "Export a period's objectives, key results, check-ins, alignment, heartbeats and work "
        "packets, with the teams, people, cohorts and periods they name, as YAML or JSON. "
        "By default only what an anonymous reader may see; --all for everything (backups)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--period", required=True, help="The period's slug, e.g. 2017-Q1.")
        parser.add_argument(
            "--format",
            choices=FORMATS,
            help="yaml or json (default: from the --output suffix, else yaml).",
        )
        parser.add_argument("--output", help="Write to this file instead of standard output.")
        parser.add_argument(
            "--all",
            action="store_true",
            dest="everything",
            help="Include private and unpublished objectives and people's emails (admin backups).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        output = options["output"]
        fmt = options["format"] or ("json" if output and output.endswith(".json") else "yaml")
        try:
            data = export_period(options["period"], everything=options["everything"])
        except ExportError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        text = render(data, fmt, header=_header(options["period"], options["everything"]))
        if output:
            Path(output).write_text(text, encoding="utf-8")
        else:
            self.stdout.write(text, ending="")


def _header(period: str, everything: bool) -> str:
    view = "everything (--all)" if everything else "what an anonymous reader may see"
    return f"okrs export of period {period}: {view}.\nRead back with: okrs import FILE"
