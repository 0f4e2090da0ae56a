"""The datasets and measures API: surveys with results for leads only, dataset imports (all or
nothing, problems by line), and a key result's measure read and set per the KR's access."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from okrs.measures.models import Activity, Measurement, Survey, SurveyResponse
from okrs.measures.services import key_result_set_measure

GOOD = b"person,date,type\nmember,2017-01-02,talk\nmember,2017-01-03,talk\nlead,2017-01-04,event\n"
BAD = b"person,date,type\nmember,2017-01-02,talk\nmember,not-a-date,talk\nlead,2017-01-04,talk\n"


def _upload(api: Any, kind: str, content: bytes, name: str = "data.csv") -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    headers = {"Authorization": f"Bearer {api.token}"} if api.token else {}
    return api.client.post(
        f"/api/v1/datasets/{kind}/import",
        {"file": SimpleUploadedFile(name, content)},
        headers=headers,
    )


def _survey(world: Any, slug: str, **fields: Any) -> Survey:
    survey = Survey.objects.create(slug=slug, title=slug, team=world.team, **fields)
    at = dt.datetime(2017, 1, 5, tzinfo=dt.UTC)
    for i, score in enumerate([10, 9, 8, 3]):
        SurveyResponse.objects.create(
            survey=survey, score=score, submitted_at=at, content_key=f"{slug}{i}"
        )
    return survey


def test_surveys_listed_per_access_and_results_only_for_leads(world: Any) -> None:
    _survey(world, "imported")  # not hosted: only the team's leads see it
    _survey(world, "hosted", hosted=True)
    lead = world.api(world.lead)
    assert [s["slug"] for s in lead.get("/surveys").json()["items"]] == ["imported", "hosted"]
    for api in (world.api(world.member), world.api(world.outsider), world.api()):
        assert [s["slug"] for s in api.get("/surveys").json()["items"]] == ["hosted"]
    found = lead.get("/surveys/imported").json()["results"]
    assert (found["n"], found["promoters"], found["passives"], found["detractors"]) == (4, 2, 1, 1)
    assert found["nps"] == 25.0 and found["interval"][0] < 25.0 < found["interval"][1]
    assert world.api(world.member).get("/surveys/hosted").json()["results"] is None
    assert world.api(world.member).get("/surveys/imported").status_code == 404


def test_survey_list_pages_in_bounded_queries(world: Any) -> None:
    lead = world.api(world.lead)
    lead.get("/surveys")  # the token's first use is recorded once
    counts = []
    for n in (2, 12):
        for i in range(n - Survey.objects.count()):
            Survey.objects.create(slug=f"s{n}-{i}", title="s", team=world.team)
        with CaptureQueriesContext(connection) as queries:
            body = lead.get("/surveys", limit=5).json()
        counts.append(len(queries))
    assert len(body["items"]) == 5 and body["next_cursor"]
    assert counts[0] == counts[1]
    second = lead.get("/surveys", limit=5, cursor=body["next_cursor"]).json()["items"]
    assert not {s["slug"] for s in second} & {s["slug"] for s in body["items"]}


def test_import_refused_to_non_leads_and_read_only_tokens(world: Any) -> None:
    assert _upload(world.api(world.member), "activities", GOOD).status_code == 403
    assert _upload(world.api(), "activities", GOOD).status_code == 401
    read_only = world.api(world.lead, read_only=True)
    response = _upload(read_only, "activities", GOOD)
    assert response.status_code == 403 and response.json()["code"] == "read_only_token"
    assert not Activity.objects.exists()


def test_a_bad_row_in_the_middle_rejects_the_file_with_its_line(world: Any) -> None:
    response = _upload(world.api(world.lead), "activities", BAD)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid" and body["field"] == "file"
    assert [(p["line"], p["column"]) for p in body["problems"]] == [(3, "date")]
    assert not Activity.objects.exists()


def test_unknown_kind_and_too_large_file(world: Any, settings: Any) -> None:
    lead = world.api(world.lead)
    assert _upload(lead, "nonsense", GOOD).status_code == 422
    settings.OKRS_IMPORT_MAX_BYTES = 10
    response = _upload(lead, "activities", GOOD)
    assert response.status_code == 413 and response.json()["code"] == "too_large"
    assert not Activity.objects.exists()


def test_a_good_import_remeasures_a_computed_key_result(world: Any) -> None:
    key_result_set_measure(
        key_result=world.kr, kind="activity_count", params={"filter": {"type": "talk"}}
    )
    response = _upload(world.api(world.lead), "activities", GOOD)
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["rows"], body["added"]) == (3, 3)
    assert [(r["key_result_id"], r["value"]) for r in body["remeasured"]] == [(world.kr.pk, 2.0)]
    assert Measurement.objects.get(key_result=world.kr).value == 2.0
    measure = world.api(world.member).get(f"/key-results/{world.kr.pk}/measure").json()
    assert (measure["kind"], measure["value"], measure["sample"]) == ("activity_count", 2.0, 2)
    again = _upload(world.api(world.lead), "activities", GOOD).json()
    assert (again["added"], again["skipped"], again["remeasured"]) == (0, 3, [])


def test_measure_read_per_key_result_access(world: Any) -> None:
    path = f"/key-results/{world.private_kr.pk}/measure"
    assert world.api(world.outsider).get(path).status_code == 404
    assert world.api().get(path).status_code == 404
    body = world.api(world.member).get(path).json()
    assert (body["kind"], body["value"], body["params"]) == ("manual", None, {})


def test_measure_put_validates_and_checks_edit_access(world: Any) -> None:
    path = f"/key-results/{world.kr.pk}/measure"
    good = {"kind": "activity_count", "params": {"filter": {"type": "talk"}}}
    assert world.api(world.member).send("PUT", path, good).status_code == 403
    assert world.api(world.lead, read_only=True).send("PUT", path, good).status_code == 403
    assert world.api(world.outsider).send("PUT", f"/key-results/{world.private_kr.pk}/measure",
                                          good).status_code == 404  # fmt: skip
    lead = world.api(world.lead)
    bad = lead.send("PUT", path, {"kind": "nps", "params": {}})
    assert bad.status_code == 422 and bad.json()["field"].startswith("params.")
    unknown = lead.send("PUT", path, {"kind": "telepathy", "params": {}})
    assert unknown.status_code == 422 and unknown.json()["field"] == "kind"
    world.kr.refresh_from_db()
    assert world.kr.measure_kind == "manual"
    done = lead.send("PUT", path, good)
    assert done.status_code == 200 and done.json()["kind"] == "activity_count"
    world.kr.refresh_from_db()
    assert world.kr.measure_params["filter"] == {"type": "talk"}
