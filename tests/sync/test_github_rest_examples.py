"""The sync against the example responses of GitHub's REST API description
(github/rest-api-description, see fixtures/README.md), served as they are by the stand-in."""

from __future__ import annotations

import pytest

from okrs.heartbeats.models import WorkPacket
from okrs.sync.github import github_client, sync_github, sync_state_for
from okrs.sync.http import Client, next_link
from okrs.sync.models import IssueLink
from tests import factories as f
from tests.sync.fakes import CLOCK, REPO, FakeServer, fixture

pytestmark = pytest.mark.django_db


def _sync(url: str):  # type: ignore[no-untyped-def]
    f.period()
    state = sync_state_for(repo=REPO, team=f.team("reps"))
    client = github_client(base_url=url, token="t0ken", sleep=[].append, clock=lambda: CLOCK)
    try:
        return sync_github(state=state, client=client)
    finally:
        client.close()


def _serving(issues: list, milestones: list) -> FakeServer:
    def app(method, path, query, headers, body):  # type: ignore[no-untyped-def]
        if path == f"/repos/{REPO}/issues":
            return 200, {}, issues
        if path == f"/repos/{REPO}/milestones":
            return 200, {}, milestones
        return 404, {}, {"message": "Not Found"}

    return FakeServer(app)


def test_the_documented_listing_is_a_pull_request_and_is_skipped() -> None:
    """GitHub's own example of `GET /repos/{owner}/{repo}/issues` is a pull request (it carries
    `pull_request`), as the listing mixes both: it makes no packet."""
    listing = fixture("github_rest_issue_items.json")
    assert "pull_request" in listing[0]
    fake = _serving(listing, fixture("github_rest_milestone_items.json"))
    with fake.running():
        run = _sync(fake.url)
    assert run.status == "ok", run.error
    assert run.counts["skipped_pull_requests"] == 1
    assert not WorkPacket.objects.exists()


def test_the_documented_issue_becomes_a_packet() -> None:
    """The example issue without its `pull_request` key (a plain issue): a packet with its
    title, body and link; the example's milestone (v1.0, due in 2012) matches no heartbeat."""
    issue = fixture("github_rest_issue.json")
    del issue["pull_request"]
    fake = _serving([issue], fixture("github_rest_milestone_items.json"))
    with fake.running():
        run = _sync(fake.url)
    assert run.status == "ok", run.error
    assert run.counts["created"] == 1
    link = IssueLink.objects.select_related("packet").get(number=1347)
    assert link.packet.title == "Found a bug"
    assert link.packet.description == "I'm having a problem with this."
    assert link.packet.external_url == "https://github.com/octocat/Hello-World/issues/1347"
    assert link.packet.heartbeat_id is None


def test_the_documented_link_header_gives_the_next_page() -> None:
    link = fixture("github_rest_headers.json")["link"]
    assert next_link(link) == "https://api.github.com/resource?page=2"


def test_the_documented_rate_limit_headers_give_the_wait_until_the_reset() -> None:
    """`x-rate-limit-remaining: 0` waits until `x-rate-limit-reset` (epoch seconds), plus one."""
    documented = fixture("github_rest_headers.json")
    reset = documented["x-rate-limit-reset"]
    calls = {"n": 0}

    def app(method, path, query, headers, body):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 1:
            return (
                403,
                {
                    "x-ratelimit-limit": str(documented["x-rate-limit-limit"]),
                    "x-ratelimit-remaining": "0",
                    "x-ratelimit-reset": str(reset),
                },
                {"message": "API rate limit exceeded"},
            )
        return 200, {}, []

    sleeps: list[float] = []
    with FakeServer(app).running() as fake:
        client = Client(
            base_url=fake.url, headers={}, sleep=sleeps.append, clock=lambda: reset - 30.0
        )
        try:
            assert client.request("GET", "/rate_limit").status_code == 200
        finally:
            client.close()
    assert sleeps == [31.0]
