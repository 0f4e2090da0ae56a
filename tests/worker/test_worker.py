"""The worker as it runs in production: a real `okrs worker` process on the test database (SQLite
or PostgreSQL, whichever the suite runs on) delivers webhooks, retries them after a failure, and
runs the reminders and a GitHub sync when their schedule says so. Nothing is run by hand: the test
only writes data, as the web process would, and watches the outcome."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from okrs.goals.models import KeyResult
from okrs.goals.services import checkin_create
from okrs.hooks.models import Attempt, Delivery, DeliveryState
from okrs.hooks.services import subscription_create
from okrs.reminders.models import ReminderState
from okrs.sync.models import IssueLink, RunStatus, SyncRun, SyncState
from okrs.worker.models import ScheduleRun
from tests import factories as f
from tests.sync.fakes import REPO, FakeGitHub, gh_issue

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[2]


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def _eventually(check: Callable[[], Any], what: str, timeout: float = 30.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.1)
    raise AssertionError(f"the worker did not {what} within {timeout:.0f}s")


@pytest.fixture
def start_worker(tmp_path: Path) -> Iterator[Callable[..., subprocess.Popen[str]]]:
    started: list[subprocess.Popen[str]] = []

    def start(**env: str) -> subprocess.Popen[str]:
        environ = {
            **os.environ,
            "OKRS_DATABASE_URL": _database_url(),
            "OKRS_VAR_DIR": str(settings.VAR_DIR),
            "OKRS_SCHEDULER_TICK": "0.2",
            "OKRS_WEBHOOK_ALLOW_PRIVATE": "1",
            "OKRS_WEBHOOK_BACKOFF_SECONDS": "0.5",
            "OKRS_EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
            **env,
        }
        process = subprocess.Popen(
            [sys.executable, "-m", "okrs.cli", "worker", "--interval", "0.1"],
            cwd=ROOT,
            env=environ,
            stdout=(tmp_path / f"worker{len(started)}.log").open("w"),
            stderr=subprocess.STDOUT,
            text=True,
        )
        started.append(process)
        return process

    yield start
    for process in started:
        process.terminate()  # SIGTERM: the worker stops gracefully
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_a_webhook_is_delivered_and_retried_after_a_failure(start_worker, receiver) -> None:  # type: ignore[no-untyped-def]
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    receiver.status = 500
    lead, team = f.person("lead"), f.team("reps")
    f.membership(lead, team, "lead")
    kr = f.key_result(objective=f.objective(team=team))
    subscription_create(team=team, url=receiver.url, events=["checkin.recorded"], created_by=lead)
    worker = start_worker()
    checkin_create(key_result=kr, value=3, author=lead, at=dt.datetime(2017, 2, 1, tzinfo=dt.UTC))

    _eventually(lambda: len(receiver.received) >= 1, "make the first attempt")
    receiver.status = 200
    delivery = _eventually(
        lambda: Delivery.objects.filter(state=DeliveryState.DELIVERED).first(), "retry"
    )
    assert delivery.attempts == 2
    log = list(Attempt.objects.filter(delivery=delivery).values_list("status_code", flat=True))
    assert log == [500, 200]
    assert len(receiver.received) == 2

    def statuses() -> list[tuple[str, str]]:
        tasks = DBTaskResult.objects.order_by("enqueued_at").values_list("task_path", "status")
        return list(tasks)

    # the task is marked successful just after the delivery is recorded
    _eventually(
        lambda: TaskResultStatus.RUNNING not in [s for _, s in statuses()], "finish the task"
    )
    # the first value changed the status: the check-in's outbox row (the worker wrote the
    # delivery from it), then the failed attempt and its retry
    assert statuses() == [
        ("okrs.goals.tasks.tell_status_change", TaskResultStatus.SUCCESSFUL),
        ("okrs.hooks.tasks.deliver_webhook", TaskResultStatus.FAILED),
        ("okrs.hooks.tasks.deliver_webhook", TaskResultStatus.SUCCESSFUL),
    ]
    assert worker.poll() is None


def test_reminders_and_a_github_sync_run_on_schedule(start_worker, settings) -> None:  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    owner = f.person("ana", email="ana@example.org")
    team = f.team("reps")
    f.membership(owner, team, "member")
    period = f.period("now", start=today - dt.timedelta(days=20), end=today + dt.timedelta(days=60))
    kr = f.key_result(objective=f.objective(team=team, period=period), owner=owner)
    KeyResult.objects.filter(pk=kr.pk).update(created_at=timezone.now() - dt.timedelta(days=9))
    # The schedule's state as a worker that ran yesterday left it: today's 07:00 reminders and
    # this minute's GitHub check are due.
    yesterday = timezone.now() - dt.timedelta(days=1)
    ScheduleRun.objects.create(name="reminders", last_at=yesterday)
    ScheduleRun.objects.create(name="github", last_at=yesterday)
    github = FakeGitHub()
    github.issues = [gh_issue(7, "Write the onboarding guide", updated_at="2017-01-20T10:00:00Z")]
    SyncState.objects.create(repo=REPO, team=team, sync_every_minutes=60)

    with github.server.running():
        start_worker(OKRS_GITHUB_API_URL=github.server.url)
        state = _eventually(
            lambda: (
                ReminderState.objects.filter(key_result=kr, last_reminded_at__isnull=False)
                .select_related("key_result")
                .first()
            ),
            "send the reminder",
        )
        run = _eventually(
            lambda: SyncRun.objects.filter(kind="github").exclude(status=RunStatus.RUNNING).first(),
            "run the GitHub sync",
        )
    assert state.last_reminded_at > yesterday
    assert run.status == RunStatus.OK, run.error
    assert IssueLink.objects.get().packet.title == "Write the onboarding guide"
    synced = SyncState.objects.get()
    assert synced.next_sync_at - timezone.now() > dt.timedelta(minutes=58)  # next in an hour
    fired = ScheduleRun.objects.get(name="reminders")
    assert fired.last_at > yesterday and fired.last_task_id
