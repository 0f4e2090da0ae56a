"""`okrs export`: what a period's file holds, who may see it, and in which form."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from okrs.goals.models import Alignment, KeyResult, Objective, Period
from okrs.heartbeats.models import Heartbeat, WorkPacket
from okrs.org.models import Team
from tests.factories import checkin, key_result, objective
from tests.files.helpers import run

pytestmark = pytest.mark.django_db


def exported(*args: str) -> dict:
    return yaml.safe_load(run("export", "--period", "2017-Q1", *args))


def codes(data: dict) -> set[str]:
    return {f"{o['team']}/{o['code']}" for o in data["objectives"]}


def test_the_export_holds_the_period_with_everything_it_names(demo: str) -> None:
    data = exported()
    assert data["version"] == 1
    assert [t["slug"] for t in data["teams"]] == ["mozilla", "cdt", "reps"]
    assert codes(data) == {"cdt/O1", "cdt/O2", "cdt/O3", "reps/O1", "reps/O2"}
    reps_o1 = next(o for o in data["objectives"] if o["team"] == "reps" and o["code"] == "O1")
    assert reps_o1["contributes_to"] == [
        {"team": "cdt", "code": "O1"},
        {"team": "cdt", "code": "O3", "weight": 0.5},
    ]
    assert len(reps_o1["key_results"]) == 4
    assert [h["name"] for h in data["heartbeats"]] == ["Q1HB1", "Q1HB2", "Q1HB3", "Q1HB4"]
    assert len(data["packets"]) == 7
    assert data["packets"][0]["heartbeat"] == {"team": "cdt", "name": "Q1HB1"}
    assert [p["slug"] for p in data["periods"]] == ["2017-Q1"]
    assert {p["username"] for p in data["people"]} >= {"juniper", "kestrel"}


def test_by_default_only_what_an_anonymous_reader_may_see(demo: str) -> None:
    q1 = Period.objects.get(slug="2017-Q1")
    reps = Team.objects.get(slug="reps")
    objective(team=reps, period=q1, code="D1", title="A draft", state="draft")
    objective(team=reps, period=q1, code="P1", title="Members only", visibility="private")
    secret = Team.objects.create(slug="secret", name="Secret", visibility="private")
    objective(team=secret, period=q1, code="S1", title="Secret objective")
    beat = Heartbeat.objects.create(
        team=secret, period=q1, name="SHB", start="2017-01-02", end="2017-01-20"
    )
    WorkPacket.objects.create(team=secret, heartbeat=beat, title="Secret packet")
    public, everything = exported(), exported("--all")
    hidden = {"reps/D1", "reps/P1", "secret/S1"}
    assert not codes(public) & hidden
    assert codes(everything) >= hidden
    assert "secret" not in {t["slug"] for t in public["teams"]}
    assert "Secret packet" in {p["title"] for p in everything["packets"]}
    assert "Secret packet" not in {p["title"] for p in public["packets"]}
    assert "SHB" not in {h["name"] for h in public["heartbeats"]}
    assert not any("email" in p for p in public["people"])
    assert all("@example.org" in p["email"] for p in everything["people"])


def test_objectives_served_in_other_periods_are_included_with_their_period(demo: str) -> None:
    year = Period.objects.create(slug="2017", start="2017-01-01", end="2017-12-31")
    goal = objective(team=Team.objects.get(slug="mozilla"), period=year, code="Y1", title="Year")
    cdt_o1 = Objective.objects.get(team__slug="cdt", period__slug="2017-Q1", code="O1")
    Alignment.objects.create(child=cdt_o1, parent=goal)
    private_goal = objective(team=goal.team, period=year, code="Y2", title="No", state="draft")
    Alignment.objects.create(child=cdt_o1, parent=private_goal)
    data = exported()
    assert [p["slug"] for p in data["periods"]] == ["2017", "2017-Q1"]
    assert "mozilla/Y1" in codes(data) and "mozilla/Y2" not in codes(data)
    cdt = next(o for o in data["objectives"] if o["team"] == "cdt" and o["code"] == "O1")
    assert cdt["contributes_to"] == [{"team": "mozilla", "period": "2017", "code": "Y1"}]


def test_json_output_to_a_file_with_iso_times(demo: str, tmp_path: Path) -> None:
    target = tmp_path / "q1.json"
    assert run("export", "--period", "2017-Q1", "--output", str(target)) == ""
    data = json.loads(target.read_text(encoding="utf-8"))
    checkins = data["objectives"][0]["key_results"][0]["checkins"]
    assert checkins[0]["at"] == "2017-02-06T12:00:00+00:00"
    assert data["periods"][0]["start"] == "2017-01-01"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--period", "2099-Q9"], "unknown period '2099-Q9'"),
    ],
)
def test_an_unknown_period_is_refused(db: None, args: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message) as failure:
        run("export", *args)
    assert failure.value.returncode == 2


def test_objectives_and_key_results_without_a_code_are_refused(demo: str) -> None:
    q1 = Period.objects.get(slug="2017-Q1")
    nameless = objective(team=Team.objects.get(slug="reps"), period=q1, title="No code")
    with pytest.raises(CommandError, match=r"1 objective\(s\) without a code.*'No code'"):
        run("export", "--period", "2017-Q1")
    nameless.code = "O9"
    nameless.save()
    key_result(objective=nameless, title="No code either")
    with pytest.raises(CommandError, match=r"1 key result\(s\) without a code"):
        run("export", "--period", "2017-Q1")


def test_the_number_of_queries_does_not_grow_with_the_data(demo: str) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            run("export", "--period", "2017-Q1", "--all")
        return len(captured)

    small = queries()
    q1 = Period.objects.get(slug="2017-Q1")
    for i in range(10):
        extra = objective(team=Team.objects.get(slug="reps"), period=q1, code=f"X{i}")
        kr = key_result(objective=extra, code="KR1")
        for day in range(1, 11):
            checkin(kr, day, f"2017-02-{day:02d}T10:00:00")
        packet = WorkPacket.objects.create(team=extra.team, title=f"Packet {i}")
        packet.key_results.add(kr)
    assert KeyResult.objects.count() > 20
    assert queries() == small


def test_a_private_ancestor_team_is_not_in_a_public_file(demo: str) -> None:
    """A public team under a private one hangs from its nearest public ancestor instead."""
    cdt, reps = Team.objects.get(slug="cdt"), Team.objects.get(slug="reps")
    hidden = Team.objects.create(
        slug="inner-circle", name="Inner circle", parent=cdt, visibility="private"
    )
    reps.parent = hidden
    reps.save()
    public, everything = exported(), exported("--all")
    by_slug = {t["slug"]: t for t in public["teams"]}
    assert "inner-circle" not in by_slug and "Inner circle" not in str(public)
    assert by_slug["reps"]["parent"] == "cdt"
    slugs = [t["slug"] for t in public["teams"]]
    assert slugs.index("cdt") < slugs.index("reps")  # parents first, so the file imports
    full = {t["slug"]: t for t in everything["teams"]}
    assert full["reps"]["parent"] == "inner-circle" and full["inner-circle"]["parent"] == "cdt"
