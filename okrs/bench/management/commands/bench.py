"""`okrs bench generate|run|load`: fill a database, measure it against its floors, load-test it.

okrs bench generate --scale small|medium|large|xlarge [--seed 1] [--force]
okrs bench run [--json] [--repeat 20] [--threads 4] [--parts pages,writes,imports,measures]
okrs bench load [--seconds 20] [--connections 16] [--workers 2] [--worker-class sync]
                [--threads 1] [--who anonymous|token] [--score] [--port 8765]
"""

from __future__ import annotations

import json
import os
import platform
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
        load.add_argument(
            "--worker-class", default="sync", help="gunicorn's --worker-class (sync, gthread)."
        )
        load.add_argument("--threads", type=int, default=1, help="gunicorn's --threads.")
        load.add_argument(
            "--who",
            choices=("anonymous", "token"),
            default="anonymous",
            help="Read anonymously, or with an access token of the site admin (made for the run,"
            " removed after; the server's rate limit is raised so that none is refused).",
        )
        load.add_argument(
            "--score", action="store_true", help="Also drive the period score (the whole period)."
        )
        load.add_argument(
            "--rounds",
            type=int,
            default=1,
            help="Drive every path this many times, in turn (a slow spell of a shared machine"
            " then weighs on every path alike); each path reports its median round.",
        )
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
            worker_class=options["worker_class"],
            threads=options["threads"],
            who=options["who"],
            score=options["score"],
            rounds=options["rounds"],
        )
        if options["json"]:
            self.stdout.write(json.dumps(result, indent=2))
            return
        table = Table(
            title=f"okrs bench load: {result['server']}; wrk, {result['who']}; {result['python']}"
        )
        columns = ("path", "requests/s", "rounds (requests/s)", "p50 ms", "p95 ms", "errors",
                   "timeouts", "requests", "server CPU ms/req", "wrk CPU ms/req")  # fmt: skip
        for column in columns:
            table.add_column(column, justify="right" if column != "path" else "left")
        for row in result["runs"]:
            table.add_row(
                row["path"],
                f"{row['rps']:.0f}",
                ", ".join(f"{rps:.0f}" for rps in row["rounds_rps"]),
                f"{row['p50_ms']:.1f}",
                f"{row['p95_ms']:.1f}",
                str(row["errors"]),
                str(row["timeouts"]),
                str(row["requests"]),
                f"{row['server_cpu_ms']:.2f}",
                f"{row['wrk_cpu_ms']:.2f}",
            )
        console.print(table)
        summary = result["api"]
        verdict = "[green]met[/green]" if summary["met"] else "[red]missed[/red]"
        console.print(
            f"API reads: lowest {summary['min_rps']:.0f} requests/s ({summary['slowest']}),"
            f" {summary['errors']} errors; target ≥ {TARGET_API_RPS} requests/s and 0 errors:"
            f" {verdict}"
        )
        console.print(result["load"])


TARGET_API_RPS = 500

WRK_SCRIPT = """
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  io.write(string.format("RESULT %d %d %.3f %.3f %.3f %d\\n", summary.requests, errors,
    summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    summary.errors.timeout))
end
"""


def _load_paths(*, score: bool = False) -> list[str]:
    """The trivial view, then the first URL of each API read of `okrs bench run`
    (`okrs.bench.run._targets`); the period score (the whole period) only if asked."""
    from okrs.bench.run import _targets

    try:
        targets = _targets()
    except ValueError as exc:
        raise CommandError(str(exc)) from exc
    paths = ["/bench/trivial/"]
    for name, urls in targets.items():
        if name.startswith("API") and urls and (score or name != "API period score"):
            paths.append(urls[0])
    return paths


def _bench_token() -> tuple[Any, str]:
    from django.contrib.auth import get_user_model

    from okrs.api.services import token_create

    admin = get_user_model().objects.filter(username=ADMIN).first()
    if admin is None:
        raise CommandError(f"no site admin ({ADMIN}): run `okrs bench generate` first")
    return token_create(person=admin, name="okrs bench load")


