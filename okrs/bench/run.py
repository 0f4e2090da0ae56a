"""`okrs bench run`: measure the database it is pointed at, each figure against its floor.

- pages and API reads through the full Django stack (``django.test.Client``: every middleware,
  sessions, CSRF, templates), as the site admin (everything visible) and anonymous: p50/p95 of
  the time of the call and the queries it ran; floor: a view that does nothing, same stack;
- check-ins written per second by concurrent writers (threads, each with its own connection),
  through ``goals.services.checkin_create``; floor: the same rows as bare ``INSERT``s, one
  transaction each, by the same number of threads;
- import rows/s for activities and survey responses through ``measures.imports.import_dataset``
  (CSV, validated, idempotent); floor: the database's own bulk load of the same number of rows
  (SQLite: ``executemany`` in one transaction; PostgreSQL: ``COPY``);
- evaluation of each computed measure kind (``measures.evaluate.evaluate``) over the full data;
  floor: the same aggregate as one hand-written SQL query (and both must give the same value).

Everything written is removed again, so runs can be repeated on the same database.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import random
import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection, connections, transaction
from django.db.models import Max
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from okrs.bench.generate import ADMIN, UNTIL, activity_rows, bulk_load, response_rows
from okrs.core.measures import parse_measure
from okrs.goals import scores
from okrs.goals.models import CheckIn, KeyResult, Objective, Period
from okrs.goals.services import checkin_create
from okrs.heartbeats.models import Heartbeat
from okrs.measures.evaluate import evaluate
from okrs.measures.imports import import_dataset
from okrs.measures.models import Activity, Survey, SurveyResponse
from okrs.org.models import Cohort, Team

TARGET_PAGE_P95_MS = 150.0
TARGET_MAP_P95_MS = 300.0  # issue #20: the map's default view at xlarge, and at most 1 MB
TARGET_MAP_KB = 1024.0
TARGET_MEASURE_RATIO = 1.5
TARGET_IMPORT_RATIO = 0.5
#: issue #18: check-ins at least this share of the bare-INSERT floor, by database vendor
TARGET_WRITE_RATIO = {"postgresql": 0.15, "sqlite": 0.1}


@dataclass
class Timing:
    name: str
    kind: str  # page | api | floor
    who: str  # admin | anonymous
    url: str
    status: int
    queries: int
    p50_ms: float
    p95_ms: float
    samples: int
    cpu_p50_ms: float = 0.0  # CPU time of this process (Python; on SQLite also the queries)
    cpu_p95_ms: float = 0.0
    ratio: float = 0.0  # p50 / floor p50
    cpu_ratio: float = 0.0  # CPU p50 / floor CPU p50
    target_ms: float | None = None
    kb: float = 0.0  # the first URL's body, KB as sent before compression
    target_kb: float | None = None

    @property
    def ok(self) -> bool:
        fast = self.target_ms is None or self.p95_ms <= self.target_ms
        return fast and (self.target_kb is None or self.kb <= self.target_kb)


@dataclass
class Rate:
    name: str
    rows: int
    seconds: float
    per_second: float
    floor_per_second: float
    ratio: float
    threads: int = 1
    errors: int = 0
    target_ratio: float | None = None


@dataclass
class MeasureTiming:
    kind: str
    key_result: int
    value: float | None
    floor_value: float | None
    p50_ms: float
    floor_p50_ms: float
    ratio: float
    same_value: bool


@dataclass
class Report:
    vendor: str
    scale: dict[str, int]
    load: str
    floor: Timing | None = None
    pages: list[Timing] = field(default_factory=list)
    writes: Rate | None = None
    imports: list[Rate] = field(default_factory=list)
    measures: list[MeasureTiming] = field(default_factory=list)
    misses: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    k = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[k]


def machine_load() -> str:
    try:
        one, five, fifteen = os.getloadavg()
    except OSError:  # pragma: no cover
        return "unknown"
    return f"load average {one:.2f}, {five:.2f}, {fifteen:.2f} on {os.cpu_count()} CPUs"


def table_sizes() -> dict[str, int]:
    from okrs.heartbeats.models import WorkPacket
    from okrs.measures.models import Activity as A

    User = get_user_model()
    return {
        "teams": Team.objects.count(),
        "people": User.objects.count(),
        "objectives": Objective.objects.count(),
        "key_results": KeyResult.objects.count(),
        "checkins": CheckIn.objects.count(),
        "packets": WorkPacket.objects.count(),
        "activities": A.objects.count(),
        "responses": SurveyResponse.objects.count(),
    }


# --- pages -----------------------------------------------------------------------------------


def _targets() -> dict[str, list[str]]:
    """URLs of each page kind and API read, a few instances each, the same shape at any scale."""
    period = Period.objects.order_by("-start").first()
    if period is None:
        raise ValueError("no period: run `okrs bench generate` first")
    teams = list(
        Team.objects.filter(slug__startswith="team-", visibility="public").order_by("slug")[:5]
    )
    if not teams:
        teams = list(Team.objects.filter(visibility="public").order_by("-pk")[:5])
    objectives = list(
        Objective.objects.filter(
            period=period, team__in=teams, state="published", visibility="team"
        ).order_by("team__slug", "order")[:5]
    )
    krs = list(
        KeyResult.objects.filter(objective__in=objectives, measure_kind="manual").order_by(
            "objective__team__slug", "objective__order", "order"
        )[:5]
    )
    on = min(period.end, UNTIL)
    beats = list(
        Heartbeat.objects.filter(team__in=teams, start__lte=on, end__gte=on)
        .select_related("team")
        .order_by("team__slug")
    )
    p = period.slug
    return {
        "period overview": [f"/?period={p}"],
        "team": [f"/teams/{t.slug}/?period={p}" for t in teams],
        "objective": [f"/objectives/{o.pk}/" for o in objectives],
        "key result": [f"/key-results/{k.pk}/" for k in krs],
        "alignment map": [f"/map/?period={p}"],
        "heartbeat board": [f"/teams/{b.team.slug}/heartbeats/{b.pk}/" for b in beats],
        "heartbeat review": [f"/teams/{b.team.slug}/heartbeats/{b.pk}/review/" for b in beats],
        "period review": [f"/periods/{p}/review/"],
        "API objectives": [f"/api/v1/objectives?period={p}"],
        "API objective": [f"/api/v1/objectives/{o.pk}" for o in objectives],
        "API key result": [f"/api/v1/key-results/{k.pk}" for k in krs],
        "API check-ins": [f"/api/v1/key-results/{k.pk}/checkins" for k in krs],
        "API period score": [f"/api/v1/periods/{p}/score"],
        "API teams": ["/api/v1/teams"],
        "API packets": [f"/api/v1/packets?team={t.slug}" for t in teams],
    }


def _time_url(
    client: Client,
    name: str,
    kind: str,
    who: str,
    urls: list[str],
    repeat: int,
    budget: float,
    before: Callable[[], None] | None = None,
) -> Timing:
    """The timings of `urls` read in turn; `before` (not timed) runs before each read: a
    check-in in the page's period, to measure a page right after one."""
    # one warm-up call per URL, counting its queries (the first URL's count is reported)
    counts = []
    sizes = []
    status = 0
    for url in urls:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        counts.append(len(ctx.captured_queries))
        sizes.append(len(response.content))
        status = max(status, response.status_code)
    samples: list[float] = []
    cpu: list[float] = []
    started = time.perf_counter()
    for i in range(max(repeat, len(urls), 3)):
        url = urls[i % len(urls)]
        if before is not None:
            before()
        c0, t0 = time.thread_time(), time.perf_counter()
        client.get(url)
        samples.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.thread_time() - c0) * 1000)
        if time.perf_counter() - started > budget and len(samples) >= 3:
            break
    return Timing(
        name=name,
        kind=kind,
        who=who,
        url=urls[0],
        status=status,
        queries=counts[0],
        p50_ms=round(statistics.median(samples), 2),
        p95_ms=round(_pct(samples, 0.95), 2),
        samples=len(samples),
        cpu_p50_ms=round(statistics.median(cpu), 2),
        cpu_p95_ms=round(_pct(cpu, 0.95), 2),
        kb=round(sizes[0] / 1024, 1),
    )


