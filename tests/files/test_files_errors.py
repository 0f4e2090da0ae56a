"""Invalid files: every problem named as FILE:LINE: path: message, exit code 2, nothing written."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.management.base import CommandError
from django.db import IntegrityError

from okrs.files import importer
from okrs.goals.models import Objective
from tests.files.helpers import counts, line_of, run, snapshot

pytestmark = pytest.mark.django_db

VALID = """\
version: 1
teams:
  - slug: reps
    name: Mozilla Reps
people:
  - username: ada
periods:
  - slug: 2017-Q1
    start: 2017-01-01
    end: 2017-03-31
objectives:
  - team: reps
    period: 2017-Q1
    code: O1
    title: A strong base
    owner: ada
    key_results:
      - code: KR1
        title: 50 Reps give feedback
        target: 50
        unit: people
"""


def problems_of(path: Path) -> str:
    """The import's error report; asserts it failed with exit code 2."""
    with pytest.raises(CommandError) as failure:
        run("import", str(path))
    assert failure.value.returncode == 2
    return str(failure.value)


def test_the_valid_base_file_imports(write_file: Callable[..., Path]) -> None:
    output = run("import", str(write_file(VALID)))
    assert "objectives          1 created" in output
    assert Objective.objects.get(code="O1").key_results.get().target == 50


# (case, text replaced, replacement, line marker, path, message fragment)
CASES = [
    (
        "wrong type",
        "    owner: ada\n",
        "    owner: ada\n    weight: heavy\n",
        "weight: heavy",
        "objectives[0].weight",
        "input should be a valid number",
    ),
    (
        "unknown team",
        "  - team: reps\n",
        "  - team: nope\n",
        "team: nope",
        "objectives[0].team",
        "unknown team 'nope'",
    ),
    (
        "key result without target",
        "        target: 50\n",
        "",
        "- code: KR1",
        "objectives[0].key_results[0].target",
        "required for direction 'increase'",
    ),
    (
        "unknown key",
        "        target: 50\n",
        "        tagret: 50\n",
        "tagret: 50",
        "objectives[0].key_results[0].tagret",
        "unknown key 'tagret'; did you mean 'target'?",
    ),
    (
        "missing field",
        "    title: A strong base\n",
        "",
        "- team: reps",
        "objectives[0].title",
        "required",
    ),
    (
        "unknown person",
        "    owner: ada\n",
        "    owner: bob\n",
        "owner: bob",
        "objectives[0].owner",
        "unknown person 'bob'",
    ),
    (
        "deadline outside the period",
        "        unit: people\n",
        "        unit: people\n        deadline: 2017-04-15\n",
        "deadline: 2017-04-15",
        "objectives[0].key_results[0].deadline",
        "must lie inside period 2017-Q1 (2017-01-01 to 2017-03-31)",
    ),
    (
        "bad choice",
        "        unit: people\n",
        "        unit: people\n        direction: upwards\n",
        "direction: upwards",
        "objectives[0].key_results[0].direction",
        "must be one of 'increase', 'decrease'",
    ),
    (
        "naive date-time",
        "        unit: people\n",
        "        unit: people\n        checkins:\n"
        "          - {at: 2017-02-01 10:00:00, value: 3}\n",
        "at: 2017-02-01 10:00:00",
        "objectives[0].key_results[0].checkins[0].at",
        "needs a time zone",
    ),
    (
        "manual measure with parameters",
        "        unit: people\n",
        "        unit: people\n        measure: {kind: manual, survey: q1}\n",
        "measure: {kind: manual",
        "objectives[0].key_results[0].measure",
        "a manual measure takes no parameters",
    ),
    (
        "duplicate key",
        "    title: A strong base\n",
        "    title: A strong base\n    title: Again\n",
        "title: Again",
        "objectives[0].title",
        "this key is given twice",
    ),
    (
        "check-in before the year 1 in UTC",
        "        unit: people\n",
        "        unit: people\n        checkins:\n"
        "          - {at: '0001-01-01T00:00:00+05:00', value: 3}\n",
        "at: '0001-01-01",
        "objectives[0].key_results[0].checkins[0].at",
        "out of range (years 1900 to 9999",
    ),
    (
        "check-in past the year 9999 in UTC",
        "        unit: people\n",
        "        unit: people\n        checkins:\n"
        "          - {at: '9999-12-31T23:00:00-05:00', value: 3}\n",
        "at: '9999-12-31",
        "objectives[0].key_results[0].checkins[0].at",
        "out of range (years 1900 to 9999 in UTC)",
    ),
    (
        "a day before 1900",
        "    end: 2017-03-31\n",
        "    end: 0001-03-31\n",
        "end: 0001-03-31",
        "periods[0].end",
        "out of range (years 1900 to 9999)",
    ),
    (
        "order past the column",
        "    title: A strong base\n",
        "    title: A strong base\n    order: 1180591620717411303424\n",
        "order: 1180591620717411303424",
        "objectives[0].order",
        "less than or equal to 2147483647",
    ),
    (
        "NUL in a title",
        "    title: A strong base\n",
        '    title: "A strong\\0 base"\n',
        'title: "A strong',
        "objectives[0].title",
        "must not contain a NUL character",
    ),
    (
        "infinite value",
        "        unit: people\n",
        "        unit: people\n        checkins:\n"
        "          - {at: '2017-02-01T10:00:00Z', value: .inf}\n",
        "value: .inf",
        "objectives[0].key_results[0].checkins[0].value",
        "finite number",
    ),
    (
        "wrong version",
        "version: 1\n",
        "version: 2\n",
        "version: 2",
        "version",
        "must be 1",
    ),
]


