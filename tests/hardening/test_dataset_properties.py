"""Property-based tests of the dataset imports (CSV and JSON): whatever the file, the import
answers with a report, never an unhandled exception; a rejected file names each problem by line
(and column where there is one) and leaves every dataset table as it was; the upload page and
the API answer 200 or 422, never a 500.

The importer (okrs/measures/imports.py) is tested only through `import_dataset`, the upload
page and the API."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from okrs.api.services import token_create
from okrs.measures.imports import KINDS, import_dataset
from okrs.measures.models import Activity, ParticipationEvent, PersonFact, Survey, SurveyResponse
from tests import factories as f

pytestmark = pytest.mark.django_db

SETTINGS = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Cells: plausible values mixed with what goes wrong in real files.
TEXT = st.text(st.characters(codec="utf-8"), max_size=30)
CELLS = st.one_of(
    st.sampled_from(
        [
            "",
            " ",
            "lead",
            "member",
            "nobody",
            "2017-01-05",
            "2017-01-05T10:00:00Z",
            "2017-02-30",
            "0001-01-01T00:00:00+05:00",
            "9999-12-31T23:59:59-05:00",
            "\x00",
            "a\x00b",
            "5",
            "10",
            "11",
            "-1",
            "9.5",
            "nps-q1",
            "not a slug!",
            "talk",
            "https://x.org/a",
            "ftp://x",
            "a;b; ;A",
            "x" * 600,
            "NaN",
            "1e309",
            "é",
            "\ufeff",
            '"',
            "\r",
        ]
    ),
    TEXT,
)
KIND = st.sampled_from(sorted(KINDS))


def _columns(kind: str) -> st.SearchStrategy[list[str]]:
    keys = list(KINDS[kind].keys)
    return st.lists(st.sampled_from([*keys, "extra", "", "Person"]), max_size=8) | st.permutations(
        keys
    )


@st.composite
def csv_files(draw: Any) -> tuple[str, bytes, str]:
    kind = draw(KIND)
    header = draw(_columns(kind))
    rows = draw(st.lists(st.lists(CELLS, max_size=len(header) + 1), max_size=6))
    buffer = io.StringIO()
    import csv

    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    text = buffer.getvalue()
    if draw(st.booleans()):  # cut anywhere: a truncated upload
        text = text[: draw(st.integers(0, len(text)))]
    return kind, text.encode("utf-8"), "data.csv"


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | CELLS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=8,
)


@st.composite
def json_files(draw: Any) -> tuple[str, bytes, str]:
    kind = draw(KIND)
    keys = list(KINDS[kind].keys)
    item = st.dictionaries(st.sampled_from([*keys, "extra"]), CELLS | JSON_VALUES, max_size=8)
    data = draw(st.lists(item | JSON_VALUES, max_size=5) | JSON_VALUES)
    text = json.dumps(data)
    if draw(st.booleans()):
        text = text[: draw(st.integers(0, len(text)))]
    return kind, text.encode("utf-8"), "data.json"


RAW = st.tuples(KIND, st.binary(max_size=200), st.sampled_from(["data.csv", "data.json", "x"]))
FILES = csv_files() | json_files() | RAW


def _counts() -> tuple[int, ...]:
    return tuple(
        model.objects.count()
        for model in (Activity, ParticipationEvent, PersonFact, SurveyResponse, Survey)
    )


@pytest.fixture
def people(db: Any) -> Any:
    lead = f.person("lead")
    f.person("member")
    f.membership(lead, f.team("reps"), "lead")
    return lead


@settings(SETTINGS, max_examples=100)
@given(upload=FILES)
@example(upload=("activities", b"person,date,type\nlead,2017-01-05,talk\nmember,,x\n", "a.csv"))
@example(upload=("facts", b"person,key,value,observed_at\nlead,k,v,2017-01-05T25:00\n", "f.csv"))
@example(upload=("facts", b"person,key,value,observed_at\nlead,k,a\x00b,2017-01-05\n", "f.csv"))
@example(
    upload=("events", b"person,kind,subject,at\nlead,k,s,0001-01-01T00:00:00+05:00\n", "e.csv")
)
@example(upload=("responses", b"survey,score,submitted_at\nq1,11,2017-01-05\n", "r.csv"))
@example(upload=("activities", b'[{"person": "lead", "date": "2017-01-05", "type": 5}]', "a.json"))
@example(upload=("activities", b'[{"person": "lead"', "a.json"))
def test_any_file_gets_a_report_and_a_rejected_one_writes_nothing(
    people: Any, upload: tuple[str, bytes, str]
) -> None:
    kind, content, name = upload
    before = _counts()
    with transaction.atomic():
        report = import_dataset(kind=kind, stream=io.BytesIO(content), filename=name)
        if report.ok:
            assert report.added <= report.rows
        else:
            for problem in report.problems:
                assert isinstance(problem.line, int) and problem.line >= 0
                assert problem.reason.strip()
                assert str(problem).startswith(f"line {problem.line}")
            assert _counts() == before  # nothing of a rejected file is written
        transaction.set_rollback(True)


@settings(SETTINGS, max_examples=40)
@given(upload=FILES)
@example(upload=("facts", b"person,key,value,observed_at\nlead,k,a\x00b,2017-01-05\n", "f.csv"))
@example(
    upload=("events", b"person,kind,subject,at\nlead,k,s,9999-12-31T23:59:59-05:00\n", "e.csv")
)
def test_the_upload_page_and_the_api_answer_200_or_422_never_500(
    people: Any, upload: tuple[str, bytes, str]
) -> None:
    kind, content, name = upload
    _, token = token_create(person=people, name="props")
    web, api = Client(), Client()
    web.force_login(people)
    before = _counts()
    with transaction.atomic():
        page = web.post("/data/import/", {"kind": kind, "file": SimpleUploadedFile(name, content)})
        assert page.status_code in (200, 422), page.status_code
        if page.status_code == 422:
            assert _counts() == before
        transaction.set_rollback(True)
    with transaction.atomic():
        answer = api.post(
            f"/api/v1/datasets/{kind}/import",
            {"file": SimpleUploadedFile(name, content)},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert answer.status_code in (200, 422), (answer.status_code, answer.content[:300])
        if answer.status_code == 422:
            body = answer.json()
            assert body["field"] == "file" and body["problems"]
            assert all(isinstance(p["line"], int) and p["reason"] for p in body["problems"])
            assert _counts() == before
        transaction.set_rollback(True)
