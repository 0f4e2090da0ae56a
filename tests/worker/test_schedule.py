"""The scheduler's tick: a due job is enqueued once as a task, missed firings coalesce, a job is
first fired at its next time after the worker first sees it, and `off` switches it off."""

from __future__ import annotations

import datetime as dt

import pytest
from django_tasks_db.models import DBTaskResult

from okrs.worker.models import ScheduleRun
from okrs.worker.schedule import JOBS, tick

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 3, 2, 7, 0, 30, tzinfo=dt.UTC)


def test_first_seen_jobs_wait_for_their_next_time() -> None:
    assert tick(NOW) == []
    assert set(ScheduleRun.objects.values_list("name", flat=True)) == {j.name for j in JOBS}
    assert not DBTaskResult.objects.exists()
    assert set(tick(NOW + dt.timedelta(minutes=1))) == {"github", "mirror", "webhooks", "chat"}


def test_a_due_job_is_enqueued_once_and_missed_firings_coalesce(settings) -> None:  # type: ignore[no-untyped-def]
    for name in ("GITHUB", "MIRROR", "WEBHOOKS", "DISCOURSE", "MEASURE", "CHAT", "CHAT_DIGEST"):
        setattr(settings, f"OKRS_SCHEDULE_{name}", None)  # off: only the reminders here
    tick(NOW)
    ScheduleRun.objects.filter(name="reminders").update(last_at=NOW - dt.timedelta(days=3))
    assert tick(NOW) == ["reminders"]  # three missed mornings: one run
    assert tick(NOW) == []
    assert tick(NOW + dt.timedelta(hours=23)) == []  # tomorrow 06:00:30: not yet
    assert tick(NOW + dt.timedelta(days=1)) == ["reminders"]
    tasks = list(DBTaskResult.objects.values_list("task_path", flat=True))
    assert tasks == ["okrs.reminders.tasks.send_reminders"] * 2
    row = ScheduleRun.objects.get(name="reminders")
    assert row.last_task_id == str(DBTaskResult.objects.latest("enqueued_at").id)
