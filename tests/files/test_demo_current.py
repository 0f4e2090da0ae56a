"""`okrs demo` also loads the Reps program's current quarter (dates relative to today, marked
illustrative, a few check-ins) so a newcomer's check-in counts, and a generated password for the
demo people."""

from __future__ import annotations

import datetime as dt
import stat

import pytest
from django.utils import timezone

from okrs.files.demo_current import demo_login, load_current_quarter, quarter_of
from okrs.goals.models import Alignment, CheckIn, KeyResult, Objective
from okrs.goals.selectors import current_period
from okrs.heartbeats.models import Heartbeat
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_teams():  # type: ignore[no-untyped-def]
    cdt = f.team("cdt", name="Community Development Team")
    reps = f.team("reps", name="Mozilla Reps", parent=cdt, follows_parent_heartbeats=True)
    # their roles as the 2017 demo file gives them: owners are leads or members of the team
    for name, team, role in (("kestrel", cdt, "lead"), ("juniper", reps, "lead"),
                             ("marlow", reps, "member")):  # fmt: skip
        person = f.person(name)
        person.set_unusable_password()
        person.save()
        f.membership(person, team, role)
    return cdt, reps


def test_quarter_of_a_day() -> None:
    assert quarter_of(dt.date(2026, 12, 2)) == (
        "2026-Q4",
        "Q4 2026",
        dt.date(2026, 10, 1),
        dt.date(2026, 12, 31),
    )
    assert quarter_of(dt.date(2027, 2, 28))[2:] == (dt.date(2027, 1, 1), dt.date(2027, 3, 31))


def test_the_current_quarter_is_loaded_once_around_today(demo_teams) -> None:  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    assert "2 objectives, 4 key results" in load_current_quarter()
    period = current_period()
    assert period is not None and period.contains(today)
    objectives = Objective.objects.filter(period=period)
    assert objectives.count() == 2 and all(o.illustrative for o in objectives)
    assert all(o.state == "published" and "Illustrative" in o.description for o in objectives)
    reps = objectives.get(team__slug="reps")
    assert Alignment.objects.filter(child=reps, parent__team__slug="cdt").exists()
    directions = set(KeyResult.objects.filter(objective=reps).values_list("direction", flat=True))
    assert directions == {"increase", "decrease", "milestone"}
    end_of_today = timezone.now()
    assert all(c.at <= end_of_today for c in CheckIn.objects.filter(key_result__objective=reps))
    assert Heartbeat.objects.filter(team__slug="cdt", period=period).count() >= 4
    assert "already loaded" in load_current_quarter()
    assert Objective.objects.filter(period=period).count() == 2


def test_the_demo_password_is_generated_once_per_installation(demo_teams, tmp_path) -> None:  # type: ignore[no-untyped-def]
    first = demo_login(tmp_path / "one")
    other = f.person("outsider")
    assert first.created and len(first.password) >= 16
    assert stat.S_IMODE((tmp_path / "one" / "demo-password").stat().st_mode) == 0o600
    juniper = type(other).objects.get(username="juniper")
    assert juniper.check_password(first.password)
    assert (
        not type(other).objects.get(username="outsider").has_usable_password()
    )  # not a demo person
    juniper.set_password("chosen by juniper")
    juniper.save()
    again = demo_login(tmp_path / "one")
    assert (again.password, again.created) == (first.password, False)
    juniper.refresh_from_db()
    assert juniper.check_password("chosen by juniper")  # a password a person chose stays
    elsewhere = demo_login(tmp_path / "two")
    assert elsewhere.password != first.password  # never a fixed password


def test_a_first_quarter_gets_heartbeats_named_with_its_year(demo_teams) -> None:  # type: ignore[no-untyped-def]
    cdt, _ = demo_teams
    old = f.period("2017-Q1", start=dt.date(2017, 1, 1), end=dt.date(2017, 3, 31))
    f.heartbeat(
        team=cdt, period=old, name="Q1HB1", start=dt.date(2017, 1, 2), end=dt.date(2017, 1, 22)
    )
    assert "4 heartbeats" in load_current_quarter(today=dt.date(2027, 2, 10))
    names = list(
        Heartbeat.objects.filter(team=cdt, period__slug="2027-Q1")
        .order_by("start")
        .values_list("name", flat=True)
    )
    assert names == ["2027Q1HB1", "2027Q1HB2", "2027Q1HB3", "2027Q1HB4"]
