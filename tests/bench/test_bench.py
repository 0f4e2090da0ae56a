"""okrs bench: generate a tiny organization and measure it end to end, on either database."""

from __future__ import annotations

import hashlib
import io
import json
import shutil

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from okrs.bench.generate import ADMIN, Counts, NotEmpty, generate
from okrs.bench.run import AFTER_CHECKIN, _in_memory, run
from okrs.goals import scores
from okrs.goals.models import CheckIn, KeyResult, Objective
from okrs.measures.models import Activity, SurveyResponse
from okrs.org.models import Team

PAGES = {
    "period overview", "team", "objective", "key result", "alignment map", "heartbeat board",
    "heartbeat review", "period review",
}  # fmt: skip
API = {
    "API objectives", "API objective", "API key result", "API check-ins", "API period score",
    "API teams", "API packets",
}  # fmt: skip


def _digest() -> str:
    rows = CheckIn.objects.order_by("key_result__objective__code", "key_result__code", "at")
    text = "|".join(f"{v:.2f}" for v in rows.values_list("value", flat=True))
    text += "|".join(Activity.objects.order_by("content_key").values_list("tags", flat=True))
    return hashlib.sha1(text.encode()).hexdigest()


@pytest.mark.django_db(transaction=True)
def test_generate_writes_the_scaled_organization_and_refuses_a_non_empty_database():
    written = generate("tiny", seed=3)
    counts = Counts.for_scale("tiny")
    assert written["objectives"] == Objective.objects.count() == counts.objectives
    assert written["key results"] == KeyResult.objects.count() == counts.objectives * 4
    assert CheckIn.objects.count() == counts.key_results * 50
    assert Activity.objects.count() == counts.activities == 1000
    assert SurveyResponse.objects.count() == counts.responses
    assert Team.objects.filter(parent__isnull=True).count() == 1
    # medium and large are 10x and 100x small, with the same shape per team
    assert Counts.for_scale("large").key_results == 8000
    assert Counts.for_scale("large").checkins == 400_000
    assert Counts.for_scale("medium").activities == 100_000
    first = _digest()

    with pytest.raises(NotEmpty):
        generate("tiny", seed=3)
    with pytest.raises(CommandError, match="not empty"):
        call_command("bench", "generate", "--scale", "tiny", stdout=io.StringIO())

    # --force empties the database first; the same seed gives the same data
    call_command("bench", "generate", "--scale", "tiny", "--seed", "3", "--force",
                 stdout=io.StringIO(), stderr=io.StringIO())  # fmt: skip
    assert Objective.objects.count() == counts.objectives
    assert _digest() == first
    if connection.vendor == "postgresql":  # vacuumed, as autovacuum would leave it
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT last_vacuum IS NOT NULL FROM pg_stat_user_tables WHERE relname = %s",
                [CheckIn._meta.db_table],
            )
            assert cursor.fetchone() == (True,)


@pytest.mark.django_db(transaction=True)
def test_run_reports_every_page_api_write_import_and_measure_against_its_floor():
    generate("tiny", seed=1)
    out = io.StringIO()
    call_command(
        "bench", "run", "--json", "--repeat", "2", "--threads", "2", "--write-seconds", "0.5",
        "--import-rows", "300", stdout=out, stderr=io.StringIO(),
    )  # fmt: skip
    report = json.loads(out.getvalue())
    assert report["vendor"] == connection.vendor
    assert report["floor"]["name"] == "trivial view" and report["floor"]["p50_ms"] > 0
    seen = {(t["name"], t["who"]) for t in report["pages"]}
    measured = PAGES | API | {f"{n} after a check-in" for n in AFTER_CHECKIN}
    assert seen == {(n, who) for n in measured for who in ("admin", "anonymous")}
    for t in report["pages"]:
        assert t["status"] == 200, t
        assert t["queries"] >= 1 and t["p95_ms"] >= t["p50_ms"] > 0
        assert t["ratio"] > 0
        page = t["name"].removesuffix(" after a check-in")
        assert (t["target_ms"] is not None) == (page in PAGES)
        assert t["kb"] > 0  # the body's size, which the map's target bounds too
        assert (t["target_kb"] is not None) == (page == "alignment map")
    writes = report["writes"]
    assert writes["rows"] > 0 and writes["errors"] == 0 and writes["floor_per_second"] > 0
    # concurrent writers, unless the test database is an in-memory SQLite one (not shared)
    assert writes["threads"] == (1 if _in_memory() else 2)
    assert {r["name"] for r in report["imports"]} == {"import activities", "import responses"}
    assert all(r["rows"] == 300 and r["ratio"] > 0 for r in report["imports"])
    kinds = {m["kind"] for m in report["measures"]}
    assert {"nps", "activity_share", "activity_count", "cohort_fact_share"} <= kinds
    assert all(m["same_value"] for m in report["measures"]), report["measures"]
    # what the run wrote is gone again, and the kept scores are those of the history left
    assert not CheckIn.objects.filter(note="bench write").exists()
    assert scores.verify() == []
    assert Activity.objects.count() == 1000
    assert SurveyResponse.objects.count() == 1000


