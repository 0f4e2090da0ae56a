"""`okrs import-doc FILE --team T --period P [--publish]`: a plain-text OKR post → OKRs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from okrs.documents.services import DocumentError, document_import


class Command(BaseCommand):
    help = (
        "Import the objectives and key results of a plain-text or Markdown OKR document "
        "into a team's period (both created when missing); all or nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The document (UTF-8 text or Markdown); - for stdin.")
        parser.add_argument("--team", required=True, help="Team slug, e.g. reps.")
        parser.add_argument("--period", required=True, help="Period name, e.g. 2017-Q1.")
        parser.add_argument(
            "--publish",
            action="store_true",
            help="Publish the objectives (default: drafts); in a team with a parent team they are"
            " proposed for review by the parent's leads instead.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        text = self._read(options["file"])
        try:
            result = document_import(
                text=text,
                team_slug=options["team"],
                period_slug=options["period"],
                publish=options["publish"],
            )
        except DocumentError as exc:
            raise CommandError(f"{options['file']}: {exc}", returncode=2) from None
        if result.created_team:
            self.stdout.write(f"created team {result.team.slug}")
        if result.created_period:
            period = result.period
            self.stdout.write(f"created period {period.slug} ({period.start} to {period.end})")
        for objective in result.objectives:
            self.stdout.write(f"{objective.code} [{objective.state}] {objective.title}")
            for kr in objective.key_results.select_related("document_source").order_by("order"):
                self.stdout.write(f"  {kr.code} {_describe(kr)}  {kr.title[:70]}")
                for doubt in kr.document_source.uncertain:
                    self.stdout.write(f"      review {doubt['field']}: {doubt['reason']}")
        if result.review_note:
            self.stdout.write(result.review_note)
        for line, text in result.unplaced:
            self.stdout.write(self.style.WARNING(f"not placed (line {line}): {text[:70]}"))
        self.stdout.write(
            self.style.SUCCESS(
                f"imported {len(result.objectives)} objectives and "
                f"{len(result.key_results)} key results into {result.team.slug} "
                f"{result.period.slug}"
            )
        )

    def _read(self, name: str) -> str:
        if name == "-":
            import sys

            return sys.stdin.read()
        path = Path(name)
        try:
            return path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"{name}: cannot read: {exc}", returncode=2) from None


def _describe(kr: Any) -> str:
    source = kr.document_source
    if kr.direction == "milestone":
        text = "milestone"
    elif kr.direction == "range":
        text = f"range {kr.target:g}..{kr.target_high:g}"
    else:
        sign = ">" if source.strict else {"at_least": "≥", "at_most": "≤"}.get(kr.direction, "→")
        text = f"{kr.direction} {sign} {kr.target:g}"
    if kr.unit:
        text += f" {kr.unit}"
    if kr.deadline:
        text += f" by {kr.deadline}"
    return f"[{text}]"
