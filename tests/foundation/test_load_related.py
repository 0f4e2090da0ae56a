"""`okrs.sqlread.load_related`, one written-out query, against the ORM's `select_related` it
stands for: the same row and related rows, every field read the same (times aware on both
databases), the relations followed without a query, None for a nullable key left empty, and
None for no such row."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.db.models import Model
from django.test.utils import CaptureQueriesContext

from okrs.goals.models import KeyResult, Objective
from okrs.heartbeats.models import WorkPacket
from okrs.sqlread import load_related
from tests import factories as f

pytestmark = pytest.mark.django_db


def _fields(instance: Model | None) -> dict[str, Any] | None:
    if instance is None:
        return None
    return {
        field.attname: getattr(instance, field.attname) for field in instance._meta.concrete_fields
    }


def _same_as_select_related(model: type[Model], pk: int, *paths: str) -> Model:
    expected = model.objects.select_related(*paths).get(pk=pk)
    with CaptureQueriesContext(connection) as queries:
        got = load_related(model, pk, *paths)
        for path in paths:  # every instance along every path, followed without a query
            ours, theirs = got, expected
            for name in path.split("__"):
                ours, theirs = getattr(ours, name), getattr(theirs, name)
                assert _fields(ours) == _fields(theirs), path
                if ours is None:
                    break
    assert len(queries) == 1
    assert _fields(got) == _fields(expected)
    return got  # type: ignore[return-value]


def test_a_key_result_with_its_objective_team_period_and_owner() -> None:
    owner = f.person("owner", email="owner@example.org")
    parent = f.team("parent")
    kr = f.key_result(
        objective=f.objective(team=f.team("child", parent=parent), owner=owner),
        owner=owner,
        deadline=dt.date(2017, 2, 1),
        target_high=150.0,
    )
    got = _same_as_select_related(KeyResult, kr.pk, "objective__team", "objective__period", "owner")
    assert got.updated_at.tzinfo is not None and got.objective.team.parent_id == parent.pk


def test_a_nullable_key_left_empty_reads_none() -> None:
    kr = f.key_result()
    assert _same_as_select_related(KeyResult, kr.pk, "objective__team", "owner").owner is None
    packet = f.packet()
    assert _same_as_select_related(WorkPacket, packet.pk, "team", "heartbeat").heartbeat is None


def test_an_objective_and_a_packet_with_their_relations() -> None:
    objective = f.objective(owner=f.person("someone"))
    _same_as_select_related(Objective, objective.pk, "team", "period", "owner")
    heartbeat = f.heartbeat(start=dt.date(2017, 1, 2), end=dt.date(2017, 1, 20))
    packet = f.packet(heartbeat=heartbeat)
    _same_as_select_related(WorkPacket, packet.pk, "team", "heartbeat__period")


def test_no_such_row_reads_none() -> None:
    assert load_related(KeyResult, 10**9, "objective__team") is None
