"""Property-based tests of `okrs import FILE`: whatever the file, the import either succeeds or
fails with FileProblems (exit code 2) whose every message names the file and the line
(`FILE:LINE: path: message`), never another exception, and a rejected file writes nothing.

Two sources of bad files: any text at all, and a valid file covering every kind of item with
one or two random mutations (a value replaced by another of any type, a key removed, an unknown
key added, an item duplicated, a list emptied) at a random place."""

from __future__ import annotations

import contextlib
import copy
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.management.base import CommandError
from django.db import transaction
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from okrs.files.loader import FileProblems, load_text
from tests.files.helpers import counts, run, snapshot

pytestmark = pytest.mark.django_db

SETTINGS = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

BASE = """\
version: 1
teams:
  - {slug: mozilla, name: Mozilla}
  - {slug: reps, name: Mozilla Reps, parent: mozilla, follows_parent_heartbeats: false}
people:
  - username: ada
    name: Ada Example
    email: ada@example.org
    github: ada-gh
    memberships: [{team: reps, role: lead}]
  - username: bo
    memberships: [{team: reps, role: member}]
cohorts:
  - {slug: reps, name: Reps, team: reps, members: [ada, bo]}
periods:
  - {slug: 2017-Q1, name: Q1 2017, start: 2017-01-01, end: 2017-03-31}
heartbeats:
  - {team: reps, period: 2017-Q1, name: Q1HB1, start: 2017-01-22, end: 2017-02-11}
objectives:
  - team: mozilla
    period: 2017-Q1
    code: O1
    title: Mobilize
    key_results:
      - {code: KR1, title: Three programs, target: 3, unit: programs}
  - team: reps
    period: 2017-Q1
    code: O1
    title: A strong base
    owner: ada
    contributes_to: [{team: mozilla, code: O1}]
    key_results:
      - code: KR1
        title: 50 Reps give feedback
        baseline: 0
        target: 50
        unit: people
        owner: bo
        checkins:
          - {at: 2017-02-06T12:00:00Z, value: 20, confidence: 0.7, author: ada, note: ok}
      - code: KR2
        title: Half of the activities support Activate
        target: 50
        unit: "%"
        measure: {kind: activity_share, filter: {tag: activate}, cohort: reps}
      - {code: KR3, title: Guidelines published, direction: milestone}
packets:
  - team: reps
    heartbeat: {team: reps, name: Q1HB1}
    title: Map the onboarding steps
    status: done
    priority: P1
    key_results: [2017-Q1/reps/O1/KR1]
    roles: {R: [bo], A: [ada]}
    due: 2017-02-10
"""
BASE_DATA = yaml.safe_load(BASE)

ANY_VALUE = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats()
    | st.dates()
    | st.text(max_size=12)
    | st.sampled_from(["", "reps", "ada", "2017-Q1", "O1", "KR1", "x" * 600, "2017-02-30"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner),
    max_leaves=6,
)


def _places(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path into the document."""
    found = [path]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _places(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _places(value, (*path, index))
    return found


PLACES = _places(BASE_DATA)[1:]


def _mutate(data: Any, path: tuple[Any, ...], how: str, value: Any) -> None:
    parent = data
    for part in path[:-1]:
        parent = parent[part]
    last = path[-1]
    if how == "replace":
        parent[last] = value
    elif how == "remove":
        del parent[last]
    elif how == "unknown key" and isinstance(parent[last], dict):
        parent[last]["surprise"] = value
    elif how == "duplicate" and isinstance(parent, list):
        parent.append(copy.deepcopy(parent[last]))
    elif how == "empty" and isinstance(parent[last], (list, dict)):
        parent[last] = type(parent[last])()
    else:
        parent[last] = value


MUTATION = st.tuples(
    st.sampled_from(PLACES),
    st.sampled_from(["replace", "remove", "unknown key", "duplicate", "empty"]),
    ANY_VALUE,
)


@st.composite
def mutated_files(draw: Any) -> str:
    data = copy.deepcopy(BASE_DATA)
    for place, how, value in draw(st.lists(MUTATION, min_size=1, max_size=2)):
        with contextlib.suppress(KeyError, IndexError, TypeError):
            _mutate(data, place, how, value)  # unless the first mutation removed this place
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


LINES = [
    *("version: 1", "teams:", "  - slug: reps", "    name: R", "objectives:", "- [", "  key:"),
    *("{a: b", "'", "&a x", "*a", "!!python/object:os.system", "version: 2", "\t- x", "---"),
    "periods: [{slug: 2017-Q1, start: 2017-03-31, end: 2017-01-01}]",
    *("key: value: other", "people: [{username: a}, {username: a}]", "%YAML 1.2"),
]
YAMLISH = st.lists(st.sampled_from(LINES) | st.text(max_size=20), max_size=8).map("\n".join)


def _import(path: Path) -> str | None:
    """Run `okrs import`; None when it succeeded, else its report (checked for locations)."""
    try:
        run("import", str(path))
    except CommandError as failure:
        assert failure.returncode == 2, failure
        report = str(failure)
        *messages, summary = report.splitlines()  # one line each, whatever the keys hold
        assert summary.startswith(f"{path}: ") and "nothing imported" in summary
        for message in messages:
            if "more problems" in message:
                continue
            where, _, what = message.partition(": ")
            assert where.startswith(f"{path}:") and where[len(str(path)) + 1 :].isdigit(), message
            assert what.strip(), message
        return report
    return None


@settings(SETTINGS, max_examples=100)
@given(text=YAMLISH | st.text(max_size=200))
@example(text="!!python/object/apply:os.system ['true']")
@example(text="a: &a [*a]")
@example(text="- x\n- y")
def test_any_text_is_a_file_or_named_problems(text: str) -> None:
    try:
        load_text(text, "f.yaml")
    except FileProblems as problems:
        assert problems.messages() and all(m.startswith("f.yaml") for m in problems.messages())


@settings(SETTINGS, max_examples=80)
@given(text=mutated_files())
@example(text=BASE.replace("target: 3,", "target: .nan,"))
@example(text=BASE.replace("value: 20", "value: 1.0e+400"))
@example(text=BASE.replace("name: Ada Example", f"name: {'A' * 400}"))
@example(text=BASE.replace("start: 2017-01-22", "start: 2017-01-02"))
@example(text=BASE.replace("name: Ada Example", 'name: "Ada\\0Example"'))
@example(text=BASE.replace("title: Mobilize", 'title: "\\0"'))
@example(text=BASE.replace("  - username: bo\n", '  - "\\x1e": null\n'))
def test_a_mutated_file_imports_or_is_refused_by_line_and_writes_nothing(
    tmp_path: Path, text: str
) -> None:
    path = tmp_path / "okrs.yaml"
    path.write_text(text, encoding="utf-8")
    before = counts(snapshot())
    with transaction.atomic():
        report = _import(path)
        event("refused" if report else "imported")
        if report is not None:
            assert counts(snapshot()) == before, report  # nothing of a refused file
        transaction.set_rollback(True)


def test_the_base_file_is_valid(tmp_path: Path) -> None:
    path = tmp_path / "okrs.yaml"
    path.write_text(BASE, encoding="utf-8")
    assert _import(path) is None
    assert "Nothing changed." in run("import", str(path))
