"""`okrs import`: identities, idempotence, history kept, additive links, bounded queries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from okrs.goals.models import Alignment, CheckIn, KeyResult
from okrs.heartbeats.models import PacketRole, WorkPacket
from okrs.org.models import Membership
from tests.files.helpers import run, snapshot

pytestmark = pytest.mark.django_db

BASE = """\
version: 1
teams:
  - {slug: reps, name: Mozilla Reps}
people:
  - {username: ada, email: ada@example.org, memberships: [{team: reps, role: lead}]}
periods:
  - {slug: 2017-Q1, start: 2017-01-01, end: 2017-03-31}
heartbeats:
  - {team: reps, period: 2017-Q1, name: HB1, start: 2017-01-22, end: 2017-02-11}
objectives:
  - team: reps
    period: 2017-Q1
    code: O1
    title: A strong base
    key_results:
      - code: KR1
        title: 50 Reps give feedback
        target: 50
        checkins:
CHECKINS
packets:
  - team: reps
    heartbeat: HB1
    title: Ask for feedback
    key_results: [2017-Q1/reps/O1/KR1]
    roles: {R: [ada]}
"""


def with_checkins(count: int, note: str = "") -> str:
    """BASE with `count` check-ins a day apart from 2017-01-02 (at noon UTC)."""
    lines = [
        f"          - {{at: {dt.date(2017, 1, 2) + dt.timedelta(days=i)}T12:00:00Z,"
        f" value: {i}, note: '{note}'}}"
        for i in range(count)
    ]
    if not lines:
        return BASE.replace("        checkins:\nCHECKINS\n", "")
    return BASE.replace("CHECKINS", "\n".join(lines))


def test_importing_the_same_file_twice_changes_nothing(write_file: Callable[..., Path]) -> None:
    file = write_file(with_checkins(3))
    first = run("import", str(file))
    assert "check-ins           3 created, 0 updated, 0 unchanged" in first
    before = snapshot()
    second = run("import", str(file))
    assert "check-ins           0 created, 0 updated, 3 unchanged" in second
    assert "Nothing changed." in second
    assert snapshot() == before


def test_a_check_in_is_updated_in_place_and_never_deleted(
    write_file: Callable[..., Path],
) -> None:
    run("import", str(write_file(with_checkins(3))))
    ids = set(CheckIn.objects.values_list("id", flat=True))
    output = run("import", str(write_file(with_checkins(2, note="Counted again"))))
    assert "check-ins           0 created, 2 updated, 0 unchanged" in output
    assert set(CheckIn.objects.values_list("id", flat=True)) == ids
    notes = list(CheckIn.objects.order_by("at").values_list("note", flat=True))
    assert notes == ["Counted again", "Counted again", ""]


def test_a_new_value_at_the_same_time_is_a_new_check_in(write_file: Callable[..., Path]) -> None:
    run("import", str(write_file(with_checkins(1))))
    changed = with_checkins(1).replace("value: 0,", "value: 7,")
    output = run("import", str(write_file(changed)))
    assert "check-ins           1 created, 0 updated, 0 unchanged" in output
    assert sorted(CheckIn.objects.values_list("value", flat=True)) == [0, 7]


def test_a_date_means_midnight_and_other_zones_are_the_same_instant(
    write_file: Callable[..., Path],
) -> None:
    text = BASE.replace(
        "CHECKINS",
        "          - {at: 2017-01-10, value: 1}\n"
        "          - {at: '2017-01-11T13:00:00+01:00', value: 2}",
    )
    run("import", str(write_file(text)))
    times = list(CheckIn.objects.order_by("at").values_list("at", flat=True))
    assert times == [
        dt.datetime(2017, 1, 10, tzinfo=dt.UTC),
        dt.datetime(2017, 1, 11, 12, tzinfo=dt.UTC),
    ]
    same_instant = text.replace("13:00:00+01:00", "12:00:00Z")
    assert "Nothing changed." in run("import", str(write_file(same_instant)))


def test_people_get_unusable_passwords_and_emails_are_kept_when_not_given(
    write_file: Callable[..., Path],
) -> None:
    run("import", str(write_file(with_checkins(1))))
    ada = User.objects.get(username="ada")
    assert not ada.has_usable_password() and ada.email == "ada@example.org"
    without_email = with_checkins(1).replace("email: ada@example.org, ", "")
    assert "Nothing changed." in run("import", str(write_file(without_email)))
    assert User.objects.get(username="ada").email == "ada@example.org"


def test_links_not_in_the_file_are_kept(write_file: Callable[..., Path]) -> None:
    """The import adds memberships, packet links and roles; it never removes any."""
    run("import", str(write_file(with_checkins(1))))
    smaller = (
        with_checkins(1)
        .replace(", memberships: [{team: reps, role: lead}]", "")
        .replace("    key_results: [2017-Q1/reps/O1/KR1]\n", "")
        .replace("    roles: {R: [ada]}\n", "")
    )
    assert "Nothing changed." in run("import", str(write_file(smaller)))
    assert Membership.objects.get().role == "lead"
    assert WorkPacket.objects.get().key_results.count() == 1
    assert PacketRole.objects.get().role == "R"


def test_references_may_name_items_already_in_the_database(
    demo: str, write_file: Callable[..., Path]
) -> None:
    text = """\
    version: 1
    objectives:
      - team: reps
        period: 2017-Q1
        code: O3
        title: Reps coach new mobilizers
        owner: juniper
        contributes_to: [{team: cdt, code: O1, weight: 0.5}]
        key_results:
          - {code: KR1, title: 20 coaches trained, target: 20, deadline: 2017-03-15}
    packets:
      - team: reps
        heartbeat: {team: cdt, name: Q1HB2}
        title: Train the first coaches
        key_results: [2017-Q1/reps/O3/KR1, 2017-Q1/reps/O1/KR1]
        roles: {A: [juniper]}
    """
    output = run("import", str(write_file(text)))
    assert "objectives          1 created" in output
    link = Alignment.objects.get(child__code="O3", child__team__slug="reps")
    assert (link.parent.team.slug, link.parent.code, link.weight) == ("cdt", "O1", 0.5)
    packet = WorkPacket.objects.get(title="Train the first coaches")
    assert packet.heartbeat.name == "Q1HB2" and packet.key_results.count() == 2


def test_a_dry_run_reports_and_writes_nothing(write_file: Callable[..., Path]) -> None:
    before = snapshot()
    output = run("import", "--dry-run", str(write_file(with_checkins(2))))
    assert output.startswith("Checked (dry run, nothing written)")
    assert "check-ins           2 created" in output
    assert snapshot() == before


def test_computed_measures_are_checked_and_stored(write_file: Callable[..., Path]) -> None:
    text = with_checkins(0).replace(
        "        target: 50\n",
        "        target: 50\n"
        "        measure: {kind: distinct_people, event: cpg-feedback, cohort: reps}\n",
    )
    run("import", str(write_file(text)))
    kr = KeyResult.objects.get()
    assert kr.measure_kind == "distinct_people"
    assert kr.measure_params == {"event": "cpg-feedback", "cohort": "reps"}


def test_the_number_of_queries_does_not_grow_with_the_check_ins(
    write_file: Callable[..., Path],
) -> None:
    def queries(count: int) -> int:
        file = write_file(with_checkins(count), name=f"{count}.yaml")
        with CaptureQueriesContext(connection) as captured:
            run("import", str(file))
        return len(captured)

    run("import", str(write_file(with_checkins(0))))
    small = queries(5)
    CheckIn.objects.all().delete()
    large = queries(400)
    assert CheckIn.objects.count() == 400
    # Only the database's batch size for one insert may add a few queries.
    assert large <= small + 4, (small, large)


def test_the_full_example_of_the_documentation_imports(write_file: Callable[..., Path]) -> None:
    doc = (Path(__file__).parents[2] / "docs" / "file-format.md").read_text(encoding="utf-8")
    example = doc.split("```yaml\n", 1)[1].split("```", 1)[0]
    output = run("import", str(write_file(example)))
    assert "objectives          2 created" in output
    assert "check-ins           1 created" in output
    kr = KeyResult.objects.get(code="KR5")
    assert kr.measure_kind == "distinct_people"
    assert WorkPacket.objects.get().key_results.get().code == "KR2"
    assert "Nothing changed." in run("import", str(write_file(example)))


def test_imports_write_the_history_of_what_they_create_and_change(
    write_file: Callable[..., Path],
) -> None:
    from okrs.goals.models import Change, Objective

    run("import", str(write_file(with_checkins(1))))
    objective = Objective.objects.get(code="O1")
    kr = KeyResult.objects.get(code="KR1")
    created = list(Change.objects.filter(objective=objective).order_by("id"))
    assert [(c.action, c.key_result_id) for c in created] == [("created", None), ("created", kr.pk)]
    assert created[0].diff == {"title": [None, "A strong base"], "state": [None, "published"]}
    changed = with_checkins(1).replace("title: A strong base", "title: A stronger base")
    changed = changed.replace("target: 50", "target: 60\n        owner: ada")
    run("import", str(write_file(changed)))
    edits = list(Change.objects.filter(objective=objective, action="updated").order_by("id"))
    assert [e.diff for e in edits] == [
        {"title": ["A strong base", "A stronger base"]},
        {"target": [50.0, 60.0], "owner": [None, "ada"]},
    ]
    assert edits[1].key_result_id == kr.pk
    run("import", str(write_file(changed)))  # the same file again: no new history
    assert Change.objects.count() == len(created) + len(edits)
