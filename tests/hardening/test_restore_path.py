"""`okrs import FILE` is the operator's restore path: objectives keep the state the file gives
(a period moves between databases exactly, `okrs export` then `okrs import`), recorded in each
objective's history. No other door reaches that importer: the pages, the paste import and
`okrs import-doc` send a child team's objectives to review (tests/documents), and the API
imports datasets only."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from okrs.api.services import token_create
from okrs.goals.models import Change, ChangeAction, Objective, ObjectiveState
from tests import factories as f
from tests.files.helpers import run

pytestmark = pytest.mark.django_db
OKRS = Path(__file__).resolve().parents[2] / "okrs"
# the only modules that may call the file importer: the operator's commands
ALLOWED = {"files/management/commands/import.py", "files/management/commands/demo.py"}

FILE = """\
version: 1
teams:
  - {slug: mozilla, name: Mozilla}
  - {slug: reps, name: Mozilla Reps, parent: mozilla}
periods:
  - {slug: 2017-Q1, name: Q1 2017, start: 2017-01-01, end: 2017-03-31}
objectives:
  - {team: reps, period: 2017-Q1, code: O1, title: Restored as published, state: published}
  - {team: reps, period: 2017-Q1, code: O2, title: Restored as a draft, state: draft}
"""


def _callers() -> set[str]:
    found = set()
    for path in OKRS.rglob("*.py"):
        relative = path.relative_to(OKRS).as_posix()
        if relative == "files/importer.py" or "/migrations/" in relative:
            continue
        text = path.read_text()
        if "importer" not in text:
            continue
        for node in ast.walk(ast.parse(text)):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module == "okrs.files.importer":
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names if a.name == "okrs.files.importer"]
            elif isinstance(node, ast.ImportFrom) and node.module == "okrs.files":
                names = [a.name for a in node.names if a.name == "importer"]
            if names:
                found.add(relative)
    return found


def test_only_the_operators_commands_reach_the_file_importer() -> None:
    assert _callers() == ALLOWED


def test_okrs_import_keeps_the_files_states_and_records_them(tmp_path: Path) -> None:
    path = tmp_path / "restore.yaml"
    path.write_text(FILE)
    run("import", str(path))
    published = Objective.objects.get(team__slug="reps", code="O1")
    draft = Objective.objects.get(team__slug="reps", code="O2")
    assert published.state == ObjectiveState.PUBLISHED  # reps has a parent: no review on restore
    assert draft.state == ObjectiveState.DRAFT
    for objective in (published, draft):
        [created] = Change.objects.filter(objective=objective, action=ChangeAction.CREATED)
        assert created.diff["state"] == [None, objective.state]
        assert created.actor is None


def test_a_lead_cannot_send_an_okrs_file_through_the_api(tmp_path: Path) -> None:
    """The API's import takes the four dataset kinds; an OKRs file goes nowhere."""
    lead, team = f.person("lead"), f.team("reps")
    f.membership(lead, team, "lead")
    token = token_create(person=lead, name="t")[1]
    for kind in ("objectives", "okrs", "files"):
        response = Client().post(
            f"/api/v1/datasets/{kind}/import",
            {"file": SimpleUploadedFile("okrs.yaml", FILE.encode())},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert response.status_code in (404, 422), (kind, response.status_code)
    assert not Objective.objects.exists()
