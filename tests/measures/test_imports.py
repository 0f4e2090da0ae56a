"""Imports: streamed, validated row by row, all or nothing, idempotent; CSV and JSON."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from okrs.measures.imports import import_dataset
from okrs.measures.models import Activity, ParticipationEvent, PersonFact, Survey, SurveyResponse
from tests import factories as f

pytestmark = pytest.mark.django_db


def _csv(text: str) -> io.BytesIO:
    return io.BytesIO(text.strip().encode() + b"\n")


RESPONSES = """
survey,score,submitted_at,respondent,comment,external_id
core-2017,10,2017-01-10T10:00:00Z,ana,"Great, really",r1
core-2017,3,2017-01-11,,,r2
core-2017,8,2017-01-12T09:30:00+01:00,bo,,r3
"""


def test_responses_csv_import_creates_rows_and_the_survey() -> None:
    ana, bo = f.person("ana"), f.person("bo")
    report = import_dataset(kind="responses", stream=_csv(RESPONSES), filename="r.csv")
    assert report.ok, report.problems
    assert (report.rows, report.added, report.created_surveys) == (3, 3, ["core-2017"])
    survey = Survey.objects.get(slug="core-2017")
    rows = list(SurveyResponse.objects.filter(survey=survey).order_by("submitted_at"))
    assert [r.score for r in rows] == [10, 3, 8]
    assert rows[0].respondent == ana and rows[0].comment == "Great, really"
    assert rows[1].respondent is None
    assert rows[2].respondent == bo and rows[2].submitted_at.hour == 8  # stored in UTC


def test_reimporting_the_same_file_adds_nothing() -> None:
    f.person("ana"), f.person("bo")
    first = import_dataset(kind="responses", stream=_csv(RESPONSES), filename="r.csv")
    again = import_dataset(kind="responses", stream=_csv(RESPONSES), filename="r.csv")
    assert first.added == 3
    assert again.ok and (again.rows, again.added, again.skipped) == (3, 0, 3)
    assert SurveyResponse.objects.count() == 3


def test_rows_without_external_id_are_deduplicated_by_content() -> None:
    f.person("ana")
    text = (
        "person,date,type,tags\n"
        "ana,2017-01-05,talk,Activate; Events\n"
        "ana,2017-01-05,talk,events;activate\n"
    )
    report = import_dataset(kind="activities", stream=_csv(text), filename="a.csv")
    assert report.ok and report.added == 1  # same tags, other order and case: same activity
    again = import_dataset(kind="activities", stream=_csv(text), filename="a.csv")
    assert again.added == 0 and Activity.objects.count() == 1
    assert Activity.objects.get().tags == ";activate;events;"


def _activities(count: int, bad_line: int | None = None) -> str:
    lines = ["person,date,type,initiative,tags,link,external_id"]
    for i in range(count):
        day = "2017-02-30" if i + 2 == bad_line else "2017-02-01"
        lines.append(f"ana,{day},talk,cpg,activate,https://example.org/{i},a{i}")
    return "\n".join(lines)


def test_one_bad_row_in_the_middle_rejects_the_file_and_writes_nothing(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from okrs.measures import imports

    # rows before the bad one were written (SQLite: staged; PostgreSQL: copied to the table)
    monkeypatch.setattr(imports, "BATCH_SIZE", 10)
    monkeypatch.setattr(imports, "DIRECT_BATCH", 10)
    f.person("ana")
    import_dataset(kind="activities", stream=_csv(_activities(5)), filename="a.csv")
    assert Activity.objects.count() == 5
    report = import_dataset(
        kind="activities", stream=_csv(_activities(100, bad_line=52)), filename="a.csv"
    )
    assert not report.ok
    assert [(p.line, p.column) for p in report.problems] == [(52, "date")]
    assert "not a valid date" in report.problems[0].reason
    assert Activity.objects.count() == 5  # unchanged: the first 50 rows were rolled back


def test_problems_name_line_column_and_reason() -> None:
    f.person("ana")
    text = """survey,score,submitted_at,respondent
