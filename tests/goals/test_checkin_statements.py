"""A check-in's statements: bounded whatever the history and the organization hold."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest

from okrs.goals import scores
from okrs.goals.models import KeyResult, Objective
from okrs.goals.services import checkin_create
from tests import factories as f

pytestmark = pytest.mark.django_db

AT = dt.datetime(2017, 2, 1, 12, tzinfo=dt.UTC)


def _key_result(history: int, others: int) -> KeyResult:
    period = f.period()
    child, parent = f.objective(period=period), f.objective(period=period)
    f.align(child, parent)
    kr = f.key_result(objective=child)
    for day in range(history):
        f.checkin(kr, 40 + day, AT - dt.timedelta(days=day + 1))
    for _ in range(others):  # objectives and key results the check-in has nothing to do with
        f.checkin(f.key_result(objective=f.objective(period=period)), 1, AT)
    return KeyResult.objects.select_related("objective__period").get(pk=kr.pk)


@pytest.mark.parametrize(("history", "others"), [(1, 0), (20, 10)])
def test_a_check_in_runs_the_same_statements_at_any_size(
    django_assert_max_num_queries: Any, history: int, others: int
) -> None:
    kr = _key_result(history, others)
    # every statement counted, transaction statements included (the service opens no savepoint
    # inside the test's transaction): the insert, the key result's kept scores, the graph above
    # it and what those objectives are scored from (one recursive query), their kept scores (one
    # UPDATE), their teams' kept rollups (one UPDATE) and the webhook outbox
    with django_assert_max_num_queries(6):
        checkin_create(key_result=kr, value=41, author=None, at=AT)
    assert scores.verify() == []  # the key result, the objectives and the teams' parts


def test_a_check_in_rolls_up_a_deep_chain_in_its_statements(
    django_assert_max_num_queries: Any,
) -> None:
    period = f.period()
    chain = [f.objective(period=period, code=f"O{n}") for n in range(6)]
    for child, parent in itertools.pairwise(chain):
        f.align(child, parent)
    kr = f.key_result(objective=chain[0], baseline=0, target=100)
    kr = KeyResult.objects.select_related("objective__period").get(pk=kr.pk)
    with django_assert_max_num_queries(6):
        checkin_create(key_result=kr, value=60, author=None, at=AT)
    top = Objective.objects.get(pk=chain[-1].pk)
    assert top.kept_grade == pytest.approx(0.6)  # five levels up, each with no key result
    assert scores.verify() == []


def test_a_check_in_that_changes_the_status_writes_one_outbox_row_in_six_statements(
    django_assert_max_num_queries: Any,
) -> None:
    """The status changes (no value yet → a value): webhooks, chat and inbox are one task row
    in the check-in's transaction, run by the worker; a rollback takes it away with the rest."""
    from django.db import transaction
    from django_tasks_db.models import DBTaskResult

    from okrs.talk.models import Notification
    from okrs.talk.services import follow_toggle
    from tests.worker.queue import tell_status_changes

    kr = _key_result(0, 10)
    follower = f.person("follower")
    f.membership(follower, kr.objective.team, "member")
    follow_toggle(target=kr, person=follower)
    with pytest.raises(RuntimeError), transaction.atomic():
        checkin_create(key_result=kr, value=41, author=None, at=AT)
        raise RuntimeError("abort")
    assert not DBTaskResult.objects.exists()
    kr = KeyResult.objects.select_related("objective__period").get(pk=kr.pk)
    with django_assert_max_num_queries(6):
        checkin_create(key_result=kr, value=41, author=None, at=AT)
    [row] = DBTaskResult.objects.all()
    assert row.task_path == "okrs.goals.tasks.tell_status_change"
    assert not Notification.objects.exists()
    assert tell_status_changes() == 1
    assert Notification.objects.filter(recipient=follower, kind="status").exists()
