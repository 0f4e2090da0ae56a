"""Heartbeat calendars, plans, reviews, closure rates and carry-over, through the services."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError

from okrs.heartbeats import services as s
from okrs.heartbeats.models import Commitment, EventKind, Heartbeat, Outcome, PacketEvent
from okrs.heartbeats.selectors import (
    board_columns,
    calendar_team,
    closure_rates,
    heartbeats_for_team,
)
from tests import factories as f

pytestmark = pytest.mark.django_db
D = dt.date


def test_split_quarter_into_three_week_heartbeats_matches_the_reps_calendar() -> None:
    team, period = f.team("cdt"), f.period()
    beats = s.heartbeats_split(team=team, period=period, weeks=3)
    spans = [(b.name, b.start, b.end) for b in beats]
    assert spans[:2] == [
        ("Q1HB1", D(2017, 1, 1), D(2017, 1, 21)),
        ("Q1HB2", D(2017, 1, 22), D(2017, 2, 11)),
    ]
    # the 6-day tail (Mar 26-31) is merged into the last heartbeat
    assert spans[-1] == ("Q1HB4", D(2017, 3, 5), D(2017, 3, 31))
    assert Heartbeat.objects.filter(team=team).count() == 4


def test_another_years_quarter_gets_names_with_its_year() -> None:
    team = f.team("cdt")
    s.heartbeats_split(team=team, period=f.period(), weeks=3)
    next_year = f.period("2018-Q1", start=D(2018, 1, 1), end=D(2018, 3, 31))
    beats = s.heartbeats_split(team=team, period=next_year, weeks=3, start=D(2018, 2, 1))
    assert [b.name for b in beats] == ["2018Q1HB1", "2018Q1HB2", "2018Q1HB3"]


def test_split_into_two_week_heartbeats_from_a_chosen_day() -> None:
    team, period = f.team(), f.period()
    beats = s.heartbeats_split(team=team, period=period, weeks=2, start=D(2017, 1, 22))
    assert beats[0].start == D(2017, 1, 22) and beats[0].end == D(2017, 2, 4)
    assert all((b.end - b.start).days + 1 >= 7 for b in beats)
    assert beats[-1].end == D(2017, 3, 31)


@pytest.mark.parametrize("weeks", [1, 4])
def test_split_refuses_other_lengths(weeks: int) -> None:
    with pytest.raises(ValidationError, match="2 or 3 weeks"):
        s.heartbeats_split(team=f.team(), period=f.period(), weeks=weeks)


def test_split_is_all_or_nothing_when_a_heartbeat_is_in_the_way() -> None:
    team, period = f.team(), f.period()
    s.heartbeat_create(
        team=team, period=period, name="Special", start=D(2017, 3, 1), end=D(2017, 3, 10)
    )
    with pytest.raises(ValidationError, match="overlaps Special"):
        s.heartbeats_split(team=team, period=period, weeks=3)
    assert Heartbeat.objects.filter(team=team).count() == 1


def test_hand_set_heartbeat_outside_the_period_is_refused_in_words() -> None:
    with pytest.raises(ValidationError, match="must lie inside 2017-Q1"):
        s.heartbeat_create(
            team=f.team(), period=f.period(), name="X", start=D(2017, 3, 20), end=D(2017, 4, 5)
        )
    with pytest.raises(ValidationError, match="must come before"):
        s.heartbeat_create(
            team=f.team(), period=f.period(), name="X", start=D(2017, 3, 20), end=D(2017, 3, 1)
        )


def test_a_team_following_its_parent_sees_its_heartbeats_and_keeps_its_own_packets() -> None:
    cdt = f.team("cdt")
    reps = f.team("reps", parent=cdt, follows_parent_heartbeats=True)
    beats = s.heartbeats_split(team=cdt, period=f.period(), weeks=3)
    assert calendar_team(reps) == cdt
    assert list(heartbeats_for_team(reps)) == beats
    with pytest.raises(ValidationError, match="follows the heartbeat calendar"):
        s.heartbeats_split(team=reps, period=f.period(), weeks=2)
    mine = s.packet_create(team=reps, title="Reps packet", heartbeat=beats[1], actor=None)
    s.packet_create(team=cdt, title="CDT packet", heartbeat=beats[1], actor=None)
    columns = board_columns(reps, beats[1], AnonymousUser())
    assert [p.title for c in columns for p in c.packets] == [mine.title]


def test_packet_in_a_foreign_calendar_is_refused() -> None:
    other = f.heartbeat(start=D(2017, 1, 1), end=D(2017, 1, 14))
    with pytest.raises(ValidationError, match="not in the calendar"):
        s.packet_create(team=f.team(), title="x", heartbeat=other, actor=None)


def test_packet_status_must_be_known_and_change_is_recorded() -> None:
    packet = s.packet_create(team=f.team(), title="Draft guidelines", actor=None)
    with pytest.raises(ValidationError, match="status: 'finished'"):
        s.packet_set_status(packet=packet, status="finished", actor=None)
    lead = f.person()
    s.packet_set_status(packet=packet, status="in_progress", actor=lead)
    event = PacketEvent.objects.get(packet=packet, kind=EventKind.STATUS)
    assert (event.from_status, event.to_status, event.actor) == ("todo", "in_progress", lead)


def _planned(count_p1: int = 2, count_p2: int = 2):  # type: ignore[no-untyped-def]
    team = f.team()
    beats = s.heartbeats_split(team=team, period=f.period(), weeks=3)
    p1 = [s.packet_create(team=team, title=f"P1 {i}", actor=None) for i in range(count_p1)]
    p2 = [s.packet_create(team=team, title=f"P2 {i}", actor=None) for i in range(count_p2)]
    s.heartbeat_plan(
        heartbeat=beats[0],
        team=team,
        actor=None,
        note="Kick-off",
        commitments=[(p, "P1") for p in p1] + [(p, "P2") for p in p2],
    )
    return team, beats, p1, p2


def test_closure_rate_is_done_over_committed_per_priority() -> None:
    team, beats, p1, p2 = _planned(2, 3)
    s.packet_set_status(packet=p1[0], status="done", actor=None)
    s.packet_set_status(packet=p1[1], status="done", actor=None)
    s.packet_set_status(packet=p2[0], status="done", actor=None)
    rates = {r.priority: r for r in closure_rates(beats[0], team)}
    assert (rates["P1"].committed, rates["P1"].done, rates["P1"].rate) == (2, 2, 1.0)
    assert (rates["P2"].committed, rates["P2"].done) == (3, 1)
    assert rates["*"].rate == pytest.approx(3 / 5)


def test_review_records_outcomes_learned_and_demo_notes() -> None:
    team, beats, p1, p2 = _planned(1, 2)
    s.packet_set_status(packet=p1[0], status="done", actor=None)
    s.heartbeat_midpoint(heartbeat=beats[0], team=team, note="On track", on=D(2017, 1, 10))
    review = s.heartbeat_review(
        heartbeat=beats[0],
        team=team,
        actor=None,
        learned="Ask earlier",
        demo_notes="Demo",
        outcomes={p2[0].pk: (Outcome.CARRIED_OVER, "Waiting for legal")},
    )
    assert review.reviewed_at is not None and review.midpoint_note == "On track"
    by_packet = {c.packet_id: c for c in Commitment.objects.filter(heartbeat=beats[0])}
    assert by_packet[p1[0].pk].outcome == "done"
    assert by_packet[p2[0].pk].outcome == "carried_over"
    assert by_packet[p2[0].pk].reason == "Waiting for legal"
    assert by_packet[p2[1].pk].outcome == "not_done"
    with pytest.raises(ValidationError, match="not committed"):
        other = s.packet_create(team=team, title="x", actor=None)
        s.heartbeat_review(
            heartbeat=beats[0], team=team, actor=None, outcomes={other.pk: ("done", "")}
        )


def test_midpoint_outside_the_heartbeat_is_refused() -> None:
    team, beats, _, _ = _planned(1, 0)
    with pytest.raises(ValidationError, match="outside"):
        s.heartbeat_midpoint(heartbeat=beats[0], team=team, note="x", on=D(2017, 3, 1))


def test_carry_over_moves_unfinished_packets_and_keeps_history() -> None:
    team, beats, p1, p2 = _planned(2, 1)
    s.packet_set_status(packet=p1[0], status="done", actor=None)
    s.packet_set_status(packet=p2[0], status="blocked", actor=None)
    moved = s.carry_over(heartbeat=beats[0], team=team, actor=None, reason="Ran out of time")
    assert {p.pk for p in moved} == {p1[1].pk, p2[0].pk}
    p1[1].refresh_from_db()
    assert p1[1].heartbeat == beats[1]
    old = Commitment.objects.get(heartbeat=beats[0], packet=p1[1])
    new = Commitment.objects.get(heartbeat=beats[1], packet=p1[1])
    assert (old.outcome, old.reason) == ("carried_over", "Ran out of time")
    assert (new.priority, new.outcome) == ("P1", "")
    event = PacketEvent.objects.get(packet=p1[1], kind=EventKind.CARRIED_OVER)
    assert (event.from_heartbeat, event.to_heartbeat) == (beats[0], beats[1])
    # the finished packet stays, and the closure rate of the first heartbeat keeps counting it
    p1[0].refresh_from_db()
    assert p1[0].heartbeat == beats[0]
    rates = {r.priority: r for r in closure_rates(beats[0], team)}
    assert (rates["P1"].committed, rates["P1"].done) == (2, 1)


def test_carry_over_from_the_last_heartbeat_is_refused() -> None:
    team, beats, _, _ = _planned(1, 0)
    with pytest.raises(ValidationError, match="last heartbeat"):
        s.carry_over(heartbeat=beats[-1], team=team, actor=None)


def test_checklist_items_have_owner_and_due_date() -> None:
    packet = s.packet_create(team=f.team(), title="x", actor=None)
    alice = f.person("alice")
    item = s.checklist_item_add(packet=packet, text="Draft", owner=alice, due=D(2017, 2, 3))
    s.checklist_item_set_done(item=item, done=True)
    item.refresh_from_db()
    assert (item.owner_name, item.done, item.due) == ("alice", True, D(2017, 2, 3))
    with pytest.raises(ValidationError, match="needs a text"):
        s.checklist_item_add(packet=packet, text="  ")


def test_packet_may_move_krs_of_its_team_and_parents_only() -> None:
    cdt = f.team()
    reps = f.team(parent=cdt)
    parent_kr = f.key_result(objective=f.objective(team=cdt))
    stranger_kr = f.key_result()
    packet = s.packet_create(team=reps, title="x", actor=None, key_results=[parent_kr])
    assert list(packet.key_results.all()) == [parent_kr]
    with pytest.raises(ValidationError, match="belongs to another team"):
        s.packet_create(team=reps, title="y", actor=None, key_results=[stranger_kr])


def test_command_line_splits_and_adds_with_clear_errors(capsys) -> None:  # type: ignore[no-untyped-def]
    from django.core.management import CommandError, call_command

    f.team("cdt")
    f.period()
    call_command(
        "heartbeats",
        "split",
        "--team",
        "cdt",
        "--period",
        "2017-Q1",
        "--weeks",
        "3",
        "--start",
        "2017-01-22",
    )
    assert "cdt Q1HB1: 2017-01-22 to 2017-02-11" in capsys.readouterr().out
    with pytest.raises(CommandError, match="overlaps"):
        call_command(
            "heartbeats",
            "add",
            "--team",
            "cdt",
            "--period",
            "2017-Q1",
            "--name",
            "X",
            "--start",
            "2017-02-01",
            "--end",
            "2017-02-05",
        )
    with pytest.raises(CommandError, match="no such period"):
        call_command("heartbeats", "split", "--team", "cdt", "--period", "1999", "--weeks", "2")
