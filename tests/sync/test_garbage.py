"""A remote that answers garbage after a good sync: invalid JSON, an HTML error page, a body cut
short, payloads of other shapes, values the database refuses. Each run is recorded as failed
with what failed (in the run, the admin's list of runs and the command's exit), the data of the
last good run stays exactly as it was, `since` does not move, and the next good run completes.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from okrs.heartbeats.models import ChecklistItem, PacketRole, WorkPacket
from okrs.measures.models import PersonFact
from okrs.sync.discourse import discourse_client, sync_discourse
from okrs.sync.models import IssueLink, MilestoneLink, SyncRun, SyncState
from tests.sync.fakes import REPO, FakeDiscourse, Raw
from tests.sync.test_discourse import cohort  # noqa: F401 - fixture
from tests.sync.test_github import github, reps, run  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db

HTML_PAGE = (
    b"<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head>"
    b"<body><h1>Unicorn!</h1><p>This page is taking too long to load.</p></body></html>"
)
PROXY_LOGIN = b"<html><body><form action=/login>Sign in to the proxy</form></body></html>"

# (name, path, page, [replies]); a reply repeated 5 times outlasts the client's 4 retries
GARBAGE: list[tuple[str, str, int, list[tuple[int, Any]]]] = [
    ("invalid JSON", "/issues", 1, [(200, Raw(b'{"oops', "application/json"))]),
    ("HTML error page with 200", "/issues", 1, [(200, Raw(HTML_PAGE))]),
    ("HTML login page of a proxy", "/milestones", 1, [(200, Raw(PROXY_LOGIN))]),
    ("HTML error page with 502, persistent", "/issues", 1, [(502, Raw(HTML_PAGE))] * 5),
    (
        "200 with a truncated body (connection closed early), persistent",
        "/issues",
        1,
        [(200, Raw(b'[{"number": 1, "title": "Ask', "application/json", length=5000))] * 5,
    ),
    (
        "200 with truncated JSON of the right length",
        "/issues",
        1,
        [(200, Raw(b'[{"number": 1, "title": "Ask', "application/json"))],
    ),
    ("an empty body", "/issues", 1, [(200, Raw(b"", "application/json"))]),
    ("null", "/issues", 1, [(200, Raw(b"null", "application/json"))]),
    ("an object instead of a list", "/issues", 1, [(200, {"message": "Moved Permanently"})]),
    ("a list of strings", "/issues", 1, [(200, ["#1", "#3"])]),
    ("a list of numbers", "/issues", 1, [(200, [1, 3])]),
    ("a list of lists", "/milestones", 1, [(200, [[1, "Q1HB1"]])]),
    (
        "issues with fields of the wrong types",
        "/issues",
        1,
        [
            (
                200,
                [
                    {"number": "one", "title": 5, "state": None, "html_url": 7},
                    {"number": 3, "labels": "O1KR3", "html_url": "x", "state": "open"},
                    {"number": 4, "updated_at": 20170120, "html_url": "x", "state": "open"},
                    {"number": 5, "updated_at": "2017-13-45T99:00:00Z", "state": "open"},
                ],
            )
        ],
    ),
    (
        "a milestone the database refuses (negative number)",
        "/milestones",
        1,
        [(200, [{"number": -1, "title": "Q1HB9", "due_on": "2017-03-20T08:00:00Z"}])],
    ),
    (
        "a milestone of a wrong shape",
        "/milestones",
        1,
        [(200, [{"number": 9, "title": ["Q1HB1"], "due_on": {"date": "2017-03-20"}}])],
    ),
]


def synced() -> dict[str, Any]:
    """Everything a GitHub sync writes, row by row."""
    return {
        "packets": list(WorkPacket.objects.order_by("pk").values()),
        "links": list(IssueLink.objects.order_by("pk").values()),
        "milestones": list(MilestoneLink.objects.order_by("pk").values()),
        "tasks": list(ChecklistItem.objects.order_by("pk").values()),
        "roles": list(PacketRole.objects.order_by("pk").values()),
        "key_results": list(WorkPacket.key_results.through.objects.order_by("pk").values()),
        "since": list(SyncState.objects.values_list("last_synced_at", flat=True)),
    }


@pytest.mark.parametrize(("name", "path", "page", "replies"), GARBAGE, ids=[g[0] for g in GARBAGE])
def test_garbage_after_a_good_sync_is_recorded_and_keeps_the_good_data(
    reps,  # noqa: F811
    github,  # noqa: F811
    name: str,
    path: str,
    page: int,
    replies: list[tuple[int, Any]],
) -> None:
    assert run(reps, github).status == "ok"
    good = synced()
    assert len(good["packets"]) == 5 and good["since"][0] is not None
    github.issues[0].update(title="Edited on GitHub", updated_at="2017-02-01T09:00:00Z")
    for status, payload in replies:
        github.fault(path, page, status, {}, payload)
    failed = run(reps, github, [])
    assert failed.status == "failed" and failed.finished_at is not None
    step = path.strip("/")
    assert failed.error.startswith(f"{step}:"), failed.error  # says which step failed
    assert len(failed.error) > len(step) + 10  # ... and what
    assert synced() == good  # the last good data, row for row; `since` has not moved
    github.faults.clear()
    assert run(reps, github).status == "ok"
    assert IssueLink.objects.get(number=1).packet.title == "Edited on GitHub"


def test_not_json_is_said_plainly(reps, github) -> None:  # noqa: F811
    run(reps, github)
    github.fault("/issues", 1, 200, {}, Raw(HTML_PAGE))
    error = run(reps, github).error
    assert "the body is not JSON (text/html" in error and "Unicorn!" in error
    github.fault("/issues", 1, 200, {}, {"message": "Moved Permanently"})
    assert "expected a JSON list, got dict" in run(reps, github).error
    github.fault("/issues", 1, 200, {}, ["#1"])
    assert "item 0: TypeError: expected an issue object, got '#1'" in run(reps, github).error


def test_a_failed_run_is_shown_where_sync_status_is_shown(
    reps,  # noqa: F811
    github,  # noqa: F811
    settings,  # type: ignore[no-untyped-def]
    client,  # type: ignore[no-untyped-def]
    capsys,  # type: ignore[no-untyped-def]
) -> None:
    settings.OKRS_GITHUB_API_URL = github.server.url
    call_command("sync", "github", REPO, "--team", "reps")
    github.fault("/issues", 1, 200, {}, Raw(HTML_PAGE))
    with pytest.raises(CommandError, match=r"sync failed: issues: GET .* the body is not JSON"):
        call_command("sync", "github", REPO, "--team", "reps")  # exits non-zero
    admin = get_user_model().objects.create_superuser("root", "root@example.org", "pw")
    client.force_login(admin)
    page = client.get(reverse("admin:sync_syncrun_changelist")).content.decode()
    assert page.count("Failed") >= 1 and page.count("Succeeded") >= 1
    failed = SyncRun.objects.filter(status="failed").get()
    detail = client.get(reverse("admin:sync_syncrun_change", args=[failed.pk])).content.decode()
    assert "the body is not JSON" in detail


KEYS = [
    *("number", "title", "state", "state_reason", "updated_at", "created_at", "html_url"),
    *("labels", "assignees", "milestone", "body", "pull_request", "name", "login", "due_on"),
    *("id", "x"),
]
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(KEYS),
            inner,
            max_size=8,
        )
    ),
    max_leaves=20,
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    path=st.sampled_from(["/issues", "/milestones"]),
    payload=JSON | st.lists(JSON, max_size=4),
)
@example(path="/milestones", payload=[{"number": 2**70, "title": "HB9", "due_on": None}])
@example(path="/issues", payload=[{"number": 2**70, "title": "Big", "state": "open"}])
def test_any_json_answer_ends_the_run_cleanly_and_keeps_the_good_data(
    reps,  # noqa: F811
    github,  # noqa: F811
    path: str,
    payload: Any,
) -> None:
    if not IssueLink.objects.exists():
        assert run(reps, github).status == "ok"
    good = synced()
    with transaction.atomic():
        github.faults.clear()
        github.fault(path, 1, 200, {}, payload)
        result = run(reps, github, [])  # never raises
        assert result.status in ("ok", "failed") and result.finished_at is not None
        if result.status == "failed":
            assert result.error.startswith(path.strip("/") + ":")
            assert synced()["since"] == good["since"]
        kept = synced()
        # whatever came, nothing synced before is lost
        assert {x["number"] for x in good["links"]} <= {x["number"] for x in kept["links"]}
        assert {x["id"] for x in good["packets"]} <= {x["id"] for x in kept["packets"]}
        transaction.set_rollback(True)


# Discourse --------------------------------------------------------------------------------


@pytest.fixture
def discourse():  # type: ignore[no-untyped-def]
    fake = FakeDiscourse({"alice_dc": [5, 9, 1], "bob": [5, 52], "dave": [1]})
    fake.throttle_once = False
    with fake.server.running():
        yield fake


DISCOURSE_GARBAGE = [
    ("/categories.json", (200, {}, Raw(HTML_PAGE))),
    ("/categories.json", (200, {}, {"category_list": {"categories": "reps"}})),
    ("/categories.json", (200, {}, [1, 2, 3])),
    ("/u/bob.json", (200, {}, Raw(b'{"user": {"watched_', "application/json"))),
    ("/u/bob.json", (200, {}, {"user": None})),
    ("/u/bob.json", (200, {}, {"user": {"watched_category_ids": 5}})),
    ("/u/bob.json", (200, {}, ["user"])),
]


@pytest.mark.parametrize(("path", "reply"), DISCOURSE_GARBAGE)
def test_discourse_garbage_is_recorded_and_keeps_the_facts(
    discourse,  # type: ignore[no-untyped-def]
    cohort,  # noqa: F811
    path: str,
    reply: Any,
) -> None:
    def sync():  # type: ignore[no-untyped-def]
        client = discourse_client(
            base_url=discourse.server.url, api_key="dc-key", api_username="system", sleep=[].append
        )
        try:
            return sync_discourse(client=client, cohort=cohort, slugs=["reps", "nda"])
        finally:
            client.close()

    assert sync().status == "ok"
    good = list(PersonFact.objects.order_by("pk").values())
    assert len(good) == 6  # alice, bob, dave × 2 categories
    discourse.faults.append((path, reply))
    failed = sync()
    assert failed.status == "failed" and failed.error, failed.error
    assert list(PersonFact.objects.order_by("pk").values())[: len(good)] == good
    assert sync().status == "ok"
