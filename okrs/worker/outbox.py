"""Enqueue a task as an outbox row of the caller's transaction.

With the database task backend (the default) the task's row is written in the transaction that
makes the change it reports: the worker sees it exactly when the change is committed, and a
rollback takes both away. A task backend outside the database (Redis) cannot join the
transaction: the task is enqueued after commit (a crash between the two loses it).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
from django_tasks_db.backend import DatabaseBackend


def enqueue(task: Any, *args: Any) -> None:
    """`task.enqueue(*args)` in the caller's transaction (an outbox row), else after commit."""
    if isinstance(task_backends[DEFAULT_TASK_BACKEND_ALIAS], DatabaseBackend):
        task.enqueue(*args)
    else:
        transaction.on_commit(lambda: task.enqueue(*args))
