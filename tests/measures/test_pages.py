"""Pages: the dataset upload (leads only), hosted NPS surveys and the KR measure summary."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from okrs.measures.models import Activity, Survey, SurveyResponse
from okrs.measures.selectors import measure_summary
from okrs.measures.services import key_result_set_measure, measure_key_result, survey_create
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(seed):  # type: ignore[no-untyped-def]
    team = seed.cohort.team
    lead, member, outsider = f.person("lead"), f.person("member"), f.person("outsider")
    f.membership(lead, team, "lead")
    f.membership(member, team, "member")
    seed.cohort.members.add(member, lead)
    return {"lead": lead, "member": member, "outsider": outsider, "team": team}


def _upload(client, text: str, kind: str = "activities"):  # type: ignore[no-untyped-def]
    upload = SimpleUploadedFile("a.csv", text.encode(), content_type="text/csv")
    return client.post("/data/import/", {"kind": kind, "file": upload})


def test_only_leads_may_import(client, people) -> None:  # type: ignore[no-untyped-def]
    anonymous = client.get("/data/import/")  # sent to log in and back
    assert anonymous.status_code == 302
    assert anonymous["Location"] == "/accounts/login/?next=/data/import/"
    client.force_login(people["member"])
    assert client.get("/data/import/").status_code == 403
    assert _upload(client, "person,date,type\nmember,2017-01-02,talk\n").status_code == 403
    assert not Activity.objects.exists()
    client.force_login(people["lead"])
    assert client.get("/data/import/").status_code == 200


def test_upload_imports_or_rejects_with_line_and_column(client, people) -> None:  # type: ignore[no-untyped-def]
    client.force_login(people["lead"])
    good = "person,date,type\nmember,2017-01-02,talk\nlead,2017-01-03,event\n"
    response = _upload(client, good)
    assert response.status_code == 200 and "2 added" in response.content.decode()
    bad = "person,date,type\nmember,2017-01-04,talk\nnobody,2017-01-05,talk\nlead,2017-01-06,x\n"
    response = _upload(client, bad)
    html = response.content.decode()
    assert response.status_code == 422 and "rejected" in html
    assert "<td>3</td><td>person</td>" in html and "unknown person" in html
    assert Activity.objects.count() == 2


def test_a_lead_opens_a_survey_and_sees_its_link(client, people) -> None:  # type: ignore[no-untyped-def]
    client.force_login(people["member"])
    assert client.get("/surveys/new/").status_code == 403
    client.force_login(people["lead"])
    form = {"team": people["team"].pk, "title": "Core sentiment", "slug": "core-q1",
            "question": "Would you recommend Reps?", "cohort": ""}  # fmt: skip
    response = client.post("/surveys/new/", form)
    assert response.status_code == 302 and response["Location"] == "/surveys/core-q1/results/"
    survey = Survey.objects.get(slug="core-q1")
    assert survey.hosted and survey.team == people["team"]
    page = client.get("/surveys/core-q1/results/").content.decode()
    assert "http://testserver/surveys/core-q1/" in page
    assert client.post("/surveys/new/", form).status_code == 200  # slug taken: form error
    assert Survey.objects.count() == 1


def _survey(people, **fields):  # type: ignore[no-untyped-def]
    fields.setdefault("cohort", None)
    return survey_create(team=people["team"], slug="s", title="How are we doing?", **fields)


def test_signed_in_people_answer_once_and_may_change_it(client, people) -> None:  # type: ignore[no-untyped-def]
    survey = _survey(people)
    client.force_login(people["member"])
    assert client.get("/surveys/s/").status_code == 200
    response = client.post(
        "/surveys/s/", {"score": "9", "comment": "<b>Great</b> <script>x</script>"}
    )
    assert response.status_code == 302
    client.post("/surveys/s/", {"score": "6", "comment": "changed my mind"})
    answer = SurveyResponse.objects.get(survey=survey)
    assert (answer.score, answer.respondent, answer.comment) == (
        6,
        people["member"],
        "changed my mind",
    )
    assert 'value="6"' in client.get("/surveys/s/").content.decode()
    response = client.post("/surveys/s/", {"score": "11"})
    assert response.status_code == 400 and SurveyResponse.objects.get().score == 6


def test_comments_are_sanitized(client, people) -> None:  # type: ignore[no-untyped-def]
    _survey(people)
    client.force_login(people["member"])
    client.post("/surveys/s/", {"score": "9", "comment": "<b>Great</b><script>alert(1)</script>"})
    assert SurveyResponse.objects.get().comment == "Great"


def test_cohort_surveys_are_for_the_cohort(client, people) -> None:  # type: ignore[no-untyped-def]
    _survey(people, cohort=people["team"].cohorts.get())
    client.force_login(people["outsider"])
    assert client.post("/surveys/s/", {"score": "9"}).status_code == 404
    client.logout()
    response = client.get("/surveys/s/")
    assert response.status_code == 200 and "Log in" in response.content.decode()
    posted = client.post("/surveys/s/", {"score": "9"})  # anonymous: sent to log in
    assert posted.status_code == 302 and posted["Location"].startswith("/accounts/login/")
    assert not SurveyResponse.objects.exists()


def test_anonymous_answers_when_allowed_are_one_per_browser(client, people) -> None:  # type: ignore[no-untyped-def]
    _survey(people, allow_anonymous=True)
    assert client.post("/surveys/s/", {"score": "10"}).status_code == 302
    client.post("/surveys/s/", {"score": "8"})  # same browser: changes its answer
    answer = SurveyResponse.objects.get()
    assert answer.score == 8 and answer.respondent is None and answer.anonymous_id
    client.cookies.clear()
    client.post("/surveys/s/", {"score": "3"})  # another browser
    assert SurveyResponse.objects.count() == 2


def test_closed_surveys_take_no_answers(client, people) -> None:  # type: ignore[no-untyped-def]
    past = timezone.now() - dt.timedelta(days=1)
    _survey(people, opens_at=past - dt.timedelta(days=7), closes_at=past)
    client.force_login(people["member"])
    assert "closed" in client.get("/surveys/s/").content.decode()
    assert client.post("/surveys/s/", {"score": "9"}).status_code == 403


def test_results_are_for_the_team_leads(client, people) -> None:  # type: ignore[no-untyped-def]
    _survey(people)
    client.force_login(people["member"])
    assert client.get("/surveys/s/results/").status_code == 403
    client.force_login(people["outsider"])
    assert client.get("/surveys/s/results/").status_code == 403  # public team: exists, not yours
    client.force_login(people["lead"])
    assert client.post("/surveys/s/close/").status_code == 302
    assert not Survey.objects.get().is_open()


def test_results_page_runs_a_fixed_number_of_queries(client, people) -> None:  # type: ignore[no-untyped-def]
    survey = _survey(people)
    client.force_login(people["lead"])

    def answers(count: int) -> int:
        SurveyResponse.objects.bulk_create(
            SurveyResponse(survey=survey, score=i % 11, comment=f"c{i}",
                           submitted_at=timezone.now(), content_key=f"k{count}-{i}")
            for i in range(count)
        )  # fmt: skip
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/surveys/s/results/").status_code == 200
        return len(queries)

    assert answers(3) == answers(60)


def test_hosted_answers_feed_the_kr_at_once(
    client, people, seed, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    _survey(people)
    today = timezone.localdate()
    current = f.period(
        "current", start=today - dt.timedelta(days=30), end=today + dt.timedelta(days=60)
    )
    objective = f.objective(team=people["team"], period=current)
    kr = f.key_result(objective=objective, direction="at_least", target=20, unit="NPS")
    key_result_set_measure(key_result=kr, kind="nps", params={"survey": "s"})
    client.force_login(people["member"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/surveys/s/", {"score": "10"})
    assert kr.measurement.value == 100.0 and kr.measurement.sample == 1
    assert kr.checkins.get().source == "computed"


def test_measure_summary_shows_measure_sample_interval_and_time(seed) -> None:  # type: ignore[no-untyped-def]
    assert measure_summary(seed.nps) is None  # manual
    survey = Survey.objects.create(slug="core", title="Core")
    SurveyResponse.objects.bulk_create(
        SurveyResponse(survey=survey, score=s, content_key=str(i),
                       submitted_at=dt.datetime(2017, 2, 1, tzinfo=dt.UTC))
        for i, s in enumerate([10, 9, 9, 8, 3] * 8)
    )  # fmt: skip
    key_result_set_measure(key_result=seed.nps, kind="nps", params={"survey": "core"})
    summary = measure_summary(seed.nps)
    assert summary is not None and summary.computed_at is None
    measure_key_result(key_result=seed.nps)
    with CaptureQueriesContext(connection) as queries:
        summary = measure_summary(seed.nps)
        html = render_to_string("measures/_summary.html", {"summary": summary})
    assert len(queries) == 1
    assert summary is not None and summary.sample == 40 and summary.value == 40.0
    assert "n = 40 answers" in html and "24 promoters" in html
    assert "NPS of survey “core”" in html and "adjusted-Wald" in html
    assert "Target &gt; 11.5" in html and "met with 95% confidence" in html


def test_a_private_teams_survey_exists_only_for_its_readers(client, people) -> None:  # type: ignore[no-untyped-def]
    people["team"].visibility = "private"
    people["team"].save()
    _survey(people, allow_anonymous=True)
    assert client.get("/surveys/s/").status_code == 404  # anonymous: not even "please log in"
    assert client.post("/surveys/s/", {"score": "9"}).status_code == 404
    assert client.get("/api/v1/surveys").json()["items"] == []
    client.force_login(people["outsider"])
    assert client.get("/surveys/s/").status_code == 404
    assert client.get("/api/v1/surveys").json()["items"] == []
    client.force_login(people["member"])
    assert client.post("/surveys/s/", {"score": "9"}).status_code == 302
    assert [s["slug"] for s in client.get("/api/v1/surveys").json()["items"]] == ["s"]
    assert SurveyResponse.objects.get().respondent == people["member"]


def test_new_survey_lists_no_cohort_of_a_private_team_to_other_leads(client, people) -> None:  # type: ignore[no-untyped-def]
    hidden = f.team("hush", visibility="private")
    secret = hidden.cohorts.create(slug="hush-core", name="Hushed insiders")
    own = people["team"].cohorts.create(slug="own-core", name="Own cohort")
    client.force_login(people["lead"])
    page = client.get("/surveys/new/").content.decode()
    assert "Own cohort" in page and "Hushed insiders" not in page
    form = {"team": people["team"].pk, "title": "T", "slug": "t-q1", "cohort": secret.pk,
            "question": "Q?"}  # fmt: skip
    response = client.post("/surveys/new/", form)  # a hand-made choice is refused too
    assert response.status_code == 200 and not Survey.objects.filter(slug="t-q1").exists()
    f.membership(people["lead"], hidden, "lead")
    assert "Hushed insiders" in client.get("/surveys/new/").content.decode()
    assert own.pk != secret.pk
