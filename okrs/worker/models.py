"""When each periodic job last fired: the scheduler's only state, shared by every worker."""

from __future__ import annotations

from django.db import models


class ScheduleRun(models.Model):
    """The last firing of one periodic job. Schedulers take a firing by a compare-and-set on
    `last_at` in the transaction that enqueues the job's task, so with several workers each
    firing is enqueued exactly once."""

    name = models.CharField(max_length=64, unique=True)
    last_at = models.DateTimeField(help_text="When the job last fired (or was first seen).")
    last_task_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} at {self.last_at:%Y-%m-%d %H:%M:%S}"
