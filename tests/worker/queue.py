"""Run what the worker would run now, in the test's process and transaction: each ready task,
claimed and run by the worker's own code (django-tasks-db's Worker.run_task)."""

from __future__ import annotations

from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult


def run_queued(task_path: str | None = None) -> int:
    """Run every ready task (only those of `task_path` when given); returns how many ran."""
    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="tests",
        excluded_queue_names=[],
    )
    ran = 0
    ready = DBTaskResult.objects.ready().order_by("enqueued_at")
    if task_path is not None:
        ready = ready.filter(task_path=task_path)
    while (result := ready.first()) is not None:
        result.claim("tests")
        worker.run_task(result)
        ran += 1
    return ran


def tell_status_changes() -> int:
    """Run the queued status-change tasks of check-ins (`okrs.goals.tasks.tell_status_change`),
    as the worker would: their webhooks, chat notes and inbox lines are written then."""
    return run_queued("okrs.goals.tasks.tell_status_change")
