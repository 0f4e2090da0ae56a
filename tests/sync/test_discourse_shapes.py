"""Discourse as its API documentation shows it: a user as a non-staff key sees them (no
`watched_category_ids`: Discourse's own example response), and categories with subcategories
(`fixtures/discourse_categories.json`, valid against the `/categories.json` schema of Discourse's
OpenAPI description)."""

from __future__ import annotations

import pytest

from okrs.measures.models import PersonFact
from okrs.org.models import Cohort
from okrs.sync.discourse import discourse_client, sync_discourse
from okrs.sync.models import SyncRun
from tests import factories as f
from tests.sync.fakes import FakeDiscourse, fixture

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort():  # type: ignore[no-untyped-def]
    group = Cohort.objects.create(slug="reps", name="Reps")
    for name in ("alice", "bob"):
        person = f.person(name)
        f.profile(person, discourse_username=f"{name}_dc")
        group.members.add(person)
    return group


@pytest.fixture
def discourse():  # type: ignore[no-untyped-def]
    fake = FakeDiscourse({"alice_dc": [1, 52], "bob_dc": [51]})
    fake.throttle_once = False
    fake.listing = fixture("discourse_categories.json")
    with fake.server.running():
        yield fake


def run(discourse, cohort, slugs) -> SyncRun:  # type: ignore[no-untyped-def]
    client = discourse_client(
        base_url=discourse.server.url, api_key="dc-key", api_username="system", sleep=[].append
    )
    try:
        return sync_discourse(client=client, cohort=cohort, slugs=slugs)
    finally:
        client.close()


def watching() -> dict[tuple[str, str], str]:
    return {
        (x.person.username, x.key): x.value for x in PersonFact.objects.select_related("person")
    }


def test_a_key_that_cannot_see_watching_stops_the_sync_and_records_nothing(
    discourse, cohort
) -> None:  # type: ignore[no-untyped-def]
    discourse.as_others_see_it = True
    result = run(discourse, cohort, ["general"])
    assert result.status == "failed"
    assert "admin API key" in result.error and "alice_dc" in result.error
    assert not PersonFact.objects.exists()  # not "nobody watches": nothing at all


def test_nothing_is_recorded_when_a_later_member_cannot_be_read(discourse, cohort) -> None:  # type: ignore[no-untyped-def]
    discourse.faults.extend([("/u/bob_dc.json", (500, {}, {"errors": ["boom"]}))] * 5)
    result = run(discourse, cohort, ["general"])
    assert result.status == "failed" and "bob_dc" in result.error
    assert not PersonFact.objects.exists()  # alice's answer was fine, but the run is whole or none


def test_slugs_are_matched_as_discourse_shows_them(discourse, cohort) -> None:  # type: ignore[no-untyped-def]
    result = run(discourse, cohort, ["general", "reps/general", "reps/council"])
    assert result.status == "ok", result.error
    assert watching() == {
        ("alice", "discourse.watching.general"): "true",  # the top-level category, id 1
        ("alice", "discourse.watching.reps/general"): "false",
        ("alice", "discourse.watching.reps/council"): "true",
        ("bob", "discourse.watching.general"): "false",
        ("bob", "discourse.watching.reps/general"): "true",  # the subcategory, id 51
        ("bob", "discourse.watching.reps/council"): "false",
    }


def test_an_ambiguous_bare_slug_is_refused_with_the_candidates(discourse, cohort) -> None:  # type: ignore[no-untyped-def]
    result = run(discourse, cohort, ["council"])
    assert result.status == "failed"
    assert "council is ambiguous: say which of mozillians/council, reps/council" in result.error
    assert not PersonFact.objects.exists()
