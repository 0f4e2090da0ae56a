"""`okrs carry-over`: unfinished OKRs move on with the last value as baseline."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from okrs.documents.models import CarriedKeyResult
from okrs.goals.models import KeyResult, Objective, Period
from tests import factories as f

pytestmark = pytest.mark.django_db


def _carry(*args: str) -> str:
    out = StringIO()
    call_command("carry-over", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def quarter():  # type: ignore[no-untyped-def]
    q1 = f.period("2017-Q1")
    team = f.team("reps")
    open_objective = f.objective(team=team, period=q1, code="O1", title="Grow")
    grown = f.key_result(
        objective=open_objective,
        code="KR1",
        title="200 members",
        target=200.0,
        stretch=300.0,
        measure_kind="distinct_people",
        measure_params={"event": "joined"},
        unit="people",
    )
    f.checkin(grown, 120, "2017-03-20T12:00:00")
    done = f.key_result(objective=open_objective, code="KR2", title="50 talks", target=50.0)
    f.checkin(done, 55, "2017-03-20T12:00:00")
    plan = f.key_result(
        objective=open_objective, code="KR3", title="Plan agreed", direction="milestone"
    )
    f.checkin(plan, 0.5, "2017-03-01T12:00:00")
    finished = f.objective(team=team, period=q1, code="O2", title="Finished")
    f.checkin(f.key_result(objective=finished, target=10.0), 10, "2017-03-01T12:00:00")
    packet = f.packet(team=team, title="Recruit", key_results=[grown])
    closed = f.packet(team=team, title="Closed", key_results=[grown], status="done")
    return {
        "team": team,
        "grown": grown,
        "done": done,
        "plan": plan,
        "packet": packet,
        "closed": closed,
    }


def test_unfinished_objectives_and_krs_move_on(quarter) -> None:  # type: ignore[no-untyped-def]
    output = _carry("--from", "2017-Q1", "--to", "2017-Q2")
    assert "carried 1 objectives and 2 key results into 2017-Q2; 1 open packet(s) follow" in output
    q2 = Period.objects.get(slug="2017-Q2")
    assert (str(q2.start), str(q2.end)) == ("2017-04-01", "2017-06-30")
    copy = Objective.objects.get(period=q2)
    assert (copy.code, copy.title, copy.state) == ("O1", "Grow", "draft")
    grown = KeyResult.objects.get(objective=copy, code="KR1")
    assert (grown.baseline, grown.target, grown.stretch, grown.unit) == (120, 200, 300, "people")
    assert (grown.measure_kind, grown.measure_params) == ("distinct_people", {"event": "joined"})
    plan = KeyResult.objects.get(objective=copy, code="KR3")
    assert (plan.direction, plan.baseline) == ("milestone", 0)
    assert [(c.value, str(c.at.date())) for c in plan.checkins.all()] == [(0.5, "2017-04-01")]
    assert not KeyResult.objects.filter(objective=copy, code="KR2").exists()
    assert set(quarter["packet"].key_results.all()) == {quarter["grown"], grown}
    assert list(quarter["closed"].key_results.all()) == [quarter["grown"]]


def test_second_run_skips_what_was_carried(quarter) -> None:  # type: ignore[no-untyped-def]
    _carry("--from", "2017-Q1", "--to", "2017-Q2")
    output = _carry("--from", "2017-Q1", "--to", "2017-Q2", "--team", "reps")
    assert "skipped O1 Grow (already carried into 2017-Q2)" in output
    assert CarriedKeyResult.objects.count() == 2


def test_refuses_going_backwards_and_writes_nothing(quarter) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(CommandError, match="does not come after"):
        _carry("--from", "2017-Q1", "--to", "2016-Q4")
    assert not Period.objects.filter(slug="2016-Q4").exists()
    with pytest.raises(CommandError, match="unknown period"):
        _carry("--from", "1999-Q1", "--to", "2017-Q2")
    with pytest.raises(CommandError, match="no objectives of team"):
        _carry("--from", "2017-Q1", "--to", "2017-Q2", "--team", "nobody")
    assert Objective.objects.count() == 2