def ensure_static() -> None:
    """Pages render with the production static storage: collect the files once if needed."""
    from django.contrib.staticfiles.storage import staticfiles_storage
    from django.core.management import call_command

    manifest = getattr(staticfiles_storage, "manifest_name", None)
    if manifest and not staticfiles_storage.exists(manifest):
        call_command("collectstatic", interactive=False, verbosity=0)


def measure_pages(report: Report, *, repeat: int, budget: float) -> None:
    ensure_static()
    User = get_user_model()
    admin = (
        User.objects.filter(username=ADMIN).first()
        or User.objects.filter(is_superuser=True).first()
    )
    if admin is None:
        raise ValueError(f"no site admin ({ADMIN}): run `okrs bench generate` first")
    targets = _targets()
    with override_settings(ROOT_URLCONF="okrs.bench.urls", ALLOWED_HOSTS=["*"]):
        clients = {"admin": Client(), "anonymous": Client()}
        clients["admin"].force_login(admin)
        floor = _time_url(
            clients["anonymous"], "trivial view", "floor", "anonymous", ["/bench/trivial/"],
            repeat * 2, budget,
        )  # fmt: skip
        report.floor = floor
        checkin = _checkin_in_latest_period()
        for who, client in clients.items():
            for name, urls in targets.items():
                if not urls:
                    continue
                kind = "api" if name.startswith("API") else "page"
                t = _time_url(client, name, kind, who, urls, repeat, budget)
                t.ratio = round(t.p50_ms / floor.p50_ms, 1) if floor.p50_ms else 0.0
                t.cpu_ratio = round(t.cpu_p50_ms / floor.cpu_p50_ms, 1) if floor.cpu_p50_ms else 0.0
                if kind == "page":
                    t.target_ms = (
                        TARGET_MAP_P95_MS if name == "alignment map" else TARGET_PAGE_P95_MS
                    )
                    t.target_kb = TARGET_MAP_KB if name == "alignment map" else None
                report.pages.append(t)
                if name in AFTER_CHECKIN:
                    after = _time_url(
                        client, f"{name} after a check-in", kind, who, urls, repeat, budget,
                        before=checkin,
                    )  # fmt: skip
                    after.target_ms, after.target_kb = t.target_ms, t.target_kb
                    after.ratio = round(after.p50_ms / floor.p50_ms, 1) if floor.p50_ms else 0.0
                    after.cpu_ratio = (
                        round(after.cpu_p50_ms / floor.cpu_p50_ms, 1) if floor.cpu_p50_ms else 0.0
                    )
                    report.pages.append(after)


