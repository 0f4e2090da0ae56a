"""The periodic part of the background work: which task runs when, and the tick that enqueues it.

Each job is a django-tasks task fired on a schedule read from the environment (OKRS_SCHEDULE_*,
see `okrs.config.env_schedule`): a crontab line (`0 7 * * *`, in TIME_ZONE) or an interval
(`every 5m`); `off` switches the job off. APScheduler's triggers compute the firing times; the
firing itself is a compare-and-set on `ScheduleRun.last_at` in the transaction that enqueues the
task, so any number of workers may run the scheduler and each firing is enqueued once. Missed
firings (the worker was stopped) coalesce into one when it starts again.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import close_old_connections, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from okrs.worker.models import ScheduleRun

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    name: str
    task: str  # dotted path of a django-tasks task taking no arguments
    setting: str  # the setting holding its schedule (a trigger, or None when off)


JOBS = (
    Job("reminders", "okrs.reminders.tasks.send_reminders", "OKRS_SCHEDULE_REMINDERS"),
    Job("github", "okrs.sync.tasks.sync_due_repositories", "OKRS_SCHEDULE_GITHUB"),
    Job("discourse", "okrs.sync.tasks.sync_discourse_all", "OKRS_SCHEDULE_DISCOURSE"),
    Job("measure", "okrs.measures.tasks.measure_everything", "OKRS_SCHEDULE_MEASURE"),
    Job("mirror", "okrs.talk.tasks.mirror_comments", "OKRS_SCHEDULE_MIRROR"),
    Job("webhooks", "okrs.hooks.tasks.retry_stale_deliveries", "OKRS_SCHEDULE_WEBHOOKS"),
    Job("chat", "okrs.chat.tasks.retry_stale_chat_messages", "OKRS_SCHEDULE_CHAT"),
    Job("chat-digest", "okrs.chat.tasks.chat_weekly_digest", "OKRS_SCHEDULE_CHAT_DIGEST"),
)


def tick(now: dt.datetime | None = None) -> list[str]:
    """Enqueue every job whose firing is due; returns the names of the jobs fired."""
    now = now or timezone.now()
    fired = []
    for job in JOBS:
        trigger: Any = getattr(settings, job.setting, None)
        if trigger is None:
            continue
        row, created = ScheduleRun.objects.get_or_create(name=job.name, defaults={"last_at": now})
        if created:
            continue  # first seen: it fires at its next time from now on
        upcoming = trigger.get_next_fire_time(row.last_at, now)
        if upcoming is None or upcoming > now:
            continue
        with transaction.atomic():
            taken = ScheduleRun.objects.filter(pk=row.pk, last_at=row.last_at).update(last_at=now)
            if not taken:
                continue  # another worker's scheduler fired it
            result = import_string(job.task).enqueue()
            ScheduleRun.objects.filter(pk=row.pk).update(last_task_id=str(result.id)[:64])
        fired.append(job.name)
    return fired


class SchedulerThread(threading.Thread):
    """Ticks every `every` seconds until stopped; an error is logged and the next tick tries
    again (a scheduler must not die silently)."""

    def __init__(self, every: float) -> None:
        super().__init__(name="okrs-scheduler", daemon=True)
        self.every = every
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            try:
                close_old_connections()
                fired = tick()
                if fired:
                    log.info("scheduled: %s", ", ".join(fired))
            except Exception:
                log.exception("scheduler tick failed")
            self.stopped.wait(self.every)

    def stop(self) -> None:
        self.stopped.set()