@pytest.mark.parametrize(
    ("old", "new", "marker", "path", "message"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_a_problem_is_reported_at_its_line_and_path(
    write_file: Callable[..., Path], old: str, new: str, marker: str, path: str, message: str
) -> None:
    assert old in VALID
    text = VALID.replace(old, new, 1)
    file = write_file(text, name="bad.yaml")
    before = snapshot()
    report = problems_of(file)
    expected = f"{file}:{line_of(text, marker)}: {path}: "
    assert expected in report, report
    assert message in report.split(expected, 1)[1].splitlines()[0], report
    assert report.rstrip().endswith("1 problem, nothing imported.")
    assert snapshot() == before


def test_bad_yaml_syntax_is_reported_at_its_line(write_file: Callable[..., Path]) -> None:
    text = VALID.replace("    name: Mozilla Reps\n", "   name: Mozilla Reps\n")
    file = write_file(text, name="syntax.yaml")
    report = problems_of(file)
    assert f"{file}:{line_of(text, '   name: Mozilla Reps')}: invalid YAML: " in report, report
    assert counts(snapshot())["goals.Objective"] == 0


@pytest.mark.parametrize(
    ("text", "message"),
    [("", "expected a mapping with `version: 1`"), ("- 1\n- 2\n", "expected a mapping")],
    ids=["empty", "a list"],
)
def test_a_file_that_is_not_a_mapping_is_refused(
    write_file: Callable[..., Path], text: str, message: str
) -> None:
    assert message in problems_of(write_file(text))


def test_a_missing_file_is_refused_with_exit_code_2(tmp_path: Path) -> None:
    report = problems_of(tmp_path / "nowhere.yaml")
    assert "nowhere.yaml: cannot read the file" in report


def test_every_problem_is_reported_not_only_the_first(write_file: Callable[..., Path]) -> None:
    text = VALID.replace("  - team: reps\n", "  - team: nope\n").replace(
        "    owner: ada\n", "    owner: bob\n"
    )
    text += "packets:\n  - team: reps\n    title: Ask\n    key_results: [2017-Q1/reps/O9/KR1]\n"
    report = problems_of(write_file(text))
    assert "objectives[0].team: unknown team 'nope'" in report
    assert "objectives[0].owner: unknown person 'bob'" in report
    assert "packets[0].key_results[0]: unknown key result 2017-Q1/reps/O9/KR1" in report
    assert report.rstrip().endswith("3 problems, nothing imported.")
    lines = [int(line.split(":")[1]) for line in report.splitlines()[:3]]
    assert lines == sorted(lines)


def test_at_most_a_hundred_problems_are_listed(write_file: Callable[..., Path]) -> None:
    items = "".join(
        f"  - {{team: team{i}, period: 2017-Q1, code: O{i}, title: T}}\n" for i in range(120)
    )
    text = VALID.split("objectives:")[0] + "objectives:\n" + items
    report = problems_of(write_file(text)).splitlines()
    assert len([line for line in report if "unknown team" in line]) == 100
    assert report[-2].endswith("... and 20 more problems")
    assert report[-1].endswith("120 problems, nothing imported.")


REFERENCES = """\
version: 1
teams:
  - {slug: reps, name: Reps}
  - {slug: cdt, name: CDT, parent: reps}
  - {slug: top, name: Top, parent: cdt}
periods:
  - {slug: 2017-Q1, start: 2017-01-01, end: 2017-03-31}
heartbeats:
  - {team: cdt, period: 2017-Q1, name: HB1, start: 2017-01-22, end: 2017-02-11}
  - {team: cdt, period: 2017-Q1, name: HB2, start: 2017-02-10, end: 2017-03-03}
  - {team: cdt, period: 2017-Q1, name: HB3, start: 2017-03-20, end: 2017-04-05}
objectives:
  - team: reps
    period: 2017-Q1
    code: O1
    title: Child
    contributes_to: [{team: cdt, code: O1}]
  - team: cdt
    period: 2017-Q1
    code: O1
    title: Parent
    contributes_to: [{team: reps, code: O1}]
  - team: cdt
    period: 2017-Q1
    code: O1
    title: Same code again
packets:
  - team: reps
    heartbeat: HB1
    title: A packet
    roles: {R: [nobody]}
"""


def test_reference_problems_are_all_found(write_file: Callable[..., Path]) -> None:
    text = REFERENCES.replace(
        "  - {slug: reps, name: Reps}", "  - {slug: reps, name: Reps, parent: top}"
    )
    file = write_file(text)
    report = problems_of(file)
    expected = [
        (
            "slug: reps",
            "teams[0].parent: teams would be their own ancestors: reps → top → cdt → reps",
        ),
        ("name: HB2", "heartbeats[1]: overlaps heartbeat HB1 (2017-01-22 to 2017-02-11)"),
        ("name: HB3", "heartbeats[2]: must lie inside period 2017-Q1 (2017-01-01 to 2017-03-31)"),
        (
            "contributes_to: [{team: cdt",
            "objectives[0].contributes_to[0]: contributions would "
            "form a cycle: 2017-Q1/reps/O1 → 2017-Q1/cdt/O1 → 2017-Q1/reps/O1",
        ),
        (
            "title: Same code again",
            "objectives[2].code: duplicate objective (team, period and "
            "code); first given at objectives[1].code",
        ),
        ("heartbeat: HB1", "packets[0].heartbeat: unknown heartbeat 'HB1' of team 'reps'"),
        ("R: [nobody]", "packets[0].roles.R[0]: unknown person 'nobody'"),
    ]
    for marker, message in expected:
        line = line_of(text, marker) + (-1 if marker.startswith("title: Same") else 0)
        assert f"{file}:{line}: {message}" in report, report


def test_nothing_is_written_to_a_non_empty_database(
    demo: str, write_file: Callable[..., Path]
) -> None:
    """The file's first items are valid and would change the database; one late item is not."""
    text = """\
    version: 1
    teams:
      - {slug: clubs, name: Mozilla Clubs, parent: cdt}
    people:
      - {username: newcomer, memberships: [{team: reps}]}
    objectives:
      - team: reps
        period: 2017-Q1
        code: O1
        title: A new title for the Reps' first objective
        key_results:
          - code: KR9
            title: A new key result
            target: 5
            checkins: [{at: 2017-02-01T00:00:00Z, value: 1}]
    packets:
      - {team: reps, title: Late, roles: {R: [ghost]}}
    """
    before = snapshot()
    report = problems_of(write_file(text))
    assert "packets[0].roles.R[0]: unknown person 'ghost'" in report
    assert snapshot() == before


def test_a_database_refusal_midway_rolls_everything_back(
    demo: str, write_file: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """If the database refuses a late write, the earlier writes of the import are undone."""

    def refuse(self: object) -> None:
        raise IntegrityError("refused for the test")

    monkeypatch.setattr(importer._Writer, "_packets", refuse)
    text = VALID.replace("A strong base", "Written, then rolled back")
    before = snapshot()
    report = problems_of(write_file(text))
    assert "the database refused the import, nothing was written: refused for the test" in report
    assert snapshot() == before


def test_the_okrs_console_command_exits_with_2(tmp_path: Path) -> None:
    """The real `okrs` program (run once, it is slow to start): exit code 2, where, no write."""
    database = tmp_path / "okrs.sqlite3"
    env = {
        **os.environ,
        "OKRS_DATABASE_URL": f"sqlite:///{database}",
        "OKRS_VAR_DIR": str(tmp_path),
    }
    text = VALID.replace("    owner: ada\n", "    owner: ada\n    weight: heavy\n")
    (tmp_path / "bad.yaml").write_text(text, encoding="utf-8")
    okrs = str(Path(sys.executable).with_name("okrs"))
    result = subprocess.run(
        [okrs, "import", "bad.yaml"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 2, result.stderr
    line = line_of(text, "weight: heavy")
    assert f"bad.yaml:{line}: objectives[0].weight: input should be a valid number" in result.stderr
    assert result.stdout == ""
    assert not database.exists() or _tables(database) == []


def _tables(database: Path) -> list[str]:
    with sqlite3.connect(database) as connection:
        return [row[0] for row in connection.execute("select name from sqlite_master")]


def test_moving_a_period_may_not_leave_its_heartbeats_or_deadlines_outside(
    demo: str, write_file: Callable[..., Path]
) -> None:
    text = """\
    version: 1
    periods:
      - {slug: 2017-Q1, start: 2017-01-01, end: 2017-02-20}
    """
    file = write_file(text)
    report = problems_of(file)
    outside = ["heartbeat cdt/Q1HB2", "heartbeat cdt/Q1HB3", "heartbeat cdt/Q1HB4"]
    outside.append("the deadline of 2017-Q1/reps/O2/KR2")
    for label in outside:
        assert f"{file}:3: periods[0]: would leave {label} outside the period" in report
    assert "Q1HB1" not in report
    assert report.rstrip().endswith("4 problems, nothing imported.")
