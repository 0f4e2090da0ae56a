"""The periodic tasks one by one, called as the worker calls them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from okrs.hooks.models import Delivery, DeliveryState
from okrs.hooks.services import subscription_create
from okrs.hooks.tasks import retry_stale_deliveries
from okrs.measures.models import PersonFact
from okrs.org.models import Cohort
from okrs.sync.models import DiscourseSync, SyncRun
from okrs.sync.tasks import sync_discourse_all
from okrs.talk.tasks import mirror_comments
from tests import factories as f
from tests.sync.fakes import FakeDiscourse

pytestmark = pytest.mark.django_db


def test_a_delivery_whose_task_was_lost_is_sent_by_the_sweep(receiver: Any) -> None:
    team = f.team("reps")
    hook = subscription_create(
        team=team, url=receiver.url, events=["checkin.recorded"], created_by=None
    )
    late = timezone.now() - dt.timedelta(minutes=5)
    lost = Delivery.objects.create(
        subscription=hook, event="checkin.recorded", payload={}, next_attempt_at=late
    )
    fresh = Delivery.objects.create(subscription=hook, event="checkin.recorded", payload={})
    assert retry_stale_deliveries.call() == 1  # the fresh one is its own task's
    lost.refresh_from_db()
    fresh.refresh_from_db()
    assert lost.state == DeliveryState.DELIVERED and fresh.state == DeliveryState.PENDING
    assert len(receiver.received) == 1


def test_the_daily_discourse_sync_repeats_what_the_command_set_up(settings: Any) -> None:
    cohort = Cohort.objects.create(slug="reps", name="Reps")
    person = f.person("bob")
    f.profile(person, discourse_username="bob")
    cohort.members.add(person)
    settings.OKRS_DISCOURSE_API_KEY, settings.OKRS_DISCOURSE_API_USERNAME = "dc-key", "system"
    fake = FakeDiscourse({"bob": [5]})
    fake.throttle_once = False
    with fake.server.running():
        call_command(
            "sync", "discourse", "--url", fake.server.url, "--cohort", "reps", "--category", "reps"
        )
        setup = DiscourseSync.objects.get()
        assert (setup.url, setup.categories) == (fake.server.url, ["reps"])
        fake.users["bob"] = []  # bob stops watching
        assert sync_discourse_all.call() == {"reps": "ok"}
    assert SyncRun.objects.filter(kind="discourse").count() == 2
    values = list(PersonFact.objects.order_by("observed_at").values_list("value", flat=True))
    assert values == ["true", "false"]
    [measure] = DBTaskResult.objects.filter(task_path="okrs.measures.tasks.measure_everything")
    assert measure.status == "READY"  # new facts: the computed key results are measured again


def test_mirroring_says_when_it_is_off(settings: Any) -> None:
    settings.OKRS_DISCOURSE_URL = ""
    assert "mirroring is off" in mirror_comments.call()


@pytest.mark.django_db(transaction=True)
def test_worker_batch_runs_what_is_ready_and_stops() -> None:
    from django_tasks import TaskResultStatus

    mirror_comments.enqueue()
    call_command("worker", "--batch", "--no-scheduler", "--interval", "0", verbosity=0)
    assert list(DBTaskResult.objects.values_list("status", flat=True)) == [
        TaskResultStatus.SUCCESSFUL
    ]


def test_each_due_repository_is_enqueued_once_per_interval() -> None:
    from okrs.sync.models import SyncState
    from okrs.sync.tasks import sync_due_repositories

    team = f.team("reps")
    hourly = SyncState.objects.create(repo="mozilla/reps", team=team)
    SyncState.objects.create(repo="mozilla/manual", team=team, sync_every_minutes=0)
    assert sync_due_repositories.call() == ["mozilla/reps"]
    assert sync_due_repositories.call() == []  # a second worker's tick finds it taken
    hourly.refresh_from_db()
    assert dt.timedelta(minutes=59) < hourly.next_sync_at - timezone.now() <= dt.timedelta(hours=1)
    [queued] = DBTaskResult.objects.filter(task_path="okrs.sync.tasks.sync_repository")
    assert queued.args_kwargs["args"] == [hourly.pk]
    SyncState.objects.filter(pk=hourly.pk).update(next_sync_at=timezone.now())
    assert sync_due_repositories.call() == ["mozilla/reps"]  # an hour later