AFTER_CHECKIN = ("period overview", "team", "period review", "alignment map", "API period score")
"""The period-wide reads also measured right after a check-in in their period."""


def _checkin_in_latest_period() -> Callable[[], None]:
    """A check-in on a manual key result of the latest period, dated inside it."""
    period = Period.objects.order_by("-start").first()
    kr = (
        KeyResult.objects.filter(objective__period=period, measure_kind="manual")
        .select_related("objective__period")
        .order_by("pk")
        .first()
    )
    at = dt.datetime.combine(min(UNTIL, period.end) if period else UNTIL, dt.time(12), dt.UTC)
    values = iter(range(10**9))

    def checkin() -> None:
        if kr is not None:
            checkin_create(key_result=kr, value=next(values) % 100, author=None, at=at)

    return checkin


# --- writes ----------------------------------------------------------------------------------

WRITE_NOTE = "bench write"


def _in_memory() -> bool:
    name = str(connection.settings_dict.get("NAME", ""))
    return connection.vendor == "sqlite" and (":memory:" in name or "mode=memory" in name)


def _writers(
    threads: int, seconds: float, work: Callable[[int, random.Random], None]
) -> tuple[int, int, float]:
    """Run ``work`` in loops on ``threads`` threads for ``seconds``; (done, errors, elapsed)."""
    done = [0] * threads
    errors = [0] * threads
    stop = time.perf_counter() + seconds

    def loop(n: int) -> None:
        rng = random.Random(n)
        try:
            while time.perf_counter() < stop:
                try:
                    work(n, rng)
                    done[n] += 1
                except Exception:  # counted, the figure says how many failed
                    errors[n] += 1
        finally:
            if threads > 1:
                connections.close_all()

    t0 = time.perf_counter()
    if threads == 1:
        loop(0)
    else:
        pool = [threading.Thread(target=loop, args=(n,)) for n in range(threads)]
        for t in pool:
            t.start()
        for t in pool:
            t.join()
    return sum(done), sum(errors), time.perf_counter() - t0


