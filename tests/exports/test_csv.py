"""CSV downloads of a period and of a key result's check-ins, from the pages and the API,
through the access rules."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client

from okrs.api.services import token_create
from okrs.exports.csvrows import CHECKIN_COLUMNS, PERIOD_COLUMNS, safe_text
from tests import factories as f


def _rows(response) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    return list(csv.DictReader(io.StringIO(response.content.decode())))


@pytest.fixture
def hidden(world):  # type: ignore[no-untyped-def]
    """A private team's objective and a private objective of the public team."""
    council = f.team("council", name="Secret Council", visibility="private")
    f.membership(world.member, council, "member")
    secret = f.objective(team=council, period=world.period, title="Council plan")
    f.key_result(objective=secret, title="Council KR")
    private = f.objective(
        team=world.team, period=world.period, title="Private plan", visibility="private"
    )
    return secret, private


def test_period_csv_has_grades_and_statuses(world) -> None:  # type: ignore[no-untyped-def]
    f.checkin(world.kr, 25, "2017-02-10T12:00Z", confidence=0.9, note="=HYPERLINK(evil)")
    rows = _rows(Client().get("/periods/2017-Q1/objectives.csv?on=2017-02-15"))
    assert list(rows[0]) == PERIOD_COLUMNS
    (row,) = rows
    assert row["team"] == "Mozilla Reps" and row["objective"] == "Grow the community"
    assert row["key_result"] == "Reps reporting" and row["target"] == "50"
    # baseline 0, target 50, value 25: progress and grade 0.5 (the page shows 0.50)
    assert float(row["progress"]) == pytest.approx(0.5) and float(row["grade"]) == 0.5
    assert float(row["objective_grade"]) == 0.5
    # expected on Feb 15 of Jan 1–Mar 31, committed: 45 of 89 days
    assert float(row["expected"]) == pytest.approx(45 / 89, abs=1e-4)
    # 0.5 of 0.506 expected is 99 %: on track, for the KR and its only-KR objective
    assert row["status"] == "on_track" and row["objective_status"] == "on_track"
    assert row["confidence"] == "0.9" and row["last_check_in"].startswith("2017-02-10")
    page = Client().get("/?period=2017-Q1&on=2017-02-15").content.decode()
    assert "0.50" in page and 'href="/periods/2017-Q1/objectives.csv?on=2017-02-15"' in page


def test_private_stays_private_in_the_period_csv(world, hidden) -> None:  # type: ignore[no-untyped-def]
    for who in (None, "outsider", "viewer"):
        titles = {
            r["objective"] for r in _rows(world.client(who).get("/periods/2017-Q1/objectives.csv"))
        }
        assert "Council plan" not in titles
        if who != "viewer":
            assert "Private plan" not in titles
        assert "Grow the community" in titles
    member = {
        r["objective"] for r in _rows(world.client("member").get("/periods/2017-Q1/objectives.csv"))
    }
    assert {"Council plan", "Private plan", "Grow the community"} <= member


def test_checkins_csv_and_its_access(world, hidden) -> None:  # type: ignore[no-untyped-def]
    f.checkin(world.kr, 10, "2017-01-20T12:00Z", author=world.member, note="@cmd|' /C calc'!A0")
    f.checkin(world.kr, 20, "2017-02-01T12:00Z", note="two more clubs")
    rows = _rows(Client().get(f"/key-results/{world.kr.pk}/check-ins.csv"))
    assert list(rows[0]) == CHECKIN_COLUMNS
    assert [r["value"] for r in rows] == ["10", "20"]  # oldest first
    assert rows[0]["author"] == "member" and rows[0]["note"].startswith("'@")  # not a formula
    secret_kr = hidden[0].key_results.get()
    assert (
        world.client("outsider").get(f"/key-results/{secret_kr.pk}/check-ins.csv").status_code
        == 404
    )
    assert Client().get(f"/key-results/{secret_kr.pk}/check-ins.csv").status_code == 404
    assert (
        world.client("member").get(f"/key-results/{secret_kr.pk}/check-ins.csv").status_code == 200
    )


def test_api_serves_the_same_files_through_the_same_rules(world, hidden) -> None:  # type: ignore[no-untyped-def]
    f.checkin(world.kr, 25, "2017-02-10T12:00Z")
    page = Client().get("/periods/2017-Q1/objectives.csv?on=2017-02-15").content
    api = Client().get("/api/v1/periods/2017-Q1/objectives.csv?on=2017-02-15")
    assert api.status_code == 200 and api.content == page
    _, token = token_create(person=world.member, name="csv", read_only=True)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    member = _rows(Client().get("/api/v1/periods/2017-Q1/objectives.csv", **headers))
    assert "Council plan" in {r["objective"] for r in member}
    secret_kr = hidden[0].key_results.get()
    assert Client().get(f"/api/v1/key-results/{secret_kr.pk}/check-ins.csv").status_code == 404
    assert (
        Client().get(f"/api/v1/key-results/{secret_kr.pk}/check-ins.csv", **headers).status_code
        == 200
    )
    assert Client().get("/api/v1/periods/no-such/objectives.csv").status_code == 404


def test_downloads_run_bounded_queries(world, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    for n in range(6):
        objective = f.objective(team=world.team, period=world.period, title=f"More {n}")
        for k in range(3):
            owner = world.member if k else world.lead
            kr = f.key_result(objective=objective, title=f"KR {n}.{k}", owner=owner)
            f.checkin(kr, k * 10, "2017-02-01T12:00Z", author=world.member)
    client = world.client("member")
    with django_assert_max_num_queries(12):
        rows = _rows(client.get("/periods/2017-Q1/objectives.csv"))
    assert len(rows) == 19
    # the key results' owners are read in one query, and each row names its own
    owners = {r["key_result"]: r["key_result_owner"] for r in rows if r["key_result"]}
    assert owners["KR 3.0"] == world.lead.username and owners["KR 3.2"] == world.member.username
    with django_assert_max_num_queries(8):
        client.get(f"/key-results/{world.kr.pk}/check-ins.csv")


@pytest.mark.parametrize(
    ("raw", "safe"), [("=1+1", "'=1+1"), ("+x", "'+x"), ("-", "'-"), ("ok", "ok")]
)
def test_text_cells_never_start_a_formula(raw: str, safe: str) -> None:
    assert safe_text(raw) == safe


def test_print_stylesheet_is_linked_for_print_only(world) -> None:  # type: ignore[no-untyped-def]
    page = Client().get("/").content.decode()
    assert '<link rel="stylesheet" href="/static/okrs/print.css" media="print">' in page


def test_the_openapi_document_says_the_api_downloads_are_csv(world) -> None:  # type: ignore[no-untyped-def]
    """What a download answers is what the OpenAPI says (schemathesis checks it: a 200 of
    text/csv documented as JSON failed on PostgreSQL)."""
    paths = Client().get("/api/v1/openapi.json").json()["paths"]
    for path, url in (
        ("/api/v1/periods/{slug}/objectives.csv", "/api/v1/periods/2017-Q1/objectives.csv"),
        (
            "/api/v1/key-results/{kr_id}/check-ins.csv",
            f"/api/v1/key-results/{world.kr.pk}/check-ins.csv",
        ),
    ):
        documented = paths[path]["get"]["responses"]["200"]["content"]
        assert list(documented) == ["text/csv"]
        answer = Client().get(url)
        assert answer.status_code == 200
        assert answer["Content-Type"].split(";")[0] == "text/csv"
