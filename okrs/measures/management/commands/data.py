"""`okrs data import KIND FILE` and `okrs data demo`: the datasets behind computed KRs."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn

from okrs.measures.imports import KIND_ALIASES, KINDS
from okrs.measures.services import import_and_measure

WRITING = "read; writing to the database…"


class Command(BaseCommand):
    requires_system_checks: list[str] = []  # data work needs no URL or template checks

    help = "Import datasets (survey responses, activities, facts, events) or load the demo data."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="Import a CSV (header row) or JSON (list) file.")
        imp.add_argument("kind", choices=[*KINDS, *KIND_ALIASES])
        imp.add_argument("file", type=Path)
        imp.add_argument("--quiet", action="store_true", help="No progress bar.")
        sub.add_parser("demo", help="Load the demo datasets and measure the Reps 2017-Q1 KRs.")
        bench = sub.add_parser("bench", help="Write benchmark files (and the KRs that read them).")
        bench.add_argument("directory", type=Path)
        bench.add_argument("--rows", type=int, default=1_000_000)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "demo":
            from okrs.measures.demo import load_demo_datasets

            summary = load_demo_datasets()
            self.stdout.write(summary)
            return
        if options["action"] == "bench":
            from okrs.measures.bench import write_benchmark_files

            for path in write_benchmark_files(options["directory"], options["rows"]):
                self.stdout.write(f"wrote {path}")
            return
        self._import(options["kind"], options["file"], quiet=options["quiet"])

    def _import(self, kind: str, path: Path, *, quiet: bool) -> None:
        if not path.is_file():
            raise CommandError(f"{path}: no such file", returncode=2)
        size = os.path.getsize(path)
        console = Console(file=self.stderr)  # type: ignore[arg-type]
        with (
            path.open("rb") as stream,
            Progress(
                "[progress.description]{task.description}",
                BarColumn(),
                DownloadColumn(),
                TimeRemainingColumn(),
                console=console,
                disable=quiet,
            ) as bar,
        ):
            reading = f"{kind} from {path.name}"
            task = bar.add_task(reading, total=size)

            def progress(done: int) -> None:
                # the whole file read is not the end: the rows are then written and checked in
                # one go, and committed (seconds at a million rows); the bar says so meanwhile
                last = done >= size
                bar.update(
                    task, completed=done, description=f"{reading}: {WRITING}" if last else reading
                )

            report, outcomes = import_and_measure(
                kind=kind, stream=stream, filename=path.name, progress=progress
            )
        if not report.ok:
            for problem in report.problems:
                self.stderr.write(f"{path}: {problem}")
            more = " (stopped at the first 100 problems)" if report.truncated else ""
            raise CommandError(
                f"{path}: rejected, nothing imported: {len(report.problems)} problem(s){more}",
                returncode=2,
            )
        self.stdout.write(
            f"{path}: {report.rows} rows, {report.added} added, {report.skipped} already present."
        )
        if report.created_surveys:
            self.stdout.write(f"new surveys: {', '.join(report.created_surveys)}")
        for o in outcomes:
            value = "—" if o.result is None or o.result.value is None else f"{o.result.value:g}"
            state = "new check-in" if o.checkin else (o.error or "unchanged")
            self.stdout.write(f"measured {o.key_result}: {value} ({state})")
