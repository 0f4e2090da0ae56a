"""okrs bench: generate a tiny organization and measure it end to end, on either database."""

from __future__ import annotations

import hashlib
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from okrs.bench.generate import ADMIN, Counts, NotEmpty, generate
from okrs.bench.run import _in_memory, run
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
    assert seen == {(n, who) for n in PAGES | API for who in ("admin", "anonymous")}
    for t in report["pages"]:
        assert t["status"] == 200, t
        assert t["queries"] >= 1 and t["p95_ms"] >= t["p50_ms"] > 0
        assert t["ratio"] > 0
        assert (t["target_ms"] is not None) == (t["name"] in PAGES)
    writes = report["writes"]
    assert writes["rows"] > 0 and writes["errors"] == 0 and writes["floor_per_second"] > 0
    # concurrent writers, unless the test database is an in-memory SQLite one (not shared)
    assert writes["threads"] == (1 if _in_memory() else 2)
    assert {r["name"] for r in report["imports"]} == {"import activities", "import responses"}
    assert all(r["rows"] == 300 and r["ratio"] > 0 for r in report["imports"])
    kinds = {m["kind"] for m in report["measures"]}
    assert {"nps", "activity_share", "activity_count", "cohort_fact_share"} <= kinds
    assert all(m["same_value"] for m in report["measures"]), report["measures"]
    # what the run wrote is gone again
    assert not CheckIn.objects.filter(note="bench write").exists()
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
