"""`okrs remind`: due per cadence, one email per owner, flag after three ignored reminders, weekly
digests that never show a lead what they may not read."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command

from okrs.core import reminders as rules
from okrs.goals.models import CheckIn
from okrs.reminders.models import ReminderState
from tests import factories as f

pytestmark = pytest.mark.django_db
START = dt.datetime(2017, 1, 1, 9, tzinfo=dt.UTC)


def at(days: float) -> dt.datetime:
    return START + dt.timedelta(days=days)


def remind(days: float, *extra: str) -> str:
    from io import StringIO

    out = StringIO()
    call_command("remind", "--now", at(days).isoformat(), *extra, stdout=out)
    return out.getvalue()


@pytest.fixture
def cast(settings: Any) -> dict[str, Any]:
    owner = f.person("ana", email="ana@example.org")
    lead = f.person("lea", email="lea@example.org")
    team = f.team("reps")
    f.membership(owner, team, "member")
    f.membership(lead, team, "lead")
    period = f.period()
    objective = f.objective(team=team, period=period, title="Grow")
    weekly = f.key_result(objective=objective, title="Weekly KR", owner=owner)
    monthly = f.key_result(objective=objective, title="Monthly KR", owner=owner, cadence="monthly")
    from okrs.goals.models import KeyResult

    KeyResult.objects.filter(pk__in=[weekly.pk, monthly.pk]).update(created_at=START)
    return {"owner": owner, "lead": lead, "team": team, "weekly": weekly, "monthly": monthly}


def _owner_mails() -> list[Any]:
    return [m for m in mail.outbox if m.to == ["ana@example.org"]]


def _record(kr: Any, days: float) -> None:
    checkin = CheckIn.objects.create(key_result=kr, value=1, at=at(days))
    CheckIn.objects.filter(pk=checkin.pk).update(recorded_at=at(days))


def test_due_follows_the_cadence() -> None:
    assert not rules.is_due(cadence="weekly", last_checkin=None, since=START, now=at(6.9))
    assert rules.is_due(cadence="weekly", last_checkin=None, since=START, now=at(7))
    assert not rules.is_due(cadence="twice_monthly", last_checkin=at(1), since=START, now=at(15))
    assert rules.is_due(cadence="monthly", last_checkin=at(1), since=START, now=at(31))


def test_owner_gets_one_email_for_the_due_key_results(cast: Any) -> None:
    remind(3, "--no-digests")
    assert _owner_mails() == []
    remind(8, "--no-digests")
    [message] = _owner_mails()
    assert "Weekly KR" in message.body and "Monthly KR" not in message.body
    remind(9, "--no-digests")  # reminded already this week
    assert len(_owner_mails()) == 1


def test_a_check_in_stops_the_reminders(cast: Any) -> None:
    _record(cast["weekly"], 6)
    remind(8, "--no-digests")
    assert _owner_mails() == []


def test_three_ignored_reminders_flag_the_kr_instead_of_a_fourth(cast: Any) -> None:
    outputs = [remind(day, "--no-digests") for day in (7, 14, 21, 28, 35, 42)]
    weekly_mails = [m for m in _owner_mails() if "Weekly KR" in m.body]
    assert len(weekly_mails) == 3
    state = ReminderState.objects.get(key_result=cast["weekly"])
    assert state.flagged_at == at(28) and state.ignored == 3
    assert "Flagged after three ignored reminders: reps: Weekly KR" in outputs[3]
    assert "Flagged" not in outputs[4]  # flagged once, not every run
    _record(cast["weekly"], 43)
    remind(44, "--no-digests")
    state.refresh_from_db()
    assert state.flagged_at is None and state.ignored == 0


def test_weekly_digest_to_the_lead(cast: Any) -> None:
    CheckIn.objects.create(key_result=cast["monthly"], value=3, at=at(40), note="steady")
    remind(45)
    [digest] = [m for m in mail.outbox if m.to == ["lea@example.org"]]
    assert "Weekly digest of Reps" in digest.subject
    assert "Monthly KR: 3" in digest.body  # what changed (recorded within the week)
    assert "ana: Weekly KR (never)" in digest.body  # who has not checked in
    off_track = digest.body.split("Off track:")[1].split("Not checked in")[0]
    assert "Monthly KR (grade 0.03" in off_track and "Weekly KR" not in off_track
    remind(47)
    assert len([m for m in mail.outbox if m.to == ["lea@example.org"]]) == 1  # weekly
    remind(53)
    assert len([m for m in mail.outbox if m.to == ["lea@example.org"]]) == 2


def test_digest_never_shows_private_objectives_to_a_lead_who_may_not_read_them(
    cast: Any,
) -> None:
    other = f.team("council")
    outside_lead = f.person("olga", email="olga@example.org")
    f.membership(outside_lead, other, "lead")
    secret = f.objective(team=cast["team"], title="Secret", visibility="private")
    hidden = f.key_result(objective=secret, title="Hidden KR", owner=cast["owner"])
    from okrs.goals.models import KeyResult

    KeyResult.objects.filter(pk=hidden.pk).update(created_at=START)
    remind(45)
    lea = next(m for m in mail.outbox if m.to == ["lea@example.org"])
    assert "Hidden KR" in lea.body  # a lead of the team may read it
    olga = next(m for m in mail.outbox if m.to == ["olga@example.org"])
    assert "Hidden KR" not in olga.body and "Weekly KR" not in olga.body


def test_owner_reminders_skip_what_the_owner_may_not_read(cast: Any) -> None:
    stranger = f.person("sam", email="sam@example.org")
    secret = f.objective(team=cast["team"], title="Secret", visibility="private")
    kr = f.key_result(objective=secret, title="Hidden KR", owner=stranger)
    from okrs.goals.models import KeyResult

    KeyResult.objects.filter(pk=kr.pk).update(created_at=START)
    remind(8, "--no-digests")
    assert [m for m in mail.outbox if m.to == ["sam@example.org"]] == []


def test_dry_run_sends_nothing(cast: Any) -> None:
    out = remind(8, "--dry-run")
    assert "would send: 1 (ana)" in out
    assert mail.outbox == [] and ReminderState.objects.count() == 0
