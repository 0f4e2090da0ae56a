"""The GitHub webhook with GitHub's own payload examples (octokit/webhooks, fixtures/): events of
one second applied in delivery order, form-encoded deliveries, transferred issues."""

from __future__ import annotations

import copy
import hashlib
import hmac
import json
from typing import Any
from urllib.parse import urlencode

import pytest

from okrs.heartbeats.models import PacketEvent, PacketStatus
from okrs.sync.github import sync_state_for
from okrs.sync.models import IssueLink
from tests import factories as f
from tests.sync.fakes import fixture

pytestmark = pytest.mark.django_db
URL = "/sync/github/webhook/"
SECRET = "It's a Secret to Everybody"
REPO = "Codertocat/Hello-World"  # the repository of GitHub's examples


@pytest.fixture
def state(settings):  # type: ignore[no-untyped-def]
    settings.OKRS_GITHUB_WEBHOOK_SECRET = SECRET
    f.period("2019-Q2", start="2019-04-01", end="2019-06-30")
    return sync_state_for(repo=REPO, team=f.team("reps"))


def sign(body: bytes, secret: str = SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def deliver(client, payload: Any, *, form: bool = False, signature: str | None = None):  # type: ignore[no-untyped-def]
    raw = json.dumps(payload)
    body = urlencode({"payload": raw}).encode() if form else raw.encode()
    kind = "application/x-www-form-urlencoded" if form else "application/json"
    return client.generic(
        "POST",
        URL,
        body,
        content_type=kind,
        HTTP_X_GITHUB_EVENT="issues",
        HTTP_X_HUB_SIGNATURE_256=signature or sign(body),
    )


def test_the_examples_share_one_updated_at() -> None:
    times = {
        fixture(f"github_issues_{a}.json")["issue"]["updated_at"]
        for a in ("opened", "labeled", "edited")
    }
    assert times == {"2019-05-15T15:20:18Z"}  # why `updated_at` alone cannot decide


def test_events_of_one_second_are_applied_in_delivery_order(client, state) -> None:  # type: ignore[no-untyped-def]
    opened = fixture("github_issues_opened.json")
    opened["issue"]["labels"] = []
    labeled = fixture("github_issues_labeled.json")
    labeled["issue"]["labels"] = [labeled["label"], {**labeled["label"], "name": "P1"}]
    edited = fixture("github_issues_edited.json")
    edited["issue"]["labels"] = labeled["issue"]["labels"]
    edited["changes"] = {"title": {"from": edited["issue"]["title"]}}
    edited["issue"]["title"] = "Spelling error in the README file (commit, not committ)"
    for payload in (opened, labeled, edited):
        assert deliver(client, payload).status_code == 200
    packet = IssueLink.objects.select_related("packet").get(repo=state, number=1).packet
    assert packet.title == "Spelling error in the README file (commit, not committ)"
    assert packet.priority == "P1"  # the label of the second event of that second
    again = deliver(client, copy.deepcopy(edited))  # a redelivery changes nothing
    assert again.status_code == 200
    assert PacketEvent.objects.filter(packet=packet, note__startswith=REPO).count() == 3


def test_an_older_event_does_not_undo_a_newer_one(client, state) -> None:  # type: ignore[no-untyped-def]
    newer = fixture("github_issues_edited.json")
    newer["issue"]["title"], newer["issue"]["updated_at"] = "Newer title", "2019-05-15T15:21:00Z"
    assert deliver(client, newer).status_code == 200
    assert deliver(client, fixture("github_issues_opened.json")).status_code == 200  # late
    assert IssueLink.objects.get().packet.title == "Newer title"


def test_form_encoded_deliveries_are_accepted_and_their_signature_checked(client, state) -> None:  # type: ignore[no-untyped-def]
    opened = fixture("github_issues_opened.json")
    assert deliver(client, opened, form=True, signature=sign(b"something else")).status_code == 403
    assert not IssueLink.objects.exists()
    response = deliver(client, opened, form=True)
    assert response.status_code == 200, response.content
    assert IssueLink.objects.get().packet.title == "Spelling error in the README file"
    broken = client.generic(
        "POST",
        URL,
        b"payloat=%7B%7D",
        content_type="application/x-www-form-urlencoded",
        HTTP_X_GITHUB_EVENT="issues",
        HTTP_X_HUB_SIGNATURE_256=sign(b"payloat=%7B%7D"),
    )
    assert broken.status_code == 400


def test_a_transferred_issue_drops_its_packet_saying_where_it_went(client, state) -> None:  # type: ignore[no-untyped-def]
    transferred = fixture("github_issues_transferred.json")  # from octo-org/octo-repo
    old = sync_state_for(repo=transferred["repository"]["full_name"], team=state.team)
    opened = fixture("github_issues_opened.json")
    opened["repository"] = transferred["repository"]
    assert deliver(client, opened).status_code == 200
    assert deliver(client, transferred).status_code == 200
    link = IssueLink.objects.select_related("packet").get(repo=old)
    assert link.packet.status == PacketStatus.DROPPED and link.state == "transferred"
    event = PacketEvent.objects.filter(packet=link.packet).order_by("-id").first()
    assert "transferred to Codertocat/Hello-World#1" in event.note
