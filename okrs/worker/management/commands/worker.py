"""`okrs worker`: run the background tasks (webhook deliveries, syncs, reminders, mirroring,
re-measuring) and the scheduler that enqueues the periodic ones.

With the database backend (the default) this is django-tasks-db's worker loop plus a scheduler
thread; start as many as needed (on one machine or several, against one database): each task
is claimed by one worker and each scheduled firing is enqueued once. With OKRS_TASKS_BACKEND=redis
it runs RQ's worker (`rqworker`) instead of the database loop, with the same scheduler.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.crypto import get_random_string
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.management.commands.db_worker import Worker

from okrs.worker.schedule import SchedulerThread, tick


class Command(BaseCommand):
    help = "Run background tasks and the periodic scheduler until stopped (Ctrl-C, SIGTERM)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--interval",
            type=float,
            default=1.0,
            help="Seconds to wait when the queue is empty before looking again (default 1).",
        )
        parser.add_argument(
            "--queue-name", default="*", help="Queues to work on, comma-separated (default all)."
        )
        parser.add_argument(
            "--no-scheduler",
            action="store_true",
            help="Only run tasks; leave the periodic jobs to other workers.",
        )
        parser.add_argument(
            "--max-tasks", type=int, default=None, help="Stop after this many tasks."
        )
        parser.add_argument(
            "--batch",
            action="store_true",
            help="Enqueue what the schedule says is due, run every task that is ready, then stop.",
        )
        parser.add_argument("--worker-id", default=None, help="Unique id (default: random).")

    def handle(self, *args: Any, **options: Any) -> None:
        logging.getLogger("django_tasks").setLevel(logging.INFO)
        logging.getLogger("django_tasks_db").setLevel(logging.INFO)
        logging.getLogger("okrs.worker").setLevel(logging.INFO)
        if options["batch"]:
            self._batch(options)
            return
        scheduler = None
        if not options["no_scheduler"]:
            scheduler = SchedulerThread(every=settings.OKRS_SCHEDULER_TICK)
            scheduler.start()
        try:
            backend = task_backends[DEFAULT_TASK_BACKEND_ALIAS]
            if not isinstance(backend, DatabaseBackend):
                # django-tasks-rq's Job runs the task and records its result
                call_command(
                    "rqworker", "default", "--with-scheduler", "--job-class", "django_tasks_rq.Job"
                )
                return
            worker = _worker(options, batch=False)
            self.stdout.write(
                f"okrs worker {worker.worker_id}: tasks"
                + (f", scheduler every {settings.OKRS_SCHEDULER_TICK:g}s" if scheduler else "")
            )
            worker.configure_signals()
            worker.run()
        finally:
            if scheduler is not None:
                scheduler.stop()

    def _batch(self, options: dict[str, Any]) -> None:
        if not isinstance(task_backends[DEFAULT_TASK_BACKEND_ALIAS], DatabaseBackend):
            raise CommandError("--batch works with the database backend only")
        if not options["no_scheduler"]:
            tick()
        _worker(options, batch=True).run()


def _worker(options: dict[str, Any], *, batch: bool) -> Worker:
    return Worker(
        queue_names=options["queue_name"].split(","),
        interval=options["interval"],
        batch=batch,
        backend_name=DEFAULT_TASK_BACKEND_ALIAS,
        startup_delay=False,
        max_tasks=options["max_tasks"],
        worker_id=options["worker_id"] or get_random_string(32),
        excluded_queue_names=[],
    )