s1,9,2017-01-01T00:00:00Z,ana
s1,11,2017-01-01T00:00:00Z,ana
s1,x,yesterday,zed
"""
    report = import_dataset(kind="responses", stream=_csv(text), filename="r.csv")
    found = {(p.line, p.column): p.reason for p in report.problems}
    assert set(found) == {(3, "score"), (4, "score"), (4, "submitted_at"), (4, "respondent")}
    assert "0 to 10" in found[(3, "score")]
    assert "unknown person 'zed'" in found[(4, "respondent")]
    assert not Survey.objects.exists()  # the survey created on the way was rolled back


def test_missing_and_unknown_columns_are_reported_on_the_header_line() -> None:
    report = import_dataset(
        kind="facts", stream=_csv("person,key,observed,value\n"), filename="f.csv"
    )
    assert {(p.line, p.column) for p in report.problems} == {(1, "observed_at"), (1, "observed")}


def test_only_the_first_100_problems_are_reported() -> None:
    text = "person,kind,subject,at\n" + "nobody,feedback,cpg,2017-01-01\n" * 300
    report = import_dataset(kind="events", stream=_csv(text), filename="e.csv")
    assert len(report.problems) == 100 and report.truncated


def test_json_list_of_objects_with_line_numbers() -> None:
    f.person("ana")
    rows = [
        {"person": "ana", "key": "discourse.watching.reps", "value": True,
         "observed_at": "2017-01-02T00:00:00Z"},
        {"person": "ana", "key": "discourse.watching.nda", "value": "true",
         "observed_at": "2017-01-03T00:00:00Z"},
    ]  # fmt: skip
    data = json.dumps(rows, indent=2).encode()
    report = import_dataset(kind="facts", stream=io.BytesIO(data), filename="facts.json")
    assert report.ok and report.added == 2
    assert set(PersonFact.objects.values_list("value", flat=True)) == {"true"}
    bad = json.dumps([rows[0], {"person": "ana", "key": "k"}], indent=2).encode()
    report = import_dataset(kind="facts", stream=io.BytesIO(bad), filename="facts.json")
    assert {(p.line, p.column) for p in report.problems} == {(8, "value"), (8, "observed_at")}


def test_broken_json_is_reported_with_its_line() -> None:
    data = (
        b'[\n {"person": "ana", "kind": "feedback", "subject": "x", "at": "2017-01-01"},\n'
        b' {"person": \n'
    )
    report = import_dataset(kind="events", stream=io.BytesIO(data), filename="e.json")
    assert not report.ok and report.problems[-1].line >= 3
    assert not ParticipationEvent.objects.exists()


def test_command_reports_problems_and_exits_2(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    f.person("ana")
    path = tmp_path / "a.csv"
    path.write_text(_activities(10, bad_line=5))
    with pytest.raises(CommandError) as raised:
        call_command("data", "import", "activities", str(path), "--quiet")
    assert raised.value.returncode == 2
    assert "line 5, column 'date'" in capsys.readouterr().err
    assert not Activity.objects.exists()
    path.write_text(_activities(10))
    call_command("data", "import", "activities", str(path), "--quiet")
    assert "10 rows, 10 added" in capsys.readouterr().out


def test_rows_already_present_in_the_middle_of_a_file_are_skipped(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """PostgreSQL copies batches straight into the table until one meets a present row, then
    goes through the staging table: rows before, at and after that point end up once each."""
    from okrs.measures import imports

    monkeypatch.setattr(imports, "BATCH_SIZE", 7)
    monkeypatch.setattr(imports, "DIRECT_BATCH", 7)
    f.person("ana")
    lines = _activities(60).splitlines()
    middle = "\n".join([lines[0], *lines[31:41]])  # rows a30..a39
    assert import_dataset(kind="activities", stream=_csv(middle), filename="a.csv").added == 10
    duplicated = _activities(60) + "\n" + lines[5]  # a4 twice, at the end
    report = import_dataset(kind="activities", stream=_csv(duplicated), filename="a.csv")
    assert report.ok and (report.rows, report.added, report.skipped) == (61, 50, 11)
    assert Activity.objects.count() == 60
    assert set(Activity.objects.values_list("external_id", flat=True)) == {
        f"a{i}" for i in range(60)
    }
    again = import_dataset(kind="activities", stream=_csv(duplicated), filename="a.csv")
    assert (again.added, again.skipped) == (0, 61)


def test_a_bad_row_in_a_batch_being_written_and_a_survey_created_midway(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A new survey after rows were written (the COPY in progress ends first); a bad row while
    a batch is being written (the COPY is abandoned): nothing is kept, not even the survey."""
    from okrs.measures import imports

    monkeypatch.setattr(imports, "BATCH_SIZE", 4)
    monkeypatch.setattr(imports, "DIRECT_BATCH", 4)
    f.person("ana")
    Survey.objects.create(slug="old", title="Old")
    rows = [f"old,{i % 11},2017-01-{i + 1:02d}T10:00:00Z,ana,r{i}" for i in range(10)]
    rows += [f"new,7,2017-02-{i + 1:02d}T10:00:00+02:00,,n{i}" for i in range(10)]
    good = "survey,score,submitted_at,respondent,external_id\n" + "\n".join(rows)
    report = import_dataset(kind="responses", stream=_csv(good), filename="r.csv")
    assert report.ok and report.added == 20 and report.created_surveys == ["new"]
    assert SurveyResponse.objects.filter(survey__slug="new").count() == 10
    assert SurveyResponse.objects.get(external_id="n0").submitted_at.hour == 8
    rows[14] = "new,7,2017-02-30T10:00:00Z,,n4"
    rows.insert(3, "other,5,2017-01-01T00:00:00Z,,o1")  # a new survey, before the bad row
    bad = "survey,score,submitted_at,respondent,external_id\n" + "\n".join(rows)
    SurveyResponse.objects.all().delete()
    report = import_dataset(kind="responses", stream=_csv(bad), filename="r.csv")
    assert [(p.line, p.column) for p in report.problems] == [(17, "submitted_at")]
    assert not SurveyResponse.objects.exists()
    assert not Survey.objects.filter(slug="other").exists() and not report.created_surveys