@pytest.mark.django_db(transaction=True)
def test_query_count_per_page_is_the_same_at_two_scales():
    generate("tiny", seed=1)
    tiny = run(repeat=1, parts=("pages",))
    call_command("flush", interactive=False, verbosity=0)
    generate("small", seed=1)
    small = run(repeat=1, parts=("pages",))
    assert Objective.objects.count() > 10 * 1  # small really is bigger than tiny
    counts_tiny = {(t.name, t.who): t.queries for t in tiny.pages}
    counts_small = {(t.name, t.who): t.queries for t in small.pages}
    assert counts_tiny == counts_small
    assert ADMIN  # the site admin sees everything in both runs


def _database_url() -> str:
    """The test database as a URL, for a server in another process."""
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    return f"postgres://{s['USER']}{password}@{s['HOST']}:{s['PORT'] or 5432}/{s['NAME']}"


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed")
@pytest.mark.django_db(transaction=True)
def test_load_drives_every_api_read_of_the_run_anonymously_and_with_a_token(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from okrs.api.models import AccessToken
    from okrs.bench.management.commands.bench import load_test
    from okrs.bench.run import _targets

    generate("tiny", seed=1)
    monkeypatch.setenv("OKRS_DATABASE_URL", _database_url())
    expected = ["/bench/trivial/"] + [
        urls[0] for name, urls in _targets().items() if name in API - {"API period score"}
    ]
    assert len(expected) == 7
    for who in ("anonymous", "token"):
        rounds = 2 if who == "token" else 1
        result = load_test(
            seconds=1, connections=2, workers=1, port=_free_port(), who=who,
            worker_class="gthread", threads=2, rounds=rounds,
        )  # fmt: skip
        assert [r["path"] for r in result["runs"]] == expected, who
        assert result["python"].startswith("Python 3.")
        for row in result["runs"]:
            assert row["requests"] > 0 and row["errors"] == 0 and row["rps"] > 0, (who, row)
            assert len(row["rounds_rps"]) == rounds and row["rps"] in row["rounds_rps"]
            assert row["server_cpu_ms"] > 0 and row["wrk_cpu_ms"] > 0, (who, row)
        assert result["api"]["errors"] == 0 and result["api"]["slowest"] in expected[1:]
        assert result["who"] == who and "gthread, 2 threads" in result["server"]
    assert not AccessToken.objects.exists()  # the run's token is gone again


def test_each_path_reports_its_median_round_in_the_order_first_driven() -> None:
    from okrs.bench.management.commands.bench import _median_rounds

    runs = [
        {"path": "/b", "rps": 300.0, "p95_ms": 9.0},
        {"path": "/a", "rps": 100.0, "p95_ms": 1.0},
        {"path": "/b", "rps": 100.0, "p95_ms": 7.0},
        {"path": "/a", "rps": 300.0, "p95_ms": 3.0},
        {"path": "/b", "rps": 200.0, "p95_ms": 8.0},
        {"path": "/a", "rps": 200.0, "p95_ms": 2.0},
    ]
    median = _median_rounds(runs)
    assert [(r["path"], r["rps"], r["p95_ms"]) for r in median] == [
        ("/b", 200.0, 8.0),  # the whole round's figures, not a mix of rounds
        ("/a", 200.0, 2.0),
    ]
    assert median[0]["rounds_rps"] == [300.0, 100.0, 200.0]
    even = _median_rounds([{"path": "/c", "rps": 5.0}, {"path": "/c", "rps": 4.0}])
    assert even[0]["rps"] == 4.0  # the lower middle: the report never flatters


def test_misses_name_slow_check_in_writes_and_a_map_too_big() -> None:
    """Issue #18's write floor (0.15x on PostgreSQL, 0.1x on SQLite) and issue #20's map size
    are targets the report holds, not only figures it prints."""
    from okrs.bench.run import TARGET_WRITE_RATIO, Rate, Report, Timing, misses

    assert TARGET_WRITE_RATIO == {"postgresql": 0.15, "sqlite": 0.1}
    report = Report(vendor="postgresql", scale={}, load="")
    report.writes = Rate("check-in writes", 10, 1.0, 96.0, 2756.0, 0.03, target_ratio=0.15)
    report.pages.append(
        Timing(
            "alignment map",
            "page",
            "admin",
            "/map/",
            200,
            10,
            80.0,
            200.0,
            20,
            target_ms=300.0,
            kb=2433.0,
            target_kb=1024.0,
        )
    )
    assert misses(report) == [
        "alignment map (admin): 2433 KB > 1024 KB",
        "check-in writes: 0.03x its floor < 0.15x",
    ]
    report.writes.ratio, report.pages[0].kb = 0.2, 162.0
    assert misses(report) == []