def remove_checkins(note: str) -> None:
    """Delete the check-ins a measurement wrote (those with `note`) and score their key results
    again from the history left, so that the database's kept scores stay true (a later run's
    check-ins are then kept, and roll up, as the first run's were)."""
    objectives = set(
        CheckIn.objects.filter(note=note).values_list("key_result__objective_id", flat=True)
    )
    with transaction.atomic():
        CheckIn.objects.filter(note=note).delete()
        scores.refresh(objectives)


def measure_writes(report: Report, *, threads: int, seconds: float) -> None:
    if _in_memory():
        threads = 1  # an in-memory SQLite database is not shared between connections
    latest = Period.objects.order_by("-start").first()
    krs = list(
        KeyResult.objects.filter(measure_kind="manual", objective__period=latest)
        .order_by("pk")
        .values_list("pk", flat=True)[:200]
    )
    author = get_user_model().objects.filter(username=ADMIN).first()
    key_results = {
        k.pk: k for k in KeyResult.objects.filter(pk__in=krs).select_related("objective__period")
    }
    # a moment inside the period (the data's last day): check-ins carry the day they are for
    at = dt.datetime.combine(min(UNTIL, latest.end) if latest else UNTIL, dt.time(12), dt.UTC)

    def service(n: int, rng: random.Random) -> None:
        checkin_create(
            key_result=key_results[krs[rng.randrange(len(krs))]],
            value=rng.random() * 100,
            confidence=0.5,
            note=WRITE_NOTE,
            author=author,
            at=at,
        )

    table = connection.ops.quote_name(CheckIn._meta.db_table)
    sql = (
        f"INSERT INTO {table} (key_result_id, value, confidence, note, author_id, at, recorded_at,"
        " source) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)"
    )

    def floor(n: int, rng: random.Random) -> None:
        from django.utils import timezone

        now = timezone.now()
        if connection.vendor == "sqlite":
            now = str(now.astimezone(dt.UTC).replace(tzinfo=None))  # type: ignore[assignment]
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                sql,
                [krs[rng.randrange(len(krs))], rng.random() * 100, 0.5, WRITE_NOTE,
                 author.pk if author else None, now, now, "manual"],
            )  # fmt: skip

    try:
        done, errors, elapsed = _writers(threads, seconds, service)
        fdone, _ferrors, felapsed = _writers(threads, seconds, floor)
    finally:
        remove_checkins(WRITE_NOTE)
    rate = done / elapsed if elapsed else 0.0
    frate = fdone / felapsed if felapsed else 0.0
    report.writes = Rate(
        name="check-in writes",
        rows=done,
        seconds=round(elapsed, 2),
        per_second=round(rate, 1),
        floor_per_second=round(frate, 1),
        ratio=round(rate / frate, 2) if frate else 0.0,
        threads=threads,
        errors=errors,
        target_ratio=TARGET_WRITE_RATIO.get(connection.vendor),
    )


# --- imports ---------------------------------------------------------------------------------


