"""The GitHub webhook: signed `issues` events update packets; bad signatures change nothing."""

from __future__ import annotations

import hashlib
import hmac
import json

import pytest

from okrs.heartbeats.models import WorkPacket
from okrs.sync.github import sync_state_for
from okrs.sync.models import IssueLink
from tests import factories as f
from tests.sync.fakes import REPO, gh_issue

pytestmark = pytest.mark.django_db
URL = "/sync/github/webhook/"
SECRET = "It's a Secret to Everybody"


@pytest.fixture
def state(settings):  # type: ignore[no-untyped-def]
    settings.OKRS_GITHUB_WEBHOOK_SECRET = SECRET
    f.period()
    return sync_state_for(repo=REPO, team=f.team("reps"))


def post(client, payload, *, event="issues", secret=SECRET, signature=None):  # type: ignore[no-untyped-def]
    body = json.dumps(payload).encode()
    sig = signature or "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return client.post(
        URL,
        body,
        content_type="application/json",
        HTTP_X_GITHUB_EVENT=event,
        HTTP_X_HUB_SIGNATURE_256=sig,
        HTTP_X_GITHUB_DELIVERY="72d3162e",
    )


def event(action: str, issue: dict) -> dict:
    return {
        "action": action,
        "issue": issue,
        "repository": {"id": 1296269, "full_name": REPO, "name": "reps"},
        "sender": {"login": "couci"},
    }


def test_signature_check_matches_githubs_documented_example() -> None:
    from okrs.sync.webhook import signature_ok

    expected = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
    assert signature_ok(SECRET, b"Hello, World!", expected)
    assert not signature_ok(SECRET, b"Hello, World?", expected)


def test_opened_then_closed_issue_updates_the_packet(client, state) -> None:  # type: ignore[no-untyped-def]
    issue = gh_issue(11, "Draft the CPG feedback form", updated_at="2017-02-01T10:00:00Z")
    response = post(client, event("opened", issue))
    assert response.status_code == 200
    packet = WorkPacket.objects.get(pk=response.json()["packet"])
    assert packet.title == "Draft the CPG feedback form" and packet.status == "todo"
    issue.update(state="closed", state_reason="completed", updated_at="2017-02-03T10:00:00Z")
    assert post(client, event("closed", issue)).status_code == 200
    packet.refresh_from_db()
    assert packet.status == "done" and IssueLink.objects.count() == 1


def test_bad_or_missing_signature_is_rejected_and_changes_nothing(client, state) -> None:  # type: ignore[no-untyped-def]
    issue = gh_issue(12, "Forged")
    assert post(client, event("opened", issue), secret="wrong").status_code == 403
    assert post(client, event("opened", issue), signature="sha256=00").status_code == 403
    response = client.post(
        URL, b"{}", content_type="application/json", HTTP_X_GITHUB_EVENT="issues"
    )
    assert response.status_code == 403
    assert not WorkPacket.objects.exists()


def test_unconfigured_secret_refuses_everything(client, state, settings) -> None:  # type: ignore[no-untyped-def]
    settings.OKRS_GITHUB_WEBHOOK_SECRET = ""
    assert post(client, event("opened", gh_issue(13, "x")), secret="").status_code == 503


def test_ping_other_events_unknown_repos_and_pull_requests(client, state) -> None:  # type: ignore[no-untyped-def]
    assert post(client, {"zen": "Keep it simple."}, event="ping").status_code == 200
    assert post(client, {"ref": "main"}, event="push").status_code == 202
    other = event("opened", gh_issue(14, "x"))
    other["repository"]["full_name"] = "someone/else"
    assert post(client, other).status_code == 202
    pull = event("opened", gh_issue(15, "PR", pull_request=True))
    assert post(client, pull).json() == {"packet": None}
    assert post(client, {"action": "opened"}).status_code == 400
    assert not WorkPacket.objects.exists()


def test_webhook_is_exempt_from_csrf_but_only_takes_post(state) -> None:  # type: ignore[no-untyped-def]
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert post(strict, event("opened", gh_issue(16, "Signed"))).status_code == 200
    assert strict.get(URL).status_code == 405


def test_deleted_issue_drops_the_packet(client, state) -> None:  # type: ignore[no-untyped-def]
    issue = gh_issue(17, "Gone soon")
    packet_id = post(client, event("opened", issue)).json()["packet"]
    assert post(client, event("deleted", issue)).status_code == 200
    assert WorkPacket.objects.get(pk=packet_id).status == "dropped"
