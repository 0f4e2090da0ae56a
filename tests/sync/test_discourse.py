"""Discourse watching → person facts, against a local server answering like Discourse."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from okrs.measures.models import PersonFact
from okrs.org.models import Cohort
from okrs.sync.discourse import discourse_client, sync_discourse
from tests import factories as f
from tests.sync.fakes import FakeDiscourse

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort():  # type: ignore[no-untyped-def]
    group = Cohort.objects.create(slug="reps", name="Reps")
    for name, username in [("alice", "alice_dc"), ("bob", "bob"), ("carol", ""), ("dave", "dave")]:
        person = f.person(name)
        f.profile(person, discourse_username=username)
        group.members.add(person)
    return group


@pytest.fixture
def discourse():  # type: ignore[no-untyped-def]
    fake = FakeDiscourse({"alice_dc": [5, 9, 1], "bob": [5, 52]})
    with fake.server.running():
        yield fake


def facts() -> dict[tuple[str, str], str]:
    return {
        (x.person.username, x.key): x.value for x in PersonFact.objects.select_related("person")
    }


def run(discourse, cohort, slugs, sleeps=None, key="dc-key"):  # type: ignore[no-untyped-def]
    client = discourse_client(
        base_url=discourse.server.url,
        api_key=key,
        api_username="system",
        sleep=(sleeps if sleeps is not None else []).append,
    )
    try:
        return sync_discourse(client=client, cohort=cohort, slugs=slugs)
    finally:
        client.close()


def test_watching_becomes_person_facts(discourse, cohort) -> None:  # type: ignore[no-untyped-def]
    sleeps: list[float] = []
    result = run(discourse, cohort, ["reps", "nda"], sleeps)
    assert result.status == "ok", result.error
    assert facts() == {
        ("alice", "discourse.watching.reps"): "true",
        ("alice", "discourse.watching.nda"): "true",
        ("bob", "discourse.watching.reps"): "true",
        ("bob", "discourse.watching.nda"): "false",
    }
    assert sleeps == [7.0]  # bob's first answer was a 429 with Retry-After: 7
    assert result.counts["unknown_users"] == ["dave"] and result.counts["without_username"] == 1
    api = [r for r in discourse.server.requests if r["path"] == "/u/alice_dc.json"]
    assert api[0]["headers"]["api-key"] == "dc-key"


def test_subcategories_resolve_and_unknown_slugs_are_named(discourse, cohort) -> None:  # type: ignore[no-untyped-def]
    assert run(discourse, cohort, ["reps-council"]).status == "ok"
    assert facts()[("bob", "discourse.watching.reps-council")] == "true"
    assert facts()[("alice", "discourse.watching.reps-council")] == "false"
    result = run(discourse, cohort, ["reps", "mobilizers"])
    assert result.status == "failed" and "no category mobilizers" in result.error


def test_a_refused_key_fails_the_run_and_says_so(discourse, cohort) -> None:  # type: ignore[no-untyped-def]
    result = run(discourse, cohort, ["reps"], key="wrong")
    assert result.status == "failed" and "HTTP 403" in result.error and "categories" in result.error
    assert not PersonFact.objects.exists()


def test_rerun_on_changed_watching_adds_history(discourse, cohort) -> None:  # type: ignore[no-untyped-def]
    run(discourse, cohort, ["nda"])
    discourse.users["bob"] = [9]
    run(discourse, cohort, ["nda"])
    bob = PersonFact.objects.filter(person__username="bob").order_by("observed_at", "id")
    assert [x.value for x in bob] == ["false", "true"]


def test_command_line(discourse, cohort, settings, capsys) -> None:  # type: ignore[no-untyped-def]
    settings.OKRS_DISCOURSE_API_KEY = "dc-key"
    settings.OKRS_DISCOURSE_API_USERNAME = "system"
    discourse.throttle_once = False
    call_command(
        "sync",
        "discourse",
        "--url",
        discourse.server.url,
        "--cohort",
        "reps",
        "--category",
        "reps",
        "nda",
    )
    assert "ok" in capsys.readouterr().out
    assert len(facts()) == 4
    with pytest.raises(Exception, match="no such cohort"):
        call_command(
            "sync",
            "discourse",
            "--url",
            discourse.server.url,
            "--cohort",
            "x",
            "--category",
            "reps",
        )