def _import_rows_count() -> int:
    return max(500, min(100_000, Activity.objects.count() // 10))


def measure_imports(report: Report, *, rows: int | None = None) -> None:
    rows = rows or _import_rows_count()
    User = get_user_model()
    people = dict(User.objects.values_list("pk", "username"))
    ids = sorted(people)
    surveys = dict(Survey.objects.values_list("pk", "slug"))
    if not surveys:
        surveys = {Survey.objects.create(slug="bench-import", title="Bench").pk: "bench-import"}
    period = Period.objects.order_by("-start").first()
    start = period.start if period else dt.date(2026, 10, 1)
    stamp = f"{time.time_ns():x}"
    for kind, model in (("activities", Activity), ("responses", SurveyResponse)):
        if kind == "activities":
            made = list(
                activity_rows(random.Random(7), ids, start, 30, rows, f"i{stamp}-", raw=False)
            )
            header = ["person", "date", "type", "initiative", "tags", "link", "external_id"]
            lines = [[people[r[0]], r[1].isoformat(), r[2], r[3], r[4], r[5], r[7]] for r in made]
            floor_rows = list(activity_rows(random.Random(7), ids, start, 30, rows, f"f{stamp}-"))
            columns = ["person_id", "date", "type", "initiative", "tags", "link", "external_id",
                       "content_key"]  # fmt: skip
        else:
            t0 = dt.datetime.combine(start, dt.time(), tzinfo=dt.UTC)
            made = list(
                response_rows(
                    random.Random(7), list(surveys), ids, t0, 30 * 86400, rows, f"i{stamp}-"
                )
            )
            header = ["survey", "score", "submitted_at", "respondent", "comment", "external_id"]
            lines = [
                [surveys[r[0]], r[1], r[5] if isinstance(r[5], str) else r[5].isoformat(),
                 people[r[2]] if r[2] else "", r[4], r[7]]
                for r in made
            ]  # fmt: skip
            floor_rows = list(
                response_rows(
                    random.Random(7), list(surveys), ids, t0, 30 * 86400, rows, f"f{stamp}-"
                )
            )
            columns = ["survey_id", "score", "respondent_id", "anonymous_id", "comment",
                       "submitted_at", "external_id", "content_key"]  # fmt: skip
        text = io.StringIO()
        writer = csv.writer(text, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(lines)
        data = text.getvalue().encode()
        before = model.objects.aggregate(m=Max("pk"))["m"] or 0
        try:
            t = time.perf_counter()
            result = import_dataset(kind=kind, stream=io.BytesIO(data), filename=f"{kind}.csv")
            elapsed = time.perf_counter() - t
            if not result.ok:
                raise ValueError(f"bench import of {kind} failed: {result.problems[:3]}")
            t = time.perf_counter()
            with transaction.atomic():
                bulk_load(model, columns, floor_rows)
            felapsed = time.perf_counter() - t
        finally:
            model.objects.filter(pk__gt=before).delete()
        rate, frate = rows / elapsed, rows / felapsed
        report.imports.append(
            Rate(
                name=f"import {kind}",
                rows=rows,
                seconds=round(elapsed, 2),
                per_second=round(rate),
                floor_per_second=round(frate),
                ratio=round(rate / frate, 2),
                target_ratio=TARGET_IMPORT_RATIO,
            )
        )


# --- measures --------------------------------------------------------------------------------


def _raw(sql: str, params: list[Any]) -> tuple[Any, ...]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def _floor_value(kr: KeyResult, params: Any, period: Period, as_of: dt.datetime) -> float | None:
    """The same aggregate as one hand-written SQL query."""
    q = connection.ops.quote_name
    at = (
        str(as_of.astimezone(dt.UTC).replace(tzinfo=None))
        if connection.vendor == "sqlite"
        else as_of
    )
    members = q(Cohort.members.through._meta.db_table)
    day_end = min(as_of.date(), period.end)
    d0 = period.start.isoformat() if connection.vendor == "sqlite" else period.start
    d1 = day_end.isoformat() if connection.vendor == "sqlite" else day_end
    kind = kr.measure_kind
    if kind == "nps":
        row = _raw(
            "SELECT SUM(CASE WHEN r.score >= 9 THEN 1 ELSE 0 END),"
            " SUM(CASE WHEN r.score <= 6 THEN 1 ELSE 0 END), COUNT(*)"
            " FROM measures_surveyresponse r JOIN measures_survey s ON s.id = r.survey_id"
            " WHERE s.slug = %s AND r.submitted_at <= %s",
            [params.survey, at],
        )
        return round(100.0 * (row[0] - row[1]) / row[2], 2) if row[2] else None

    def activity_where(f: Any) -> tuple[str, list[Any]]:
        sql, args = "", []
        if f.type is not None:
            sql, args = sql + " AND a.type = %s", [*args, f.type]
        if f.initiative is not None:
            sql, args = sql + " AND a.initiative = %s", [*args, f.initiative]
        if f.tag is not None:
            sql, args = sql + " AND a.tags LIKE %s", [*args, f"%;{f.tag};%"]
        return sql, args

    def cohort_where(slug: str | None, column: str) -> tuple[str, list[Any]]:
        if slug is None:
            return "", []
        return (
            f" AND {column} IN (SELECT m.user_id FROM {members} m JOIN org_cohort c"
            " ON c.id = m.cohort_id WHERE c.slug = %s)",
            [slug],
        )

    if kind in ("activity_share", "activity_count"):
        within = params.within if kind == "activity_share" else params.filter
        w_sql, w_args = activity_where(within)
        c_sql, c_args = cohort_where(params.cohort, "a.person_id")
        if kind == "activity_count":
            row = _raw(
                f"SELECT COUNT(*) FROM measures_activity a WHERE a.date >= %s AND a.date <= %s"
                f"{w_sql}{c_sql}",
                [d0, d1, *w_args, *c_args],
            )
            return float(row[0])
        m_sql, m_args = activity_where(params.filter)
        row = _raw(
            f"SELECT COUNT(*), SUM(CASE WHEN 1=1{m_sql} THEN 1 ELSE 0 END) FROM measures_activity a"
            f" WHERE a.date >= %s AND a.date <= %s{w_sql}{c_sql}",
            [*m_args, d0, d1, *w_args, *c_args],
        )
        return round(100.0 * (row[1] or 0) / row[0], 2) if row[0] else None
    if kind == "cohort_fact_share":
        parts, args = [], []
        for cond in params.conditions:
            parts.append(
                "(SELECT f.value FROM measures_personfact f WHERE f.person_id = m.user_id"
                " AND f.key = %s AND f.observed_at <= %s ORDER BY f.observed_at DESC, f.id DESC"
                " LIMIT 1) = %s"
            )
            args += [cond.key, at, cond.value]
        row = _raw(
            f"SELECT COUNT(*), SUM(CASE WHEN {' AND '.join(parts)} THEN 1 ELSE 0 END)"
            f" FROM {members} m JOIN org_cohort c ON c.id = m.cohort_id WHERE c.slug = %s",
            [*args, params.cohort],
        )
        return round(100.0 * (row[1] or 0) / row[0], 2) if row[0] else None
    if kind == "distinct_people":
        sql = (
            "SELECT COUNT(DISTINCT e.person_id) FROM measures_participationevent e"
            " WHERE e.kind = %s AND e.at <= %s"
        )
        args = [params.event, at]
        if params.subject is not None:
            sql, args = sql + " AND e.subject = %s", [*args, params.subject]
        if params.since_period_start:
            start = dt.datetime.combine(period.start, dt.time(), tzinfo=dt.UTC)
            s = str(start.replace(tzinfo=None)) if connection.vendor == "sqlite" else start
            sql, args = sql + " AND e.at >= %s", [*args, s]
        c_sql, c_args = cohort_where(params.cohort, "e.person_id")
        return float(_raw(sql + c_sql, [*args, *c_args])[0])
    raise AssertionError(kind)


def _paired_medians(
    first: Callable[[], Any], second: Callable[[], Any], repeat: int, budget: float
) -> tuple[float, Any, float, Any]:
    """Median ms of each of two calls, timed in turns (first, second, first, …) after a warm-up
    of each: whatever drifts meanwhile (a checkpoint after the imports, the page cache) weighs
    on both alike, not on whichever ran first."""
    values = [first(), second()]  # warm-up
    samples: tuple[list[float], list[float]] = ([], [])
    started = time.perf_counter()
    for _ in range(repeat):
        for i, fn in enumerate((first, second)):
            t = time.perf_counter()
            values[i] = fn()
            samples[i].append((time.perf_counter() - t) * 1000)
        if time.perf_counter() - started > budget:
            break
    return statistics.median(samples[0]), values[0], statistics.median(samples[1]), values[1]


def measure_measures(report: Report, *, repeat: int, budget: float) -> None:
    kinds = ["nps", "activity_share", "activity_count", "cohort_fact_share", "distinct_people"]
    for kind in kinds:
        kr = (
            KeyResult.objects.filter(measure_kind=kind)
            .select_related("objective__period")
            .order_by("-objective__period__start", "pk")
            .first()
        )
        if kr is None:
            continue
        period = kr.objective.period
        as_of = dt.datetime.combine(min(UNTIL, period.end), dt.time(23, 59, 59), tzinfo=dt.UTC)
        params = parse_measure(kind, kr.measure_params)

        def orm(
            kr: KeyResult = kr, params: Any = params, period: Period = period, as_of: Any = as_of
        ) -> float | None:
            return evaluate(
                params, period=period, as_of=as_of, target=kr.target, direction=kr.direction
            ).value

        def floor(
            kr: KeyResult = kr, params: Any = params, period: Period = period, as_of: Any = as_of
        ) -> float | None:
            return _floor_value(kr, params, period, as_of)

        ms, value, fms, fvalue = _paired_medians(orm, floor, repeat, budget)
        report.measures.append(
            MeasureTiming(
                kind=kind,
                key_result=kr.pk,
                value=value,
                floor_value=fvalue,
                p50_ms=round(ms, 2),
                floor_p50_ms=round(fms, 2),
                ratio=round(ms / fms, 2) if fms else 0.0,
                same_value=value == fvalue,
            )
        )


# --- all -------------------------------------------------------------------------------------


def run(
    *,
    repeat: int = 20,
    budget: float = 15.0,
    threads: int = 4,
    write_seconds: float = 3.0,
    import_rows: int | None = None,
    parts: tuple[str, ...] = ("pages", "writes", "imports", "measures"),
    say: Callable[[str], None] = lambda _: None,
) -> Report:
    report = Report(vendor=connection.vendor, scale=table_sizes(), load=machine_load())
    if "pages" in parts:
        say("pages and API reads")
        measure_pages(report, repeat=repeat, budget=budget)
    if "writes" in parts:
        say("check-in writes")
        measure_writes(report, threads=threads, seconds=write_seconds)
    if "imports" in parts:
        say("imports")
        measure_imports(report, rows=import_rows)
    if "measures" in parts:
        say("measures")
        measure_measures(report, repeat=max(3, repeat // 4), budget=budget)
    report.load += f" (after: {machine_load()})"
    report.misses = misses(report)
    return report


def misses(report: Report) -> list[str]:
    found = []
    for t in report.pages:
        if t.target_ms is not None and t.p95_ms > t.target_ms:
            found.append(f"{t.name} ({t.who}): p95 {t.p95_ms} ms > {t.target_ms:.0f} ms")
        if t.target_kb is not None and t.kb > t.target_kb:
            found.append(f"{t.name} ({t.who}): {t.kb:.0f} KB > {t.target_kb:.0f} KB")
        if t.status >= 400:
            found.append(f"{t.name} ({t.who}): HTTP {t.status}")
    for m in report.measures:
        if m.ratio > TARGET_MEASURE_RATIO:
            found.append(f"measure {m.kind}: {m.ratio}x the SQL floor > {TARGET_MEASURE_RATIO}x")
        if not m.same_value:
            found.append(f"measure {m.kind}: {m.value} differs from the SQL floor {m.floor_value}")
    writes = [report.writes] if report.writes is not None else []
    for r in [*writes, *report.imports]:
        if r.target_ratio is not None and r.ratio < r.target_ratio:
            found.append(f"{r.name}: {r.ratio}x its floor < {r.target_ratio}x")
    return found
