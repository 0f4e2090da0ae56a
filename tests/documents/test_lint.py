"""`okrs lint`: findings for a period, per team, silenced per item, bounded queries."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from okrs.documents.models import LintSilence
from okrs.documents.selectors import lint_period
from okrs.goals.models import Objective
from tests import factories as f

pytestmark = pytest.mark.django_db


def _lint(*args: str) -> tuple[int, str]:
    out = StringIO()
    try:
        call_command("lint", *args, stdout=out)
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue()
    return 0, out.getvalue()


@pytest.fixture
def q1():  # type: ignore[no-untyped-def]
    return f.period("2017-Q1")


def test_lint_reports_problems_with_reasons_and_exit_status(q1) -> None:  # type: ignore[no-untyped-def]
    reps = f.team("reps")
    empty = f.objective(team=reps, period=q1, code="O1", title="Grow to 500 members")
    good = f.objective(team=reps, period=q1, code="O2", title="Strong base")
    f.key_result(
        objective=good, title="At least 50 Reps gave feedback", direction="at_least", target=50
    )
    late = f.key_result(
        objective=good, title="20 Reps trained", target=20, deadline=dt.date(2017, 5, 1)
    )
    status, output = _lint("--period", "2017-Q1")
    assert status == 1
    assert f"objective {empty.pk} O1 Grow to 500 members: [objective-no-kr]" in output
    assert "[objective-states-number]" in output
    assert f"kr {late.pk} " in output and "[kr-deadline-outside-period]" in output
    assert "3 finding(s) in 2017-Q1" in output


def test_team_filter_and_silence(q1) -> None:  # type: ignore[no-untyped-def]
    reps = f.team("reps")
    other = f.team("other")
    mine = f.objective(team=reps, period=q1, code="O1", title="Alone")
    f.objective(team=other, period=q1, code="O1", title="Also alone")
    status, output = _lint("--period", "2017-Q1", "--team", "reps")
    assert "1 finding(s)" in output and "Also alone" not in output
    _, said = _lint(
        "--period",
        "2017-Q1",
        "--silence",
        "objective-no-kr",
        "--objective",
        str(mine.pk),
        "--reason",
        "KRs come next week",
    )
    assert "silenced objective-no-kr" in said
    assert LintSilence.objects.get().reason == "KRs come next week"
    status, output = _lint("--period", "2017-Q1", "--team", "reps")
    assert (status, output.strip()) == (0, "0 finding(s) in 2017-Q1")
    status, output = _lint("--period", "2017-Q1", "--team", "reps", "--all")
    assert status == 1 and "Alone" in output


def test_silence_needs_an_item_of_the_period(q1) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(CommandError, match="not both or neither"):
        _lint("--period", "2017-Q1", "--silence", "weights")
    with pytest.raises(CommandError, match="no key result 999"):
        _lint("--period", "2017-Q1", "--silence", "weights", "--kr", "999")
    with pytest.raises(CommandError, match="unknown period"):
        _lint("--period", "1999-Q1")


def test_lint_runs_a_fixed_number_of_queries(q1) -> None:  # type: ignore[no-untyped-def]
    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            lint_period(q1, Objective.objects.all())
        return len(ctx.captured_queries)

    team = f.team()
    objective = f.objective(team=team, period=q1)
    f.key_result(objective=objective, title="Write the guide", direction="milestone")
    small = count()
    for n in range(8):
        extra = f.objective(team=team, period=q1, title=f"More {n}")
        for m in range(3):
            kr = f.key_result(
                objective=extra, title=f"Run the event number {n} {m}", direction="milestone"
            )
            LintSilence.objects.create(code="kr-activity", key_result=kr)
    assert count() == small == 3
