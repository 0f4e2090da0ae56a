"""The GitHub sync against behaviours GitHub documents: conditional requests (ETag, 304 costs
nothing), the secondary rate limit, issues closed as duplicates."""

from __future__ import annotations

import pytest
from django.utils import timezone

from okrs.heartbeats.models import PacketEvent, PacketStatus
from okrs.sync.github import github_client, sync_github, sync_state_for
from okrs.sync.http import SECONDARY_WAIT
from okrs.sync.models import IssueLink, SyncState
from tests import factories as f
from tests.sync.fakes import CLOCK, REPO, FakeGitHub, gh_issue, gh_milestone

pytestmark = pytest.mark.django_db
SECONDARY = {
    "message": "You have exceeded a secondary rate limit. Please wait a few minutes before you "
    "try again. If you reach out to GitHub Support for help, please include the request ID.",
    "documentation_url": "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api",
}


@pytest.fixture
def github():  # type: ignore[no-untyped-def]
    fake = FakeGitHub()
    fake.milestones = [gh_milestone(1, "Q1HB1", "2017-02-11T08:00:00Z")]
    fake.issues = [
        gh_issue(1, "Ask Reps to watch Discourse", updated_at="2017-01-20T10:00:00Z"),
        gh_issue(
            2,
            "Ask Reps to watch Discourse (again)",
            state="closed",
            state_reason="duplicate",
            updated_at="2017-01-21T10:00:00Z",
        ),
    ]
    with fake.server.running():
        yield fake


def run(github, sleeps=None, max_wait=900.0):  # type: ignore[no-untyped-def]
    state = SyncState.objects.filter(repo=REPO).first()
    if state is None:
        f.period()
        state = sync_state_for(repo=REPO, team=f.team("reps"))
    client = github_client(
        base_url=github.server.url,
        token="t0ken",
        sleep=(sleeps if sleeps is not None else []).append,
        clock=lambda: CLOCK,
        max_wait=max_wait,
    )
    try:
        return sync_github(state=state, client=client)
    finally:
        client.close()


def test_an_unchanged_repository_costs_nothing_the_second_time(github) -> None:  # type: ignore[no-untyped-def]
    assert run(github).status == "ok"
    # the first incremental run asks for `since` the first time (a new URL: no ETag for it yet);
    # the milestones' URL is the same, and unchanged
    assert run(github).counts["not_modified"] == 1
    spent = 5000 - github.remaining
    again = run(github)
    assert again.status == "ok" and again.counts["not_modified"] == 2  # milestones and issues
    assert again.counts["unchanged"] == 0  # nothing was even read
    assert 5000 - github.remaining == spent  # both answers were 304: no rate limit spent
    asked = [r["headers"].get("if-none-match") for r in github.server.requests[-2:]]
    assert all(tag and tag.startswith('"') for tag in asked)
    github.issues[0].update(title="Edited", updated_at="2017-02-01T09:00:00Z")
    third = run(github)
    assert third.status == "ok" and third.counts["updated"] == 1
    assert IssueLink.objects.get(number=1).packet.title == "Edited"


def test_a_secondary_rate_limit_is_waited_out_for_a_minute(github) -> None:  # type: ignore[no-untyped-def]
    github.fault("/issues", 1, 403, {"X-RateLimit-Remaining": "4990"}, SECONDARY)
    sleeps: list[float] = []
    result = run(github, sleeps)
    assert result.status == "ok", result.error
    assert sleeps == [SECONDARY_WAIT] and SECONDARY_WAIT >= 60


def test_a_secondary_rate_limit_longer_than_allowed_leaves_it_to_a_later_task(github) -> None:  # type: ignore[no-untyped-def]
    github.fault("/issues", 1, 403, {"X-RateLimit-Remaining": "4990"}, SECONDARY)
    result = run(github, max_wait=30)
    assert result.status == "failed" and "secondary rate limit" in result.error
    assert result.counts["retry_after_seconds"] == SECONDARY_WAIT
    assert SyncState.objects.get().last_synced_at is None


def test_a_403_that_is_no_rate_limit_is_not_retried(github) -> None:  # type: ignore[no-untyped-def]
    github.fault(
        "/issues",
        1,
        403,
        {"X-RateLimit-Remaining": "4990"},
        {"message": "Resource not accessible by integration", "documentation_url": "x"},
    )
    sleeps: list[float] = []
    result = run(github, sleeps)
    assert result.status == "failed" and "not accessible" in result.error and sleeps == []


def test_an_issue_closed_as_duplicate_is_dropped_with_the_reason(github) -> None:  # type: ignore[no-untyped-def]
    assert run(github).status == "ok"
    link = IssueLink.objects.select_related("packet").get(number=2)
    assert link.packet.status == PacketStatus.DROPPED and link.state_reason == "duplicate"
    github.issues[1].update(title="Renamed", updated_at="2017-02-01T09:00:00Z")
    github.issues[1]["state_reason"] = "duplicate"
    assert run(github).status == "ok"
    github.issues[0].update(
        state="closed", state_reason="duplicate", updated_at="2017-02-02T09:00:00Z"
    )
    assert run(github).status == "ok"
    first = IssueLink.objects.select_related("packet").get(number=1).packet
    assert first.status == PacketStatus.DROPPED
    notes = PacketEvent.objects.filter(packet=first).values_list("note", flat=True)
    assert "GitHub: closed as duplicate" in notes


def test_the_task_retries_a_rate_limited_sync_later(github, settings) -> None:  # type: ignore[no-untyped-def]
    from django_tasks_db.models import DBTaskResult

    from okrs.sync.tasks import sync_repository

    f.period()
    state = sync_state_for(repo=REPO, team=f.team("reps"))
    settings.OKRS_GITHUB_API_URL = github.server.url
    settings.OKRS_GITHUB_SYNC_MAX_WAIT = 30  # the worker waits this long at most within a task
    github.fault("/issues", 1, 403, {"X-RateLimit-Remaining": "4990"}, SECONDARY)
    with pytest.raises(RuntimeError, match="secondary rate limit"):
        sync_repository.call(state.pk)
    [retry] = DBTaskResult.objects.all()
    assert retry.task_path == "okrs.sync.tasks.sync_repository"
    assert retry.args_kwargs["args"] == [state.pk]
    assert retry.status == "READY" and retry.run_after > timezone.now()  # after the wait


def test_the_command_sets_how_often_the_worker_syncs(github, settings) -> None:  # type: ignore[no-untyped-def]
    from django.core.management import call_command

    f.period()
    f.team("reps")
    settings.OKRS_GITHUB_API_URL = github.server.url
    call_command("sync", "github", REPO, "--team", "reps", "--every", "15")
    assert SyncState.objects.get().sync_every_minutes == 15
    call_command("sync", "github", REPO, "--team", "reps")
    assert SyncState.objects.get().sync_every_minutes == 15  # kept when not given
    with pytest.raises(Exception, match="--every -1"):
        call_command("sync", "github", REPO, "--team", "reps", "--every", "-1")