def load_test(
    *,
    seconds: int,
    connections: int,
    workers: int,
    port: int,
    worker_class: str = "sync",
    threads: int = 1,
    who: str = "anonymous",
    score: bool = False,
    rounds: int = 1,
) -> dict[str, Any]:
    """Serve with gunicorn (``okrs.bench.wsgi``, the site plus the trivial view) and drive each
    path with wrk for ``seconds``, anonymously or with a token, ``rounds`` times in turn (each
    path reporting its median round); gunicorn is stopped and the token removed afterwards."""
    wrk = shutil.which("wrk")
    if wrk is None:
        raise CommandError("wrk is not installed (Debian: apt-get install -y wrk)")
    gunicorn = Path(sys.executable).with_name("gunicorn")
    paths = _load_paths(score=score)
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="okrs.settings")
    headers: dict[str, str] = {}
    token = None
    if who == "token":
        token, raw = _bench_token()
        headers["Authorization"] = f"Bearer {raw}"
        # every request still counts against the limit (its cost is measured), none is refused
        env["OKRS_API_RATE_LIMIT"] = str(10**9)
    command = [str(gunicorn), "okrs.bench.wsgi:application", "--workers", str(workers),
               "--worker-class", worker_class, "--threads", str(threads),
               "--bind", f"127.0.0.1:{port}", "--log-level", "warning",
               "--no-control-socket"]  # fmt: skip
    server = subprocess.Popen(command, env=env)
    runs = []
    before = machine_load()
    try:
        _wait_for(port)
        _warm_up(port, paths, workers * max(1, threads), headers)
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            script.write(WRK_SCRIPT)
        header_args = [arg for k, v in headers.items() for arg in ("-H", f"{k}: {v}")]
        for path in [path for _ in range(max(1, rounds)) for path in paths]:
            url = f"http://127.0.0.1:{port}{path}"
            server_cpu, client_cpu = _server_cpu(server.pid), _children_cpu()
            out = subprocess.run(
                [wrk, "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "--timeout", "10s",
                 *header_args, "-s", script.name, url],
                capture_output=True, text=True, check=True,
            ).stdout  # fmt: skip
            server_cpu = _server_cpu(server.pid) - server_cpu
            client_cpu = _children_cpu() - client_cpu
            line = next(x for x in out.splitlines() if x.startswith("RESULT"))
            _, requests, errors, duration, p50, p95, timeouts = line.split()
            n = max(1, int(requests))
            runs.append(
                {
                    "path": path,
                    "requests": int(requests),
                    "errors": int(errors),
                    "timeouts": int(timeouts),
                    "rps": int(requests) / float(duration),
                    "p50_ms": float(p50),
                    "p95_ms": float(p95),
                    # CPU time per request of gunicorn (master and workers) and of wrk: what a
                    # request costs, whatever else the machine is doing
                    "server_cpu_ms": round(1000 * server_cpu / n, 3),
                    "wrk_cpu_ms": round(1000 * client_cpu / n, 3),
                }
            )
        os.unlink(script.name)
        runs = _median_rounds(runs)
    finally:
        server.terminate()
        server.wait(timeout=30)
        if token is not None:
            token.delete()
    api = [r for r in runs if r["path"].startswith("/api/") and "/score" not in r["path"]]
    slowest = min(api, key=lambda r: r["rps"]) if api else None
    errors = sum(r["errors"] for r in runs)
    min_rps = slowest["rps"] if slowest else 0.0
    summary = {
        "min_rps": min_rps,
        "slowest": slowest["path"] if slowest else None,
        "errors": errors,
        "met": slowest is not None and min_rps >= TARGET_API_RPS and errors == 0,
    }
    server_text = f"gunicorn {workers} workers ({worker_class}" + (
        f", {threads} threads)" if worker_class == "gthread" else ")"
    )
    return {
        "runs": runs,
        "api": summary,
        "server": server_text,
        "python": python_build(),
        "who": who,
        "load": f"before: {before}; after: {machine_load()}",
    }


def _median_rounds(runs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each path's median round (by requests/s; the lower middle of an even count), in the
    order first driven, with every round's requests/s in `rounds_rps`."""
    by_path: dict[str, list[dict[str, Any]]] = {}
    for one in runs:
        by_path.setdefault(one["path"], []).append(one)
    median = []
    for rounds in by_path.values():
        middle = sorted(rounds, key=lambda r: r["rps"])[(len(rounds) - 1) // 2]
        median.append({**middle, "rounds_rps": [r["rps"] for r in rounds]})
    return median


def python_build() -> str:
    """The interpreter serving: the same code spends a fifth to a third less CPU a request on
    Debian's python3.11 than on a default pyenv build of 3.11 (docs/performance.md)."""
    return f"Python {platform.python_version()} ({sys.executable}, {platform.python_compiler()})"


def _server_cpu(master: int) -> float:
    """CPU seconds (user and system) used so far by gunicorn's master and its workers (Linux
    /proc; 0 elsewhere)."""
    ticks = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    total = 0
    for entry in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = entry.read_text()
        except OSError:  # the process ended
            continue
        fields = text[text.rindex(")") + 2 :].split()
        pid, ppid = int(entry.parent.name), int(fields[1])
        if pid == master or ppid == master:
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def _children_cpu() -> float:
    """CPU seconds of this process's finished children (each wrk run)."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _warm_up(port: int, paths: list[str], workers: int, headers: dict[str, str]) -> None:
    """Each worker answers each path once before timing (the app is loaded lazily per worker)."""
    import urllib.request

    deadline = time.monotonic() + 120
    for path in paths * (workers * 2):
        request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers)
        while True:
            try:
                with urllib.request.urlopen(request, timeout=60) as r:
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
        columns = ("what", "who", "status", "queries", "KB", "p50 ms", "p95 ms", "× floor",
                   "target", "CPU p50 ms", "CPU p95 ms", "CPU × floor")  # fmt: skip
        for column in columns:
            table.add_column(column, justify="left" if column in ("what", "who") else "right")
        for t in report.pages:
            target = "" if t.target_ms is None else f"≤ {t.target_ms:.0f}"
            if t.target_kb is not None:
                target += f", ≤ {t.target_kb:.0f} KB"
            style = "" if t.ok else "red"
            table.add_row(
                t.name, t.who, str(t.status), str(t.queries), f"{t.kb:.0f}", f"{t.p50_ms:.1f}",
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
