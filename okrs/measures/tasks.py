"""Re-measuring computed key results as a task: daily (OKRS_SCHEDULE_MEASURE) and after each sync
that brought new facts (okrs.sync.tasks)."""

from __future__ import annotations

from django_tasks import task

from okrs.measures.services import measure_all


@task()
def measure_everything() -> dict[str, int]:
    outcomes = measure_all()
    return {
        "measured": len(outcomes),
        "new_checkins": sum(o.checkin is not None for o in outcomes),
        "problems": sum(bool(o.error) for o in outcomes),
    }
