"""The rules of trust through the pages and the API: unmeasured key results count as 0 and every
objective, team and period says how many are measured; an NPS whose interval holds its target
is uncertain everywhere; a check-in carries its day and a closed period refuses one that would
count nowhere; a period's "as of" day is its own; computed measures keep one point a day."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from okrs.api.services import token_create
from okrs.goals.models import CheckIn, CheckInSource
from okrs.measures.models import Survey, SurveyResponse
from okrs.measures.services import key_result_set_measure, measure_key_result
from tests import factories as f

pytestmark = pytest.mark.django_db

IN_PERIOD = dt.datetime(2017, 2, 15, 12, tzinfo=dt.UTC)


@pytest.fixture
def world() -> dict[str, Any]:
    team = f.team("reps")
    member = f.person("member")
    f.membership(member, team, "member")
    period = f.period()
    objective = f.objective(team=team, period=period, code="O1", state="published")
    nps = f.key_result(
        objective=objective, code="KR1", direction="at_least", baseline=0.0, target=11.5
    )
    f.key_result(objective=objective, code="KR2")
    f.key_result(objective=objective, code="KR3")
    survey = Survey.objects.create(team=team, slug="core", title="Core community")
    # 4 promoters, 2 passives, 1 detractor: NPS 42.9, far above 11.5, on 7 answers only
    for n, score in enumerate([10, 9, 9, 10, 8, 7, 3]):
        SurveyResponse.objects.create(
            survey=survey,
            score=score,
            submitted_at=dt.datetime(2017, 2, 1, tzinfo=dt.UTC),
            content_key=f"k{n}",
        )
    key_result_set_measure(key_result=nps, kind="nps", params={"survey": "core"})
    measure_key_result(key_result=nps, now=IN_PERIOD)
    return {"team": team, "member": member, "period": period, "objective": objective, "nps": nps}


def _api(person: Any) -> tuple[Client, dict[str, str]]:
    _, token = token_create(person=person, name="t")
    return Client(), {"Authorization": f"Bearer {token}"}


def test_unmeasured_key_results_count_as_zero_and_pages_say_how_many_are_measured(
    client: Client, world: dict[str, Any]
) -> None:
    response = client.get("/", {"period": "2017-Q1", "on": "2017-02-15"})
    board = response.context["board"]
    [row] = board.objectives
    assert row.grade == pytest.approx(1 / 3)  # one KR done, two never checked in: not 1.00
    assert row.progress == pytest.approx((42.86 / 11.5) / 3, rel=1e-3)
    assert str(row.measured) == "1 of 3 measured"
    assert str(board.teams[0].measured) == str(board.measured) == "1 of 3 measured"
    html = response.content.decode()
    assert html.count("1 of 3 measured") >= 3  # the period, the team and the objective
    team_page = client.get(f"/teams/{world['team'].slug}/", {"period": "2017-Q1"})
    assert "1 of 3 measured" in team_page.content.decode()
    review = client.get("/periods/2017-Q1/review/")
    assert "1 of 3 measured" in review.content.decode()


def test_an_nps_whose_interval_holds_the_target_is_uncertain_on_every_page_and_the_api(
    client: Client, world: dict[str, Any]
) -> None:
    nps = world["nps"]
    nps.refresh_from_db()
    assert nps.uncertain
    overview = client.get("/", {"period": "2017-Q1", "on": "2017-02-15"})
    [row] = overview.context["board"].objectives
    assert row.key_results[0].score.status == "uncertain"
    assert "status-uncertain" in overview.content.decode()
    page = client.get(f"/key-results/{nps.pk}/").content.decode()
    assert "Uncertain" in page and "undecided: the interval contains the target" in page
    assert "On track" not in page
    body = Client().get(f"/api/v1/key-results/{nps.pk}").json()
    assert body["status"] == "uncertain"  # the headline agrees with the details, after the end too


def test_a_check_in_on_a_closed_period_is_refused_by_the_page_and_the_api_alike(
    client: Client, world: dict[str, Any]
) -> None:
    kr = world["objective"].key_results.get(code="KR2")
    client.force_login(world["member"])
    response = client.post(reverse("web:checkin", args=[kr.pk]), {"value": "40"})
    assert response.status_code == 400
    assert "has ended" in response.content.decode()
    api, headers = _api(world["member"])
    url = f"/api/v1/key-results/{kr.pk}/checkins"
    refused = api.post(url, {"value": 40}, content_type="application/json", headers=headers)
    assert refused.status_code == 422 and refused.json()["field"] == "at"
    assert "has ended" in refused.json()["message"]
    outside = api.post(
        url, {"value": 40, "at": "2017-04-02T10:00:00Z"},
        content_type="application/json", headers=headers,
    )  # fmt: skip
    assert outside.status_code == 422 and "outside the period" in outside.json()["message"]
    assert not CheckIn.objects.filter(key_result=kr).exists()  # nothing saved that counts nowhere
    inside = api.post(
        url, {"value": 40, "at": "2017-03-01T10:00:00Z"},
        content_type="application/json", headers=headers,
    )  # fmt: skip
    assert inside.status_code == 201
    assert CheckIn.objects.filter(key_result=kr).count() == 1


def test_switching_period_never_carries_the_day_across(
    client: Client, world: dict[str, Any]
) -> None:
    f.period("2026-Q4", start=dt.date(2026, 10, 1), end=dt.date(2026, 12, 31))
    plain = client.get("/", {"period": "2017-Q1"}).context["board"]
    # the switcher submits the day shown for the period left: it belongs to another period
    carried = client.get("/", {"period": "2017-Q1", "on": "2026-12-02"}).context["board"]
    assert plain.on == carried.on == dt.date(2017, 3, 31)
    assert plain.grade == carried.grade
    assert plain.objectives[0].status == carried.objectives[0].status


def test_computed_measures_keep_one_point_a_day_the_days_latest(world: dict[str, Any]) -> None:
    nps, survey = world["nps"], Survey.objects.get(slug="core")
    day = dt.datetime(2017, 2, 20, 9, tzinfo=dt.UTC)
    computed = CheckIn.objects.filter(key_result=nps, source=CheckInSource.COMPUTED)
    before = computed.count()
    for hour, score in enumerate([0, 0, 1]):  # three answers that day, each measured
        SurveyResponse.objects.create(
            survey=survey, score=score, submitted_at=day + dt.timedelta(hours=hour),
            content_key=f"d{hour}",
        )  # fmt: skip
        measure_key_result(key_result=nps, now=day + dt.timedelta(hours=hour, minutes=5))
    assert computed.count() == before + 1
    latest = computed.order_by("-at").first()
    assert latest is not None and latest.at == day + dt.timedelta(hours=2, minutes=5)
    assert latest.value == pytest.approx(100 * (4 - 4) / 10)  # 4 promoters, 4 detractors of 10
    measure_key_result(key_result=nps, now=day + dt.timedelta(days=1))  # the next day
    assert computed.count() == before + 1  # unchanged value: no new point either
