"""`okrs import-doc`: the seed post becomes tracked OKRs; bad documents write nothing."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from okrs.documents.models import KeyResultSource
from okrs.goals.models import KeyResult, Objective, Period
from okrs.org.models import Team
from tests import factories as f

SEED = Path(__file__).resolve().parents[1] / "data" / "seed-reps-2017-q1.txt"

pytestmark = pytest.mark.django_db


def _import(path: Path | str, *args: str) -> str:
    out = StringIO()
    call_command("import-doc", str(path), *args, stdout=out)
    return out.getvalue()


def _kr(start: str) -> KeyResult:
    return KeyResult.objects.select_related("document_source").get(title__startswith=start)


def test_seed_gives_two_objectives_and_nine_krs() -> None:
    output = _import(SEED, "--team", "reps", "--period", "2017-Q1")
    assert "imported 2 objectives and 9 key results into reps 2017-Q1" in output
    team, period = Team.objects.get(slug="reps"), Period.objects.get(slug="2017-Q1")
    assert (period.start, period.end) == (dt.date(2017, 1, 1), dt.date(2017, 3, 31))
    objectives = list(Objective.objects.filter(team=team, period=period).order_by("order"))
    assert [(o.code, o.state) for o in objectives] == [("O1", "draft"), ("O2", "draft")]
    assert [o.key_results.count() for o in objectives] == [4, 5]

    nps = _kr("Core community sentiment")
    assert (nps.direction, nps.target, nps.unit) == ("at_least", 11.5, "NPS")
    assert nps.document_source.strict is True  # ">" kept: Direction has no strict variant
    watching = _kr("100% Reps watching")
    assert (watching.direction, watching.target, watching.unit) == ("increase", 100, "%")
    assert watching.deadline == dt.date(2017, 2, 28)
    feedback = _kr("At least 50 Reps")
    assert (feedback.direction, feedback.target, feedback.unit) == ("at_least", 50, "people")
    onboarding = _kr("Shared onboarding framework")
    assert (onboarding.direction, onboarding.target) == ("milestone", None)
    assert onboarding.code == "KR1" and onboarding.objective.code == "O1"
    assert KeyResultSource.objects.count() == 9


def test_publish_and_existing_period_is_kept() -> None:
    f.period("2017-Q1", start=dt.date(2017, 1, 2), end=dt.date(2017, 3, 30))
    _import(SEED, "--team", "reps", "--period", "2017-Q1", "--publish")
    assert set(Objective.objects.values_list("state", flat=True)) == {"published"}
    assert Period.objects.get(slug="2017-Q1").start == dt.date(2017, 1, 2)


def test_second_import_of_the_same_codes_is_refused_and_writes_nothing() -> None:
    _import(SEED, "--team", "reps", "--period", "2017-Q1")
    with pytest.raises(CommandError, match="already has an objective O1"):
        _import(SEED, "--team", "reps", "--period", "2017-Q1")
    assert Objective.objects.count() == 2 and KeyResult.objects.count() == 9


def test_invalid_kr_rolls_everything_back(tmp_path: Path) -> None:
    doc = tmp_path / "okrs.md"
    doc.write_text(
        "Objective 1: Fine\nKR1: 20 Reps trained\n\n"
        "Objective 2: Broken\nKR1: Keep the response time between 2 and 4 days\n"
        "KR2: Grow signups by 200 people\n",  # a change with no level: no target
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match=r"line 6 .*target"):
        _import(doc, "--team", "newteam", "--period", "2018-Q2")
    assert not Team.objects.filter(slug="newteam").exists()
    assert not Period.objects.filter(slug="2018-Q2").exists()
    assert Objective.objects.count() == 0 and KeyResult.objects.count() == 0


def test_bad_period_name_and_empty_document(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="expected a name like 2017-Q1"):
        _import(SEED, "--team", "reps", "--period", "spring")
    empty = tmp_path / "empty.txt"
    empty.write_text("Just some prose about our plans.\n", encoding="utf-8")
    with pytest.raises(CommandError, match="no objectives found"):
        _import(empty, "--team", "reps", "--period", "2017-Q1")
    with pytest.raises(CommandError, match="cannot read"):
        _import(tmp_path / "missing.txt", "--team", "reps", "--period", "2017-Q1")
    assert Team.objects.count() == 0


def test_relative_change_is_stored_against_the_starting_level(tmp_path: Path) -> None:
    doc = tmp_path / "okrs.txt"
    doc.write_text(
        "O1: Mentoring\nKR1: The amount of mentor-less Reps is reduced by 50%\n", encoding="utf-8"
    )
    _import(doc, "--team", "reps", "--period", "2017-Q3")
    kr = _kr("The amount")
    assert (kr.direction, kr.baseline, kr.target, kr.unit) == ("decrease", 100, 50, "% of start")
    assert kr.document_source.uncertain[0]["field"] == "baseline"
    assert kr.document_source.change == -50


def test_publish_in_a_team_with_a_parent_proposes_for_review() -> None:
    cdt = f.team("cdt", name="Community Development")
    f.team("reps", parent=cdt)
    output = _import(SEED, "--team", "reps", "--period", "2017-Q1", "--publish")
    assert "2 objective(s) proposed for review" in output
    objectives = Objective.objects.filter(team__slug="reps")
    assert set(objectives.values_list("state", flat=True)) == {"in_review"}
    for objective in objectives:  # every created objective has its history
        actions = list(objective.changes.order_by("id").values_list("action", flat=True))
        assert actions == ["created", "proposed"]
