"""The daily reminders and weekly digests as a periodic task of the worker (OKRS_SCHEDULE_REMINDERS,
07:00 by default); `okrs remind` does the same by hand."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from okrs.reminders.services import remind_owners, send_digests


@task()
def send_reminders() -> dict[str, int]:
    now = timezone.now()
    owners = remind_owners(now=now)
    digests = send_digests(now=now)
    return {
        "reminded": len(owners.reminded),
        "flagged": len(owners.flagged),
        "digests": len(digests.digests),
    }
