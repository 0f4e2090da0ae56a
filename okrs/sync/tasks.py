"""The syncs as tasks of the worker.

- `sync_due_repositories` (OKRS_SCHEDULE_GITHUB, every minute) enqueues `sync_repository` for
  each followed repository whose `next_sync_at` has come (every `sync_every_minutes`, 60 by
  default; set per repository in the admin); a compare-and-set on `next_sync_at` makes each
  due run enqueued once whatever the number of workers.
- `sync_repository` runs one GitHub sync. When GitHub asked for a wait longer than the run may
  spend (a secondary rate limit), the task is enqueued again for after that wait.
- `sync_discourse_all` (OKRS_SCHEDULE_DISCOURSE, daily) runs each cohort's Discourse sync as
  `okrs sync discourse` last set it up.
- After a sync that changed something, the computed key results are measured again.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from okrs.sync.discourse import discourse_client, sync_discourse
from okrs.sync.github import github_client, sync_github
from okrs.sync.models import DiscourseSync, RunStatus, SyncState


@task()
def sync_due_repositories() -> list[str]:
    now = timezone.now()
    due = SyncState.objects.filter(sync_every_minutes__gt=0).filter(
        Q(next_sync_at__isnull=True) | Q(next_sync_at__lte=now)
    )
    queued = []
    for state in due.order_by("id"):
        following = now + dt.timedelta(minutes=state.sync_every_minutes)
        taken = SyncState.objects.filter(pk=state.pk, next_sync_at=state.next_sync_at).update(
            next_sync_at=following
        )
        if taken:
            sync_repository.enqueue(state.pk)
            queued.append(state.repo)
    return queued


def _measure_after(counts: dict[str, object]) -> None:
    from okrs.measures.tasks import measure_everything

    if any(counts.get(k) for k in ("created", "updated", "facts")):
        measure_everything.enqueue()


@task()
def sync_repository(state_id: int) -> dict[str, object]:
    state = SyncState.objects.select_related("team").filter(pk=state_id).first()
    if state is None:
        return {"skipped": "the repository is no longer followed"}
    client = github_client(
        base_url=settings.OKRS_GITHUB_API_URL,
        token=settings.OKRS_GITHUB_TOKEN,
        max_wait=settings.OKRS_GITHUB_SYNC_MAX_WAIT,
    )
    try:
        run = sync_github(state=state, client=client)
    finally:
        client.close()
    if run.status != RunStatus.OK:
        retry_in = run.counts.get("retry_after_seconds")
        if isinstance(retry_in, (int, float)) and retry_in > 0:
            later = timezone.now() + dt.timedelta(seconds=retry_in)
            sync_repository.using(run_after=later).enqueue(state_id)
        raise RuntimeError(f"{state.repo}: {run.error}")
    _measure_after(run.counts)
    return run.counts


@task()
def sync_discourse_all() -> dict[str, str]:
    outcomes = {}
    for setup in DiscourseSync.objects.filter(enabled=True).select_related("cohort"):
        client = discourse_client(
            base_url=setup.url,
            api_key=settings.OKRS_DISCOURSE_API_KEY,
            api_username=settings.OKRS_DISCOURSE_API_USERNAME,
        )
        try:
            run = sync_discourse(client=client, cohort=setup.cohort, slugs=list(setup.categories))
        finally:
            client.close()
        outcomes[setup.cohort.slug] = run.status if run.status == RunStatus.OK else run.error
        if run.status == RunStatus.OK:
            _measure_after(run.counts)
    return outcomes