@pytest.mark.parametrize(
    "cells",
    [
        ("s1", "9", "2017-01-01T10:00:00+00:00", "ana", "", "r1"),
        ("s1", "0", "2017-01-01T10:00:00Z", "", "Fine, thanks", ""),
        ("s1", "10", "2017-01-01T10:00:00.250+00:00", "ana", " spaced ", " r2 "),
        ("s1", "3", "2017-01-01T23:30:00-05:00", "", "", ""),
        ("s1", "3", "2017-01-01T10:00:00", "", "", ""),
        ("s1", "3", "2017-01-01", " ana ", "", ""),
        ("s1", "3", " 2017-01-01T10:00:00Z ", "", "", ""),
        ("s1", "3", "20170101T100000+00:00", "", "", ""),
        ("s1", "3", "2017-W01-1", "", "", ""),
        (" s1 ", " 3 ", "2017-01-01T10:00:00Z", "", "", ""),
        ("s1", "11", "2017-01-01T10:00:00Z", "", "", ""),
        ("s1", "3", "2017-01-01T10:00:00Z", "zed", "", ""),
        ("s1", "3", "yesterday", "", "", ""),
        ("s1", "3", "2017-01-01T10:00:00Z", "", "x" * 5001, ""),
        ("new-one", "3", "2017-01-01T10:00:00Z", "", "", ""),
        ("not a slug", "3", "2017-01-01T10:00:00Z", "", "", ""),
        ("s1", "3", "0001-01-01T00:00:00+05:00", "", "", ""),
        ("s1", "3", "9999-12-31T23:00:00-05:00", "", "", ""),
        ("s1", "3", "0001-01-01T10:00:00+00:00", "", "", ""),
        ("s1", "3", "2017-01-01T10:00:00Z", "", "a\x00b", ""),
    ],
)
def test_the_fast_check_of_a_response_agrees_with_the_column_by_column_one(cells) -> None:  # type: ignore[no-untyped-def]
    _agree("responses", cells)


