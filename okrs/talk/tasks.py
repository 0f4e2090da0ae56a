"""The talk app's background work: notification emails (queued after the commit that created
the notifications) and mirroring comments to the forum (OKRS_SCHEDULE_MIRROR, every minute)."""

from __future__ import annotations

from django_tasks import task

from okrs.talk.services import mirroring_enabled, send_emails


@task()
def send_notification_emails(emails: list[list[str]]) -> int:
    """`emails`: [address, summary, url] per message."""
    send_emails(emails)
    return len(emails)


@task()
def mirror_comments() -> dict[str, int] | str:
    if not mirroring_enabled():
        return "mirroring is off (OKRS_DISCOURSE_URL and OKRS_DISCOURSE_API_KEY are not set)"
    from okrs.talk.forum import mirror_pending

    run = mirror_pending()
    return {"sent": run.sent, "failed": run.failed}
