"""Scores of a period: latest values found in SQL, graded and rolled up by the core rules."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from okrs.goals import scores
from okrs.goals.access import visible_objectives
from okrs.goals.history import grades_on
from okrs.goals.models import Alignment, Objective
from okrs.goals.selectors import scoreboard, scoring_day
from okrs.goals.services import checkin_create
from tests import factories as f

pytestmark = pytest.mark.django_db


def grades(period, objectives, *, on=None):  # type: ignore[no-untyped-def]
    """The objectives graded from the history as of the day a page would read for `on`."""
    return grades_on(period, objectives, scoring_day(period, on))


@pytest.fixture
def reps() -> dict[str, object]:
    """A parent team objective and a program objective contributing to it, with known values."""
    period = f.period()
    cdt = f.team("cdt", name="Community Development Team")
    reps = f.team("reps", name="Mozilla Reps", parent=cdt)
    parent = f.objective(team=cdt, period=period, code="O1", title="Mobilizers are unified")
    child = f.objective(team=reps, period=period, code="O1", title="Unified approach")
    nps = f.key_result(
        objective=child,
        code="KR3",
        title="Core community sentiment > 11.5 NPS",
        direction="at_least",
        baseline=5.0,
        target=11.5,
        unit="NPS",
    )
    feedback = f.key_result(
        objective=child,
        code="KR5",
        title="At least 50 Reps have given feedback",
        direction="increase",
        baseline=0,
        target=50,
        unit="people",
        weight=3,
    )
    f.checkin(nps, 8.25, "2017-02-01T10:00:00", confidence=0.9)
    f.checkin(nps, 11.5, "2017-03-20T10:00:00", confidence=0.9)
    f.checkin(feedback, 10, "2017-02-10T10:00:00", confidence=0.8)
    f.align(child, parent)
    return {"period": period, "parent": parent, "child": child, "nps": nps, "feedback": feedback}


def test_latest_value_as_of_a_day_drives_progress_and_grade(reps) -> None:  # type: ignore[no-untyped-def]
    board = scoreboard(reps["period"], Objective.objects.all(), on=dt.date(2017, 2, 15))
    child_row = next(r for r in board.objectives if r.objective == reps["child"])
    nps_row, feedback_row = child_row.key_results
    assert nps_row.score.value == 8.25  # the March value is not yet known on Feb 15
    assert nps_row.score.progress == pytest.approx(
        0.5
    )  # (8.25 - 5) / (11.5 - 5), from the baseline
    assert feedback_row.score.grade == pytest.approx(0.2)
    # objective grade: weighted mean (1 × 0.5 + 3 × 0.2) / 4
    assert child_row.grade == pytest.approx(0.275)
    # expected on Feb 15: 45 of 89 days of the quarter
    assert nps_row.score.expected == pytest.approx(45 / 89)


def test_parent_objective_rolls_up_its_contributors(reps) -> None:  # type: ignore[no-untyped-def]
    board = scoreboard(reps["period"], Objective.objects.all(), on=dt.date(2017, 3, 31))
    parent_row = next(r for r in board.objectives if r.objective == reps["parent"])
    child_row = next(r for r in board.objectives if r.objective == reps["child"])
    assert child_row.grade == pytest.approx((1.0 + 3 * 0.2) / 4)
    assert parent_row.grade == pytest.approx(child_row.grade)  # its only input is the child
    assert [t.team.slug for t in board.teams] == ["cdt", "reps"]


def test_status_follows_pace_and_confidence(reps) -> None:  # type: ignore[no-untyped-def]
    on = dt.date(2017, 3, 31)
    board = scoreboard(reps["period"], Objective.objects.all(), on=on)
    child_row = next(r for r in board.objectives if r.objective == reps["child"])
    # at the deadline the status is final: achieved or missed, never "on track"
    assert child_row.key_results[0].score.status == "achieved"  # target met
    assert child_row.key_results[1].score.status == "missed"  # 20% at the deadline
    day_before = dt.date(2017, 3, 30)
    board = scoreboard(reps["period"], Objective.objects.all(), on=day_before)
    child_row = next(r for r in board.objectives if r.objective == reps["child"])
    assert child_row.key_results[1].score.status == "off_track"  # 20% the day before
    checkin_create(
        key_result=reps["feedback"],
        value=48,
        author=None,
        confidence=0.9,
        at=dt.datetime(2017, 3, 30, tzinfo=dt.UTC),
    )
    board = scoreboard(reps["period"], Objective.objects.all(), on=day_before)
    child_row = next(r for r in board.objectives if r.objective == reps["child"])
    assert child_row.key_results[1].score.status == "on_track"  # 96% ≥ 90% of expected
    board = scoreboard(reps["period"], Objective.objects.all(), on=on)
    child_row = next(r for r in board.objectives if r.objective == reps["child"])
    assert child_row.key_results[1].score.status == "missed"  # 96% of the target, final


def test_kept_scores_follow_each_change_of_rule_deadline_and_day(reps) -> None:  # type: ignore[no-untyped-def]
    """A changed target, baseline, deadline or day is graded anew, never served from before."""
    period, feedback = reps["period"], reps["feedback"]
    on = dt.date(2017, 2, 15)

    def feedback_grade(day: dt.date = on) -> float:
        return grades(period, Objective.objects.all(), on=day).key_results[feedback.pk].grade

    assert feedback_grade() == pytest.approx(10 / 50)
    feedback.target = 20
    feedback.save()
    assert feedback_grade() == pytest.approx(10 / 20)
    feedback.baseline = 5
    feedback.save()
    assert feedback_grade() == pytest.approx(5 / 15)
    graded = grades(period, Objective.objects.all(), on=on)
    expected_before = graded.key_results[feedback.pk].expected
    feedback.deadline = dt.date(2017, 2, 20)
    feedback.save()
    assert (
        grades(period, Objective.objects.all(), on=on).key_results[feedback.pk].expected
        > expected_before
    )
    assert feedback_grade(dt.date(2017, 2, 5)) is None  # before its first check-in


def test_history_is_kept_when_checking_in(reps) -> None:  # type: ignore[no-untyped-def]
    kr = reps["feedback"]
    before = kr.checkins.count()
    checkin_create(key_result=kr, value=20, author=None, at=dt.datetime(2017, 2, 20, tzinfo=dt.UTC))
    checkin_create(key_result=kr, value=20, author=None, at=dt.datetime(2017, 2, 20, tzinfo=dt.UTC))
    assert kr.checkins.count() == before + 2


def _objectives_with_krs(count: int) -> None:
    period = f.period()
    team = f.team()
    for _ in range(count):
        objective = f.objective(team=team, period=period)
        for value in (10, 60):
            kr = f.key_result(objective=objective)
            f.checkin(kr, value, "2017-02-01T00:00:00")


def test_scoreboard_runs_the_same_queries_whatever_the_size() -> None:
    _objectives_with_krs(2)
    period = f.period()
    with CaptureQueriesContext(connection) as small:
        scoreboard(period, Objective.objects.all())
    _objectives_with_krs(20)
    with CaptureQueriesContext(connection) as large:
        board = scoreboard(period, Objective.objects.all())
    assert len(board.objectives) == 22
    # the objectives shown, the rollups (a row per team), the key results shown
    assert len(large) == len(small) <= 3


def test_grades_from_the_history_read_three_queries_and_match_the_kept_scoreboard() -> None:
    _objectives_with_krs(3)
    period = f.period()
    child, parent = Objective.objects.order_by("pk")[:2]
    Alignment.objects.create(child=child, parent=parent, weight=1.0)
    with CaptureQueriesContext(connection) as queries:
        graded = grades(period, Objective.objects.all())
    assert len(queries) == 3
    board = scoreboard(period, Objective.objects.all())
    for row in board.objectives:
        assert graded.objectives[row.objective.pk].grade == pytest.approx(row.grade)
        assert graded.objectives[row.objective.pk].status == row.status
    assert graded.organization == pytest.approx(board.grade)
    # the parent's grade rolls up its own KRs (0.1 and 0.6 → 0.35 each) and its child's
    assert graded.objectives[parent.pk].grade == pytest.approx(0.35)


def test_a_filtered_board_rolls_up_over_its_scope() -> None:
    """Shown alone, an objective keeps the grade its contributors give it on the overview."""
    period = f.period()
    team, other = f.team(), f.team()
    parent = f.objective(team=team, period=period)
    f.checkin(f.key_result(objective=parent), 0, "2017-02-01T00:00:00")
    child = f.objective(team=other, period=period)
    f.checkin(f.key_result(objective=child), 100, "2017-02-01T00:00:00")
    f.align(child, parent, weight=1.0)
    alone = scoreboard(period, Objective.objects.filter(pk=parent.pk))
    with_scope = scoreboard(
        period, Objective.objects.filter(pk=parent.pk), scope=Objective.objects.all()
    )
    # grades are kept on write over the whole alignment graph: alike on every page
    assert alone.objectives[0].grade == pytest.approx(0.5)
    assert with_scope.objectives[0].grade == pytest.approx(0.5)
    assert [row.objective for row in with_scope.objectives] == [parent]


def test_anonymous_readers_see_only_published_public_objectives(reps) -> None:  # type: ignore[no-untyped-def]
    draft = f.objective(team=reps["child"].team, state="draft", title="Secret draft")
    private = f.objective(team=reps["child"].team, visibility="private", title="Private plan")
    hidden_team = f.team(visibility="private")
    hidden = f.objective(team=hidden_team, title="Hidden team goal")
    visible = set(visible_objectives(AnonymousUser()))
    assert reps["child"] in visible
    assert not {draft, private, hidden} & visible
    member = f.person()
    f.membership(member, reps["child"].team)
    assert {draft, private} <= set(visible_objectives(member))
    assert hidden not in set(visible_objectives(member))


def test_score_command_prints_json_with_every_kr(reps, capsys) -> None:  # type: ignore[no-untyped-def]
    call_command("score", "--period", "2017-Q1", "--on", "2017-02-15", "--format", "json")
    data = json.loads(capsys.readouterr().out)
    assert data["period"] == "2017-Q1" and data["on"] == "2017-02-15"
    reps_team = next(t for t in data["items"] if t["slug"] == "reps")
    krs = reps_team["objectives"][0]["key_results"]
    assert [k["code"] for k in krs] == ["KR3", "KR5"]
    assert krs[0]["value"] == 8.25 and krs[0]["progress"] == 0.5 and krs[0]["unit"] == "NPS"
    assert krs[1]["status"] == "off_track"


def test_score_command_prints_a_table(reps, capsys) -> None:  # type: ignore[no-untyped-def]
    call_command("score", "--period", "2017-Q1", "--on", "2017-02-15")
    out = capsys.readouterr().out
    assert "Core community sentiment" in out and "8.25 NPS" in out and "50%" in out


def test_score_command_refuses_unknown_period(reps) -> None:  # type: ignore[no-untyped-def]
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="unknown period '2099-Q1'") as caught:
        call_command("score", "--period", "2099-Q1")
    assert caught.value.returncode == 2


def test_the_period_score_counts_what_is_measured_and_leaves_archived_key_results_out(reps) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    from okrs.goals.serializers import period_score

    period = reps["period"]
    other = f.team("mobilizers", name="Mobilizers")
    third = f.objective(team=other, period=period, code="M1", title="Campus")
    f.key_result(objective=third, code="K1", title="No check-in", deadline=dt.date(2017, 2, 15))
    gone = f.key_result(objective=third, code="K2", title="Archived one")
    gone.archived = True
    gone.save()
    scores.refresh([third.pk])  # what the services do on a change
    for on in (None, dt.date(2017, 2, 5), dt.date(2017, 3, 31)):
        document = period_score(period, Objective.objects.all(), on=on)
        assert len(document["items"]) == 3 and "Archived one" not in str(document)
        mobilizers = next(t for t in document["items"] if t["slug"] == "mobilizers")
        assert (mobilizers["measured"], mobilizers["total"]) == (0, 1)
        assert mobilizers["objectives"][0]["total"] == 1
        assert document["total"] == sum(t["total"] for t in document["items"])


def test_the_plain_period_score_reads_a_fixed_number_of_queries(reps) -> None:  # type: ignore[no-untyped-def]
    from okrs.goals.serializers import period_score

    period = reps["period"]
    with CaptureQueriesContext(connection) as small:
        period_score(period, Objective.objects.all())
    _objectives_with_krs(10)
    with CaptureQueriesContext(connection) as large:
        period_score(period, Objective.objects.all())
    assert len(small) == len(large) <= 6
