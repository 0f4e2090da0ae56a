"""`okrs bench generate|run|load`: fill a database, measure it against its floors, load-test it.

okrs bench generate --scale small|medium|large [--seed 1] [--force]
okrs bench run [--json] [--repeat 20] [--threads 4] [--parts pages,writes,imports,measures]
okrs bench load [--seconds 20] [--connections 16] [--workers 2] [--port 8765]
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.table import Table

from okrs.bench.generate import ADMIN, SCALES, NotEmpty, database_is_empty, generate
from okrs.bench.run import Report, machine_load, run


class Command(BaseCommand):
    help = "Benchmark okrs: generate an organization, measure pages/writes/imports/measures."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        gen = sub.add_parser("generate", help="Fill an empty database with an organization.")
        gen.add_argument("--scale", choices=list(SCALES), default="small")
        gen.add_argument("--seed", type=int, default=1)
        gen.add_argument(
            "--force", action="store_true", help="Empty a non-empty database first (flush)."
        )
        r = sub.add_parser("run", help="Measure this database against its floors.")
        r.add_argument("--json", action="store_true", help="Print the report as JSON.")
        r.add_argument("--save", type=Path, default=None, help="Also write the JSON report here.")
        r.add_argument("--repeat", type=int, default=20, help="Calls per page (p50/p95).")
        r.add_argument("--budget", type=float, default=15.0, help="Seconds at most per page.")
        r.add_argument("--threads", type=int, default=4, help="Concurrent check-in writers.")
        r.add_argument("--write-seconds", type=float, default=3.0)
        r.add_argument("--import-rows", type=int, default=None)
        r.add_argument("--parts", default="pages,writes,imports,measures")
        load = sub.add_parser("load", help="gunicorn (2 workers) under wrk on 127.0.0.1.")
        load.add_argument("--seconds", type=int, default=20)
        load.add_argument("--connections", type=int, default=16)
        load.add_argument("--workers", type=int, default=2)
        load.add_argument("--port", type=int, default=8765)
        load.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        console = Console(stderr=options.get("json", False), width=150)
        action = options["action"]
        if action == "generate":
            self._generate(options, console)
        elif action == "run":
            report = run(
                repeat=options["repeat"],
                budget=options["budget"],
                threads=options["threads"],
                write_seconds=options["write_seconds"],
                import_rows=options["import_rows"],
                parts=tuple(p.strip() for p in options["parts"].split(",") if p.strip()),
                say=lambda m: console.print(f"[dim]measuring {m}…[/dim]"),
            )
            if options["save"]:
                options["save"].write_text(json.dumps(report.as_dict(), indent=2))
            if options["json"]:
                self.stdout.write(json.dumps(report.as_dict(), indent=2))
            else:
                print_report(report, console)
        else:
            self._load(options, console)

    def _generate(self, options: dict[str, Any], console: Console) -> None:
        if not database_is_empty():
            if not options["force"]:
                raise CommandError(
                    "the database is not empty (it has people or teams); "
                    "use --force to empty it first, or point OKRS_DATABASE_URL elsewhere"
                )
            console.print("[yellow]emptying the database (--force)[/yellow]")
            call_command("flush", interactive=False, verbosity=0)
        started = time.perf_counter()
        try:
            written = generate(
                options["scale"],
                seed=options["seed"],
                say=lambda m: console.print(f"[dim]writing {m}…[/dim]"),
            )
        except NotEmpty as exc:
            raise CommandError(str(exc)) from exc
        elapsed = time.perf_counter() - started
        table = Table(title=f"okrs bench generate --scale {options['scale']} ({elapsed:.1f} s)")
        table.add_column("table")
        table.add_column("rows", justify="right")
        for name, n in written.items():
            table.add_row(name, f"{n:,}")
        console.print(table)
        console.print(f"site admin: {ADMIN} (password {ADMIN!r}, a benchmark database only)")

    def _load(self, options: dict[str, Any], console: Console) -> None:
        result = load_test(
            seconds=options["seconds"],
            connections=options["connections"],
            workers=options["workers"],
            port=options["port"],
        )
        if options["json"]:
            self.stdout.write(json.dumps(result, indent=2))
            return
        table = Table(title=f"okrs bench load: gunicorn {options['workers']} workers, wrk")
        for column in ("path", "requests/s", "p50 ms", "p95 ms", "errors", "timeouts", "requests"):
            table.add_column(column, justify="right" if column != "path" else "left")
        for row in result["runs"]:
            table.add_row(
                row["path"],
                f"{row['rps']:.0f}",
                f"{row['p50_ms']:.1f}",
                f"{row['p95_ms']:.1f}",
                str(row["errors"]),
                str(row["timeouts"]),
                str(row["requests"]),
            )
        console.print(table)
        console.print(result["load"])


WRK_SCRIPT = """
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  io.write(string.format("RESULT %d %d %.3f %.3f %.3f %d\\n", summary.requests, errors,
    summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    summary.errors.timeout))
