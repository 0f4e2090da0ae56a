"""The database itself refuses invalid data, whatever path it comes from."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from okrs.goals.models import Alignment, KeyResult, Objective, Period
from okrs.heartbeats.models import Heartbeat
from tests import factories as f

pytestmark = pytest.mark.django_db


def refused(create) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


def test_period_start_must_precede_end() -> None:
    refused(
        lambda: Period.objects.create(
            slug="bad", start=dt.date(2017, 3, 1), end=dt.date(2017, 1, 1)
        )
    )


def test_weights_must_be_positive() -> None:
    objective = f.objective()
    refused(lambda: f.objective(team=objective.team, weight=0))
    refused(lambda: f.key_result(objective=objective, weight=-1))
    other = f.objective()
    refused(lambda: Alignment.objects.create(child=objective, parent=other, weight=0))


def test_key_result_needs_a_target_unless_milestone() -> None:
    objective = f.objective()
    refused(lambda: KeyResult.objects.create(objective=objective, title="x", direction="increase"))
    milestone = KeyResult.objects.create(objective=objective, title="done", direction="milestone")
    assert milestone.target is None


def test_range_key_result_needs_both_bounds_in_order() -> None:
    objective = f.objective()
    refused(
        lambda: f.key_result(objective=objective, direction="range", target=1, target_high=None)
    )
    refused(lambda: f.key_result(objective=objective, direction="range", target=5, target_high=1))
    ok = f.key_result(objective=objective, direction="range", target=1, target_high=5)
    assert ok.pk


def test_increase_and_decrease_targets_lie_beyond_the_baseline() -> None:
    objective = f.objective()
    refused(lambda: f.key_result(objective=objective, direction="increase", baseline=10, target=5))
    refused(lambda: f.key_result(objective=objective, direction="decrease", baseline=1, target=5))


def test_alignment_cannot_point_at_itself_nor_repeat() -> None:
    child, parent = f.objective(), f.objective()
    refused(lambda: Alignment.objects.create(child=child, parent=child))
    f.align(child, parent)
    refused(lambda: f.align(child, parent))


def test_objective_codes_are_unique_per_team_and_period_but_may_be_blank() -> None:
    first = f.objective(code="O1")
    refused(lambda: f.objective(team=first.team, code="O1"))
    f.objective(team=first.team, code="")
    f.objective(team=first.team, code="")
    assert Objective.objects.filter(team=first.team).count() == 3


def test_checkin_confidence_lies_between_zero_and_one() -> None:
    kr = f.key_result()
    refused(lambda: f.checkin(kr, 1, "2017-01-10T00:00:00", confidence=1.5))


def test_heartbeats_stay_inside_their_period() -> None:
    team = f.team()
    period = f.period()
    refused(
        lambda: Heartbeat.objects.create(
            team=team,
            period=period,
            name="HB0",
            start=dt.date(2016, 12, 20),
            end=dt.date(2017, 1, 7),
        )
    )


def test_heartbeats_of_one_calendar_never_overlap() -> None:
    team = f.team()
    period = f.period()
    first = f.heartbeat(
        team=team, period=period, start=dt.date(2017, 1, 22), end=dt.date(2017, 2, 11)
    )
    refused(
        lambda: f.heartbeat(
            team=team, period=period, start=dt.date(2017, 2, 11), end=dt.date(2017, 3, 3)
        )
    )
    second = f.heartbeat(
        team=team, period=period, start=dt.date(2017, 2, 12), end=dt.date(2017, 3, 4)
    )
    # another team's calendar may overlap
    f.heartbeat(period=period, start=dt.date(2017, 1, 22), end=dt.date(2017, 2, 11))
    second.start = dt.date(2017, 2, 1)
    refused(lambda: second.save())
    first.end = dt.date(2017, 2, 10)
    first.save()  # moving a heartbeat within its own span is fine
    assert Heartbeat.objects.filter(team=team).count() == 2


def test_heartbeat_clean_explains_the_rule_in_words() -> None:
    period = f.period()
    heartbeat = Heartbeat(
        team=f.team(),
        period=period,
        name="HB9",
        start=dt.date(2017, 3, 20),
        end=dt.date(2017, 4, 9),
    )
    with pytest.raises(ValidationError, match="inside 2017-Q1"):
        heartbeat.clean()


def test_key_result_clean_names_the_field() -> None:
    kr = KeyResult(
        objective=f.objective(), title="x", direction="increase", baseline=0, target=None
    )
    with pytest.raises(ValidationError) as caught:
        kr.clean()
    assert "target" in caught.value.message_dict


def test_key_result_deadline_must_lie_inside_the_period() -> None:
    kr = KeyResult(
        objective=f.objective(),
        title="x",
        direction="increase",
        target=5,
        deadline=dt.date(2017, 5, 1),
    )
    with pytest.raises(ValidationError) as caught:
        kr.clean()
    assert "deadline" in caught.value.message_dict
