"""Export → import → export gives the same bytes; re-importing an export changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from okrs.goals import scores
from okrs.goals.models import Alignment, CheckIn, KeyResult, Objective, ObjectiveState, Period
from okrs.org.models import Team
from tests.factories import checkin, key_result, objective, person
from tests.files.helpers import counts, run, snapshot, wipe

pytestmark = pytest.mark.django_db


def _add_private_and_cross_period_data() -> None:
    """Beyond the demo: a private team, a draft, a yearly parent objective, odd text and times."""
    secret = Team.objects.create(slug="secret", name="Secret", visibility="private")
    year = Period.objects.create(slug="2017", name="2017", start="2017-01-01", end="2017-12-31")
    mozilla = Team.objects.get(slug="mozilla")
    yearly = objective(team=mozilla, period=year, code="Y1", title="A year of mobilizers")
    Alignment.objects.create(
        child=Objective.objects.get(team__slug="cdt", period__slug="2017-Q1", code="O1"),
        parent=yearly,
        weight=0.25,
    )
    q1 = Period.objects.get(slug="2017-Q1")
    hidden = objective(team=secret, period=q1, code="S1", title="Hidden")
    draft = objective(
        team=Team.objects.get(slug="reps"), period=q1, code="O3", title="Draft", state="draft"
    )
    kr = key_result(
        objective=draft, code="KR1", unit="€", direction="range", target=2, target_high=4.5
    )
    checkin(kr, 3.25, "2017-02-01T08:30:15.123456", note="Line one\nLine two: “quoted” ü")
    key_result(objective=hidden, code="KR1")
    person("quiet", email="quiet@example.org")


@pytest.mark.parametrize("fmt", ["yaml", "json"])
@pytest.mark.parametrize("everything", [False, True], ids=["public", "all"])
def test_export_import_into_an_empty_database_export_again_is_identical(
    demo: str, write_file: Callable[..., Path], fmt: str, everything: bool
) -> None:
    _add_private_and_cross_period_data()
    args = ["export", "--period", "2017-Q1", "--format", fmt, *(["--all"] if everything else [])]
    first = run(*args)
    wipe()
    assert counts(snapshot())["goals.Objective"] == 0
    run("import", str(write_file(first, name=f"export.{fmt}")))
    assert run(*args) == first
    assert Objective.objects.filter(code="Y1", period__slug="2017").exists()
    assert Objective.objects.filter(team__slug="reps", code="O3").exists() is everything
    assert Objective.objects.filter(team__slug="secret").exists() is everything


def test_reimporting_an_export_into_the_same_database_changes_nothing(
    demo: str, write_file: Callable[..., Path]
) -> None:
    _add_private_and_cross_period_data()
    scores.verify(repair=True)  # that data is written around the services: keep its scores
    files = [
        write_file(run("export", "--period", "2017-Q1", "--all"), name="all.yaml"),
        write_file(run("export", "--period", "2017-Q1"), name="public.yaml"),
        write_file(run("export", "--period", "2017-Q1", "--format", "json"), name="p.json"),
    ]
    before = snapshot()
    for file in files:
        output = run("import", str(file))
        assert "Nothing changed." in output, output
        assert " created, 0 updated" in output
    assert snapshot() == before


def test_the_export_reads_back_as_the_same_check_ins(
    demo: str, write_file: Callable[..., Path]
) -> None:
    """Values, times (to the microsecond, with their zone) and text survive the trip."""
    _add_private_and_cross_period_data()
    rows = ("key_result__code", "at", "value", "confidence", "note", "source", "author__username")
    # the demo's current quarter is another period, not in this export
    q1 = CheckIn.objects.filter(key_result__objective__period__slug="2017-Q1")
    before = sorted(q1.values_list(*rows))
    exported = write_file(run("export", "--period", "2017-Q1", "--all"))
    wipe()
    run("import", str(exported))
    assert sorted(q1.values_list(*rows)) == before
    assert (
        KeyResult.objects.get(objective__team__slug="reps", objective__code="O3").target_high == 4.5
    )


def test_an_objective_changed_in_the_file_is_the_only_one_updated(
    demo: str, write_file: Callable[..., Path]
) -> None:
    exported = run("export", "--period", "2017-Q1", "--all")
    old = "title: We have a strong base in our transformation towards a mobilizer program"
    assert old in exported
    changed = write_file(exported.replace(old, "title: A stronger base"))
    reps_q1 = Objective.objects.filter(team__slug="reps", period__slug="2017-Q1")
    stamps = dict(reps_q1.values_list("code", "updated_at"))
    output = run("import", str(changed))
    assert "objectives          0 created, 1 updated, 4 unchanged" in output
    after = dict(reps_q1.values_list("code", "updated_at"))
    assert after["O1"] == stamps["O1"]
    assert after["O2"] > stamps["O2"]
    assert reps_q1.get(code="O2").title == "A stronger base"
    assert reps_q1.get(code="O2").state == ObjectiveState.PUBLISHED