end
"""


def _load_paths() -> list[str]:
    from okrs.goals.models import KeyResult, Objective, Period

    period = Period.objects.order_by("-start").first()
    if period is None:
        raise CommandError("no period: run `okrs bench generate` first")
    objective = (
        Objective.objects.filter(period=period, state="published", visibility="team",
                                 team__visibility="public", team__slug__startswith="team-")
        .order_by("team__slug", "order")
        .first()
    )  # fmt: skip
    if objective is None:
        raise CommandError("no public objective to read")
    kr = KeyResult.objects.filter(objective=objective).order_by("order").first()
    return [
        "/bench/trivial/",
        f"/api/v1/objectives/{objective.pk}",
        f"/api/v1/key-results/{kr.pk}" if kr else "/api/v1/teams",
        f"/api/v1/objectives?period={period.slug}",
        "/api/v1/teams",
    ]


def load_test(*, seconds: int, connections: int, workers: int, port: int) -> dict[str, Any]:
    """Serve with gunicorn (``okrs.bench.wsgi``, the site plus the trivial view) and drive each
    path with wrk for ``seconds``, anonymous; gunicorn is stopped afterwards."""
    wrk = shutil.which("wrk")
    if wrk is None:
        raise CommandError("wrk is not installed (Debian: apt-get install -y wrk)")
    gunicorn = Path(sys.executable).with_name("gunicorn")
    paths = _load_paths()
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="okrs.settings")
    server = subprocess.Popen(
        [str(gunicorn), "okrs.bench.wsgi:application", "--workers", str(workers),
         "--bind", f"127.0.0.1:{port}", "--log-level", "warning"],
        env=env,
    )  # fmt: skip
    runs = []
    before = machine_load()
    try:
        _wait_for(port)
        _warm_up(port, paths, workers)
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            script.write(WRK_SCRIPT)
        for path in paths:
            url = f"http://127.0.0.1:{port}{path}"
            out = subprocess.run(
                [wrk, "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "--timeout", "10s",
                 "-s", script.name, url],
                capture_output=True, text=True, check=True,
            ).stdout  # fmt: skip
            line = next(x for x in out.splitlines() if x.startswith("RESULT"))
            _, requests, errors, duration, p50, p95, timeouts = line.split()
            runs.append(
                {
                    "path": path,
                    "requests": int(requests),
                    "errors": int(errors),
                    "timeouts": int(timeouts),
                    "rps": int(requests) / float(duration),
                    "p50_ms": float(p50),
                    "p95_ms": float(p95),
                }
            )
        os.unlink(script.name)
    finally:
        server.terminate()
        server.wait(timeout=30)
    return {"runs": runs, "load": f"before: {before}; after: {machine_load()}"}


def _warm_up(port: int, paths: list[str], workers: int) -> None:
    """Each worker answers each path once before timing (the app is loaded lazily per worker)."""
    import urllib.request

    deadline = time.monotonic() + 120
    for path in paths * (workers * 2):
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=60) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise CommandError(f"{path} did not answer 200 within 120 s")
            time.sleep(0.5)


def _wait_for(port: int) -> None:
    import socket

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise CommandError(f"gunicorn did not listen on 127.0.0.1:{port} within 30 s")


def print_report(report: Report, console: Console) -> None:
    sizes = ", ".join(f"{k} {v:,}" for k, v in report.scale.items())
    console.print(f"[bold]okrs bench run[/bold] on {report.vendor}: {sizes}")
    console.print(report.load)
    floor = report.floor
    if floor is not None:
        table = Table(
            title=f"Pages and API reads (floor: trivial view p50 {floor.p50_ms} ms,"
            f" p95 {floor.p95_ms} ms; CPU p50 {floor.cpu_p50_ms} ms)"
        )
        columns = ("what", "who", "status", "queries", "p50 ms", "p95 ms", "× floor", "target",
                   "CPU p50 ms", "CPU p95 ms", "CPU × floor")  # fmt: skip
        for column in columns:
            table.add_column(column, justify="left" if column in ("what", "who") else "right")
        for t in report.pages:
            target = "" if t.target_ms is None else f"≤ {t.target_ms:.0f}"
            style = "" if t.ok else "red"
            table.add_row(
                t.name, t.who, str(t.status), str(t.queries), f"{t.p50_ms:.1f}",
                f"{t.p95_ms:.1f}", f"{t.ratio:.1f}", target, f"{t.cpu_p50_ms:.1f}",
                f"{t.cpu_p95_ms:.1f}", f"{t.cpu_ratio:.1f}", style=style,
            )  # fmt: skip
        console.print(table)
    rates = Table(title="Writes and imports (rows/s)")
    for column in ("what", "rows", "rows/s", "floor rows/s", "× floor", "threads", "errors"):
        rates.add_column(column, justify="left" if column == "what" else "right")
    for r in [*([report.writes] if report.writes else []), *report.imports]:
        bad = r.target_ratio is not None and r.ratio < r.target_ratio
        rates.add_row(
            r.name, f"{r.rows:,}", f"{r.per_second:,.0f}", f"{r.floor_per_second:,.0f}",
            f"{r.ratio:.2f}", str(r.threads), str(r.errors), style="red" if bad else "",
        )  # fmt: skip
    console.print(rates)
    measures = Table(title="Measure evaluation (floor: the same aggregate as one SQL query)")
    for column in ("kind", "KR", "value", "p50 ms", "floor ms", "× floor", "same value"):
        measures.add_column(column, justify="left" if column == "kind" else "right")
    for m in report.measures:
        measures.add_row(
            m.kind, str(m.key_result), str(m.value), f"{m.p50_ms:.1f}", f"{m.floor_p50_ms:.1f}",
            f"{m.ratio:.2f}", "yes" if m.same_value else "NO",
            style="red" if m.ratio > 1.5 or not m.same_value else "",
        )  # fmt: skip
    console.print(measures)
    if report.misses:
        console.print("[red]Missed targets:[/red]")
        for miss in report.misses:
            console.print(f"  - {miss}")
    else:
        console.print("[green]All targets met.[/green]")
