"""The paste page: leads only, parse beside the text with doubts highlighted, corrected save."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from okrs.documents.models import KeyResultSource
from okrs.goals.models import KeyResult, Objective, Period
from okrs.org.models import Team
from tests import factories as f

SEED = Path(__file__).resolve().parents[1] / "data" / "seed-reps-2017-q1.txt"
DOC = (
    "Our plans for the quarter.\n\n"
    "Objective 1 – Grow the community\n"
    "KR 1 – At least 50 Reps have given feedback\n"
    "KR 2 – Report delivered by early Feb\n"
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def reps() -> Team:
    return f.team("reps")


@pytest.fixture(autouse=True)
def q1() -> Period:
    return f.period("2017-Q1")


@pytest.fixture
def lead(reps: Team) -> Client:
    client = Client()
    person = f.person("lead")
    f.membership(person, reps, role="lead")
    client.force_login(person)
    return client


def _url(team: Team) -> str:
    return reverse("documents:paste", args=[team.slug])


def test_only_leads_may_import(reps: Team) -> None:
    assert Client().get(_url(reps)).status_code == 302  # to the login page
    member = f.person("member")
    f.membership(member, reps, role="member")
    client = Client()
    client.force_login(member)
    assert client.get(_url(reps)).status_code == 403
    assert client.post(_url(reps), {"text": DOC, "period": "2017-Q1"}).status_code == 403
    hidden = f.team("hidden", visibility="private")
    assert client.get(_url(hidden)).status_code == 404


def test_preview_shows_the_parse_beside_the_text_with_doubts(lead: Client, reps: Team) -> None:
    response = lead.post(_url(reps), {"text": DOC, "period": "2017-Q1", "action": "preview"})
    assert response.status_code == 200
    html = response.content.decode()
    assert '<li value="3" class="objective">Objective 1 – Grow the community</li>' in html
    assert '<li value="4" class="kr">' in html
    assert '<li value="5" class="kr uncertain">KR 2 – Report delivered by early Feb</li>' in html
    assert 'value="Grow the community"' in html
    assert '<option value="at_least" selected>' in html
    assert "Review deadline: &#x27;by early Feb&#x27; names no day" in html
    assert Objective.objects.count() == 0  # nothing saved by a preview


def test_save_takes_the_corrections(lead: Client, reps: Team) -> None:
    data = {
        "text": DOC,
        "period": "2017-Q1",
        "action": "save",
        "o-count": "1",
        "o-0-code": "O1",
        "o-0-title": "Grow the community",
        "o-0-line": "3",
        "k-0-count": "2",
        "k-0-0-code": "KR1",
        "k-0-0-title": "At least 50 Reps have given feedback",
        "k-0-0-direction": "at_least",
        "k-0-0-target": "60",
        "k-0-0-unit": "people",
        "k-0-0-meta": '{"text": "At least 50 Reps have given feedback", "uncertain": []}',
        "k-0-1-code": "KR2",
        "k-0-1-title": "Report delivered",
        "k-0-1-direction": "milestone",
        "k-0-1-deadline": "2017-02-10",
    }
    response = lead.post(_url(reps), data)
    assert response.status_code == 302
    objective = Objective.objects.get(team=reps, period__slug="2017-Q1")
    assert response["Location"] == f"{_url(reps)}?saved={objective.pk}"
    assert (objective.title, objective.state) == ("Grow the community", "draft")
    krs = list(objective.key_results.order_by("order"))
    assert [(k.direction, k.target, k.unit) for k in krs] == [
        ("at_least", 60, "people"),
        ("milestone", None, ""),
    ]
    assert str(krs[1].deadline) == "2017-02-10"
    assert KeyResultSource.objects.get(key_result=krs[0]).text.startswith("At least 50")


def test_bad_input_says_where_and_saves_nothing(lead: Client, reps: Team) -> None:
    data = {
        "text": DOC,
        "period": "2017-Q1",
        "action": "save",
        "o-count": "1",
        "o-0-title": "Grow",
        "k-0-count": "2",
        "k-0-0-title": "Fine one",
        "k-0-0-direction": "milestone",
        "k-0-1-title": "Broken one",
        "k-0-1-direction": "increase",
        "k-0-1-target": "lots",
    }
    response = lead.post(_url(reps), data)
    assert response.status_code == 400
    assert "Key result &#x27;Broken one&#x27;: target &#x27;lots&#x27; is not a number." in (
        response.content.decode()
    )
    data["k-0-1-target"] = ""
    response = lead.post(_url(reps), data)
    assert response.status_code == 400 and "target" in response.content.decode()
    assert Objective.objects.count() == 0 and KeyResult.objects.count() == 0


def test_the_period_is_chosen_from_the_existing_ones(lead: Client, reps: Team) -> None:
    f.period("2017-Q2", start=dt.date(2017, 4, 1), end=dt.date(2017, 6, 30))
    html = lead.get(_url(reps)).content.decode()
    assert '<select id="period" name="period" required>' in html
    assert '<option value="2017-Q2"' in html and '<option value="2017-Q1"' in html
    response = lead.post(_url(reps), {"text": DOC, "period": "2018-Q1", "action": "preview"})
    assert response.status_code == 400
    assert "choose one of the existing periods from the list" in response.content.decode()
    assert not Period.objects.filter(slug="2018-Q1").exists()  # no period made from a name


def test_csrf_is_enforced(reps: Team) -> None:
    client = Client(enforce_csrf_checks=True)
    person = f.person("lead2")
    f.membership(person, reps, role="lead")
    client.force_login(person)
    assert client.post(_url(reps), {"text": DOC, "period": "2017-Q1"}).status_code == 403


def test_preview_runs_a_fixed_number_of_queries(lead: Client, reps: Team) -> None:
    f.period("2017-Q1")

    def count(text: str) -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = lead.post(_url(reps), {"text": text, "period": "2017-Q1"})
        assert response.status_code == 200
        return len(ctx.captured_queries)

    seed = SEED.read_text(encoding="utf-8")
    assert count(DOC) == count(seed * 1) == count("\n".join([seed] * 6))


SAVE = {
    "text": DOC, "period": "2017-Q1", "action": "save", "publish": "on", "o-count": "1",
    "o-0-code": "O1", "o-0-title": "Grow the community", "o-0-line": "3", "k-0-count": "1",
    "k-0-0-code": "KR1", "k-0-0-title": "Report delivered", "k-0-0-direction": "milestone",
}  # fmt: skip


def test_publish_in_a_team_with_a_parent_goes_to_the_parents_review(lead: Client) -> None:
    """Ticking publish cannot skip the review: the objective waits for the parent's leads, and
    its history says who created and who proposed it."""
    cdt = f.team("cdt", name="Community Development")
    child = f.team("child", parent=cdt)
    person = f.person("childlead")
    f.membership(person, child, role="lead")
    lead.force_login(person)
    response = lead.post(_url(child), SAVE, follow=True)
    assert "proposed for review" in response.content.decode()
    objective = Objective.objects.get(team=child)
    assert objective.state == "in_review"
    history = list(objective.changes.order_by("id").values_list("action", "actor__username"))
    assert history == [("created", "childlead"), ("proposed", "childlead")]


def test_publish_without_a_parent_team_publishes_with_history(lead: Client, reps: Team) -> None:
    assert lead.post(_url(reps), SAVE).status_code == 302
    objective = Objective.objects.get(team=reps)
    assert objective.state == "published"
    history = list(objective.changes.order_by("id").values_list("action", "actor__username"))
    assert history == [("created", "lead"), ("published", "lead")]


def test_a_suggested_code_is_free_among_the_posts_own_codes_too(
    lead: Client, reps: Team, q1: Period
) -> None:
    f.objective(team=reps, period=q1, code="O1", title="Already there")
    text = (
        "Objective 1 – Grow the community\nKR 1 – 100 new people contribute\n"
        "Objective 2 – Keep them\nKR 1 – 50 people stay\n"
        "Objective 3 – Speak up\nKR 1 – 10 talks given\n"
    )
    html = lead.post(
        _url(reps), {"text": text, "period": "2017-Q1", "action": "preview"}
    ).content.decode()
    # O2 and O3 are the post's own: offering one of them would make two objectives O2
    assert "already has an objective O1 in 2017-Q1: O4 is the next free code" in html
    codes = re.findall(r'name="o-\d-code" value="([^"]*)"', html)
    assert codes == ["O4", "O2", "O3"]


def test_a_code_clash_offers_the_next_free_code_and_saving_links_to_the_drafts(
    lead: Client, reps: Team, q1: Period, django_assert_max_num_queries: Any
) -> None:
    f.objective(team=reps, period=q1, code="O1", title="Already there")
    f.objective(team=reps, period=q1, code="O2", title="Also there")
    text = "Objective 1 – Grow the community\nKR 1 – 100 new people contribute\n"
    response = lead.post(_url(reps), {"text": text, "period": "2017-Q1", "action": "preview"})
    html = response.content.decode()
    assert "reps already has an objective O1 in 2017-Q1: O3 is the next free code" in html
    assert 'name="o-0-code" value="O3"' in html  # the code is an input, offered free
    assert 'name="k-0-0-code" value="KR1"' in html
    # the baseline the post does not state is empty and marked for review, never 0
    assert 'name="k-0-0-baseline" value=""' in html
    assert "Review baseline: the post states no baseline" in html
    data = {
        "text": text, "period": "2017-Q1", "action": "save", "o-count": "1",
        "o-0-code": "O1", "o-0-title": "Grow the community", "k-0-count": "1",
        "k-0-0-code": "KR1", "k-0-0-title": "100 new people contribute",
        "k-0-0-direction": "increase", "k-0-0-baseline": "", "k-0-0-target": "100",
    }  # fmt: skip
    refused = lead.post(_url(reps), data)  # the person kept the taken code: said, with the way out
    assert refused.status_code == 400
    assert "reps already has an objective O1 in 2017-Q1 (next free code: O3)" in (
        refused.content.decode()
    )
    data["o-0-code"] = "O7"
    saved = lead.post(_url(reps), data)
    assert saved.status_code == 302
    objective = Objective.objects.get(team=reps, code="O7")
    kr = objective.key_results.get()
    assert kr.document_source.uncertain[-1]["field"] == "baseline"  # still marked for review
    with django_assert_max_num_queries(12):
        page = lead.get(saved["Location"])
    html = page.content.decode()
    assert f'href="{reverse("web:objective", args=[objective.pk])}"' in html
    assert "O7 · Grow the community" in html
    other = f.objective(team=f.team("other"), period=q1, code="O1", title="Not yours")
    html = lead.get(f"{_url(reps)}?saved={other.pk},x,{objective.pk}").content.decode()
    assert "Not yours" not in html and "O7 · Grow the community" in html


def test_lines_that_cannot_be_placed_are_shown_for_review(lead: Client, reps: Team) -> None:
    text = "- 40 new contributors before any objective\n\n## Grow\n\n- 20 meetups run\n"
    html = lead.post(_url(reps), {"text": text, "period": "2017-Q1"}).content.decode()
    assert '<li value="1" class="unplaced">' in html
    assert "line 1: 40 new contributors before any objective" in html
    assert 'value="20 meetups run"' in html
