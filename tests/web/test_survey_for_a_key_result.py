"""A new hosted survey gets its slug from its title and can be tied to a KR as it is created:
three people answer and the KR shows the NPS."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from okrs.measures.models import Survey
from tests import factories as f
from tests.web.helpers import html

pytestmark = pytest.mark.django_db


def test_a_survey_made_for_a_key_result_measures_it(
    world, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    now = f.period("now", start=today - dt.timedelta(days=10), end=today + dt.timedelta(days=60))
    objective = f.objective(team=world.team, period=now, code="O1", title="Happy community")
    kr = f.key_result(objective=objective, code="KR1", title="Core NPS", baseline=0, target=40)
    other = f.key_result(objective=f.objective(team=f.team("far"), period=now), title="Far KR")
    Survey.objects.create(team=world.team, slug="core-community-nps", title="Old", hosted=True)
    lead = world.client("lead")
    form = html(lead.get("/surveys/new/?team=reps"))
    assert "Core NPS" in form and "Far KR" not in form
    refused = lead.post(
        "/surveys/new/", {"team": world.team.pk, "title": "Core community NPS",
                          "question": "Recommend?", "key_result": other.pk},
    )  # fmt: skip
    assert refused.status_code == 200 and "Select a valid choice" in html(refused)
    response = lead.post(
        "/surveys/new/", {"team": world.team.pk, "title": "Core community NPS",
                          "question": "Recommend?", "key_result": kr.pk},
    )  # fmt: skip
    survey = Survey.objects.get(title="Core community NPS")
    assert survey.slug == "core-community-nps-2"  # made from the title; the first was taken
    assert response["Location"] == f"/surveys/{survey.slug}/results/"
    results = html(lead.get(response["Location"]))  # the lead's way back to the KR
    assert f'href="/key-results/{kr.pk}/"' in results and "Key results it measures:" in results
    kr.refresh_from_db()
    assert (kr.measure_kind, kr.measure_params) == ("nps", {"survey": survey.slug})
    for name, score in (("member", "10"), ("viewer", "9"), ("parent_lead", "3")):
        with django_capture_on_commit_callbacks(execute=True):  # answers measure after commit
            world.client(name).post(f"/surveys/{survey.slug}/", {"score": score})
    page = html(world.client("member").get(f"/key-results/{kr.pk}/"))
    assert "33" in page  # (2 promoters - 1 detractor) / 3 answers
    assert kr.checkins.latest("at").value == pytest.approx(100 / 3, abs=0.01)


def test_the_key_result_page_invites_to_its_open_survey(world) -> None:  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    now = f.period("now", start=today - dt.timedelta(days=10), end=today + dt.timedelta(days=60))
    objective = f.objective(team=world.team, period=now, code="O1", title="Happy community")
    kr = f.key_result(objective=objective, code="KR1", title="Core NPS", baseline=0, target=40)
    page = html(world.client(None).get(f"/key-results/{kr.pk}/"))
    assert "Answer the survey" not in page  # a manual KR: no survey
    survey = Survey.objects.create(team=world.team, slug="core", title="Core", hosted=True)
    type(kr).objects.filter(pk=kr.pk).update(measure_kind="nps", measure_params={"survey": "core"})
    page = html(world.client(None).get(f"/key-results/{kr.pk}/"))
    assert 'href="/surveys/core/"' in page and "Answer the survey" in page
    survey.closes_at = timezone.now() - dt.timedelta(minutes=1)
    survey.save()
    assert "Answer the survey" not in html(world.client(None).get(f"/key-results/{kr.pk}/"))