@pytest.mark.parametrize(
    "cells",
    [
        ("ana", "2017-01-05", "talk", "cpg", "Activate; Events", "https://x.org/1", "a1"),
        ("ana", "2017-01-05", "talk", "", "", "", ""),
        ("ana", "2017-01-05", " talk ", " cpg ", " ; ;", " https://x.org ", " a2 "),
        ("ana", "2017-01-05", "talk", "", "b;a;A", "", ""),
        (" ana ", " 2017-01-05 ", "talk", "", "", "", ""),
        ("ana", "20170105", "talk", "", "", "", ""),
        ("ana", "2017-W01-1", "talk", "", "", "", ""),
        ("ana", "2017-02-30", "talk", "", "", "", ""),
        ("ana", "2017-01-05", "", "", "", "", ""),
        ("ana", "2017-01-05", "t" * 101, "", "", "", ""),
        ("ana", "2017-01-05", "talk", "", "", "ftp://x.org", ""),
        ("ana", "2017-01-05", "talk", "", "x;" * 600, "", ""),
        ("zed", "2017-01-05", "talk", "", "", "", ""),
        ("ana", "2017-01-05", "talk", "", "", "", "e" * 201),
        ("ana", "2017-01-05", "talk", "a\x00b", "", "", ""),
    ],
)
def test_the_fast_check_of_an_activity_agrees_with_the_column_by_column_one(cells) -> None:  # type: ignore[no-untyped-def]
    _agree("activities", cells)


def _agree(kind: str, cells: tuple[str, ...]) -> None:
    """``fast`` returns what ``row`` returns, or raises (then ``row`` decides); the common
    rows take the fast path. (Reading notes a NUL byte before the rows holding it.)"""
    from okrs.measures.imports import ImportReport, RowError, _Reading, _Validator, resolve_kind

    f.person("ana")
    Survey.objects.create(slug="s1", title="S1")
    reading = _Reading()
    reading.nul = any("\x00" in cell for cell in cells)
    validator = _Validator(resolve_kind(kind), ImportReport(kind=kind), reading=reading)
    try:
        expected: object = validator.row(cells)
    except RowError as exc:
        expected = exc.problems
    try:
        fast = validator.fast(cells)
    except Exception:
        assert cells[-1] not in {"r1", "a1"}, "a plain row must take the fast path"
        return
    assert fast == expected
    assert validator.fast(cells) == expected  # again, from what it remembers of the cells


@pytest.mark.parametrize("filename", ["e.csv", "e.json"])
def test_a_nul_character_or_a_time_beyond_the_calendar_is_a_problem_not_an_error(filename) -> None:  # type: ignore[no-untyped-def]
    f.person("ana")
    rows = [
        ("ana", "feedback", "cpg", "2017-01-05"),
        ("ana", "feed\x00back", "cpg", "2017-01-05"),
        ("ana", "feedback", "cpg", "0001-01-01T00:00:00+05:00"),
        ("ana", "feedback", "cpg", "9999-12-31T23:00:00-05:00"),
    ]
    keys = ("person", "kind", "subject", "at")
    if filename.endswith(".json"):
        objects = [json.dumps(dict(zip(keys, r, strict=True))) for r in rows]
        data = ("[\n" + ",\n".join(objects) + "\n]").encode()
    else:
        data = ("\n".join(",".join(r) for r in [keys, *rows]) + "\n").encode()
    report = import_dataset(kind="events", stream=io.BytesIO(data), filename=filename)
    found = {(p.line, p.column): p.reason for p in report.problems}
    assert found == {
        (3, "kind"): "must not contain a NUL character",
        (4, "at"): "out of range (years 1900 to 9999): 0001-01-01T00:00:00+05:00",
        (5, "at"): "out of range (years 1900 to 9999 in UTC): 9999-12-31T23:00:00-05:00",
    }
    assert not ParticipationEvent.objects.exists()


def test_activities_are_written_in_date_order() -> None:
    """SQLite moves the staged rows in date order, PostgreSQL sorts each batch so: a share
    reads a period's rows from the table, side by side on disk."""
    f.person("ana")
    days = [f"2017-01-{d:02d}" for d in (9, 3, 7, 1, 5, 2)]
    text = "person,date,type\n" + "\n".join(f"ana,{d},talk" for d in days)
    assert import_dataset(kind="activities", stream=_csv(text), filename="a.csv").added == 6
    stored = [d.isoformat() for d in Activity.objects.order_by("pk").values_list("date", flat=True)]
    assert stored == sorted(days)


def test_the_progress_bar_says_when_the_file_is_read_and_the_rows_are_being_written(
    tmp_path,  # type: ignore[no-untyped-def]
    capsys,
) -> None:
    from okrs.measures.management.commands.data import WRITING

    f.person("ana")
    path = tmp_path / "a.csv"
    path.write_text(_activities(10))
    call_command("data", "import", "activities", str(path))
    # the bar's last state (rich renders it once more when it stops) names the writing phase
    assert f"activities from a.csv: {WRITING}" in capsys.readouterr().err
