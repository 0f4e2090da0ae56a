"""Size limits on every path that takes an upload or a large body, each refused cleanly (never a
500) and writing nothing:

- the dataset upload page (`/data/import/`) and the API import (`POST /api/v1/datasets/{kind}/
  import`): a file over `OKRS_IMPORT_MAX_BYTES` (default 50 MiB) is refused with 413 (the page
  keeps its form and says why);
- the paste page (`/teams/<slug>/import/`): a document over 100,000 characters is refused whole
  with 413 (it was cut silently before: a cut document would import in part);
- every form and JSON body: Django's `DATA_UPLOAD_MAX_MEMORY_SIZE` (2.5 MiB, file parts not
  counted) and `DATA_UPLOAD_MAX_NUMBER_FIELDS` (30,000) answer 400: the API's JSON writes, the
  paste page, the GitHub webhook. Files above `FILE_UPLOAD_MAX_MEMORY_SIZE` (2.5 MiB) are
  streamed to a temporary file, not held in memory.

The limits of the production server (gunicorn) are documented in docs/reliability.md."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from okrs.api.services import token_create
from okrs.documents.views import MAX_DOCUMENT
from okrs.goals.models import KeyResult, Objective
from okrs.measures.models import Activity
from tests import factories as f

pytestmark = pytest.mark.django_db

ROW = b"lead,2017-01-05,talk\n"


def _csv(rows: int) -> bytes:
    return b"person,date,type\n" + ROW * rows


@pytest.fixture
def lead(db: Any) -> Any:
    person = f.person("lead")
    team = f.team("reps")
    f.membership(person, team, "lead")
    f.period()
    return person


def _web(user: Any) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def _api_headers(user: Any) -> dict[str, str]:
    _, token = token_create(person=user, name="limits")
    return {"Authorization": f"Bearer {token}"}


def test_the_django_limits_in_force() -> None:
    assert django_settings.DATA_UPLOAD_MAX_MEMORY_SIZE == 2_621_440
    assert django_settings.DATA_UPLOAD_MAX_NUMBER_FIELDS == 30_000  # the paste page's 50 × 50
    assert django_settings.DATA_UPLOAD_MAX_NUMBER_FILES == 100
    assert django_settings.FILE_UPLOAD_MAX_MEMORY_SIZE == 2_621_440
    assert django_settings.OKRS_IMPORT_MAX_BYTES == 50 * 1024 * 1024
    assert MAX_DOCUMENT == 100_000


def test_the_upload_page_refuses_a_file_over_the_limit(lead: Any, settings: Any) -> None:
    content = _csv(5)
    settings.OKRS_IMPORT_MAX_BYTES = len(content) - 1
    page = _web(lead).post(
        "/data/import/", {"kind": "activities", "file": SimpleUploadedFile("a.csv", content)}
    )
    assert page.status_code == 413 and "The file is over" in page.content.decode()
    assert not Activity.objects.exists()
    settings.OKRS_IMPORT_MAX_BYTES = len(content)  # at the limit: imported
    page = _web(lead).post(
        "/data/import/", {"kind": "activities", "file": SimpleUploadedFile("a.csv", content)}
    )
    assert page.status_code == 200 and Activity.objects.count() == 1  # 5 identical rows


def test_the_api_import_answers_413_over_the_limit(lead: Any, settings: Any) -> None:
    content = _csv(5)
    settings.OKRS_IMPORT_MAX_BYTES = len(content) - 1
    answer = Client().post(
        "/api/v1/datasets/activities/import",
        {"file": SimpleUploadedFile("a.csv", content)},
        headers=_api_headers(lead),
    )
    assert answer.status_code == 413
    assert answer.json() == {
        "code": "too_large",
        "message": f"The file is over {len(content) - 1} bytes.",
        "field": "file",
    }
    assert not Activity.objects.exists()


def test_a_file_above_the_memory_threshold_is_streamed_and_imported(
    lead: Any, settings: Any
) -> None:
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024  # a small threshold: the file goes to disk
    rows = b"".join(b"lead,2017-01-%02d,talk-%d\n" % (1 + i % 28, i) for i in range(200))
    content = b"person,date,type\n" + rows
    assert len(content) > 4 * 1024
    answer = Client().post(
        "/api/v1/datasets/activities/import",
        {"file": SimpleUploadedFile("a.csv", content)},
        headers=_api_headers(lead),
    )
    assert answer.status_code == 200 and Activity.objects.count() == 200


def test_the_paste_page_refuses_a_document_over_100000_characters(lead: Any) -> None:
    document = "Objective 1 – Grow\nKR 1 – 50 Reps\n"
    filler = "\nProse. " * ((MAX_DOCUMENT - len(document)) // 8)
    at_limit = (document + filler).ljust(MAX_DOCUMENT, ".")
    assert len(at_limit) == MAX_DOCUMENT
    read = _web(lead).post("/teams/reps/import/", {"text": at_limit, "period": "2017-Q1"})
    assert read.status_code == 200 and "Parsed OKRs" in read.content.decode()
    over = _web(lead).post("/teams/reps/import/", {"text": at_limit + ".", "period": "2017-Q1"})
    assert over.status_code == 413
    assert "The document has 100,001 characters; at most 100,000" in over.content.decode()
    saved = _web(lead).post(
        "/teams/reps/import/",
        {"text": at_limit + ".", "period": "2017-Q1", "action": "save", "o-count": "1",
         "o-0-title": "Grow", "k-0-count": "1", "k-0-0-title": "50 Reps",
         "k-0-0-direction": "at_least", "k-0-0-target": "50"},
    )  # fmt: skip
    assert saved.status_code == 413 and not Objective.objects.exists()


def test_a_body_over_the_memory_limit_is_refused_on_every_path(lead: Any, settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    settings.OKRS_GITHUB_WEBHOOK_SECRET = "s3cret"
    big = "x" * 20_000
    web = _web(lead)
    paste = web.post("/teams/reps/import/", {"text": big, "period": "2017-Q1"})
    assert paste.status_code == 400
    api = Client(raise_request_exception=False).post(
        "/api/v1/objectives",
        json.dumps({"team": "reps", "period": "2017-Q1", "code": "O9", "title": big}),
        content_type="application/json",
        headers=_api_headers(lead),
    )
    assert api.status_code == 413, api.status_code
    assert api.json() == {
        "code": "too_large",
        "message": "The request body is over 10000 bytes.",
        "field": None,
    }
    hook = Client(raise_request_exception=False).post(
        "/sync/github/webhook/",
        json.dumps({"payload": big}),
        content_type="application/json",
        headers={"X-GitHub-Event": "issues", "X-Hub-Signature-256": "sha256=0"},
    )
    assert hook.status_code == 400
    assert not Objective.objects.exists()


def test_too_many_form_fields_are_refused_not_a_500(lead: Any) -> None:
    form = {"o-count": "1", "o-0-title": "Grow", "k-0-count": "50", "period": "2017-Q1"}
    form |= {f"k-0-{j}-{name}": "1" for j in range(50) for name in ("title", "target", "unit")}
    form |= {f"extra-{i}": "x" for i in range(django_settings.DATA_UPLOAD_MAX_NUMBER_FIELDS)}
    answer = _web(lead).post("/teams/reps/import/", {**form, "action": "save"})
    assert answer.status_code == 400 and not KeyResult.objects.exists()
