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

    monkeypatch.setattr(imports, "BATCH_SIZE", 10)  # rows before the bad one were flushed
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
