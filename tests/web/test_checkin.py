"""Check-ins from the KR page and the overview rows: in place with htmx, redirect without."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.test import Client

from okrs.goals.models import CheckIn
from tests import factories as f
from tests.web.helpers import html

HTMX = {"HTTP_HX_REQUEST": "true"}


def _url(world) -> str:  # type: ignore[no-untyped-def]
    return f"/key-results/{world.kr.pk}/checkin/"


def test_member_checks_in_without_javascript_and_is_sent_back(world) -> None:  # type: ignore[no-untyped-def]
    response = world.client("member").post(
        _url(world), {"value": "25", "confidence": "80", "note": "half way", "next": "/"}
    )
    assert response.status_code == 302 and response["Location"] == "/"
    checkin = CheckIn.objects.get(key_result=world.kr)
    assert (checkin.value, checkin.confidence, checkin.note) == (25, 0.8, "half way")
    assert checkin.author == world.member


def test_unsafe_next_falls_back_to_the_kr_page(world) -> None:  # type: ignore[no-untyped-def]
    response = world.client("member").post(
        _url(world), {"value": "5", "next": "https://evil.example/"}
    )
    assert response["Location"] == f"/key-results/{world.kr.pk}/"


def test_htmx_checkin_on_kr_page_returns_panel_with_new_status(world) -> None:  # type: ignore[no-untyped-def]
    client = world.client("member")
    before = html(client.get(f"/key-results/{world.kr.pk}/"))
    assert "No check-in yet" in before
    response = client.post(
        _url(world), {"value": "50", "confidence": "90", "fragment": "panel"}, **HTMX
    )
    assert response.status_code == 200
    panel = html(response)
    assert panel.lstrip().startswith('<div id="kr-live"') and "<html" not in panel
    assert "50 Reps" in panel and "100%" in panel and "1.00" in panel  # value, progress, grade
    assert "On track" in panel and "Check-in saved" in panel


def test_htmx_checkin_on_overview_row_returns_the_row(world) -> None:  # type: ignore[no-untyped-def]
    data = {"value": "10", "fragment": "row", "next": "/teams/reps/"}
    response = world.client("lead").post(_url(world), data, **HTMX)
    row = html(response)
    # the swapped-in row's next form still goes back there
    assert f'hx-get="/key-results/{world.kr.pk}/checkin/?next=/teams/reps/"' in row
    assert row.lstrip().startswith(f'<tr id="kr-row-{world.kr.pk}"')
    assert "10 Reps" in row and "20%" in row and "0.20" in row
    assert "Off track" in row or "At risk" in row
    # the objective's score above the table is swapped out of band, rolled up as on the page
    score = row[row.index(f'id="objective-score-{world.objective.pk}"') :]
    assert 'hx-swap-oob="true"' in score[:80] and "Grade 0.20" in score


def test_form_defaults_to_the_last_value_and_confidence(world) -> None:  # type: ignore[no-untyped-def]
    f.checkin(world.kr, 33, "2017-02-01T00:00:00", confidence=0.65)
    page = html(world.client("member").get(f"/key-results/{world.kr.pk}/"))
    assert 'name="value" value="33.0"' in page and 'name="confidence" value="65"' in page


def test_errors_are_shown_next_to_the_field_and_nothing_is_saved(world) -> None:  # type: ignore[no-untyped-def]
    client = world.client("member")
    response = client.post(_url(world), {"value": "lots", "confidence": "150"}, **HTMX)
    panel = html(response)
    assert response.status_code == 200
    assert "Enter a number." in panel
    assert "less than or equal to 100" in panel
    assert not CheckIn.objects.exists()
    without_js = client.post(_url(world), {"value": ""})
    assert without_js.status_code == 400 and "This field is required." in html(without_js)
    assert not CheckIn.objects.exists()


@pytest.mark.parametrize(
    ("who", "expected"),
    [(None, 302), ("viewer", 403), ("outsider", 403), ("parent_lead", 403)],
)
def test_who_may_not_check_in(world, who, expected) -> None:  # type: ignore[no-untyped-def]
    response = world.client(who).post(_url(world), {"value": "5"})
    assert response.status_code == expected
    if who is None:
        assert response["Location"].startswith("/accounts/login/")
    assert not CheckIn.objects.exists()


def test_owner_outside_the_team_may_check_in_on_own_kr(world) -> None:  # type: ignore[no-untyped-def]
    world.kr.owner = world.outsider
    world.kr.save()
    assert world.client("outsider").post(_url(world), {"value": "5"}).status_code == 302
    assert CheckIn.objects.filter(author=world.outsider).count() == 1


def test_private_objective_checkin_is_404_for_outsiders(world) -> None:  # type: ignore[no-untyped-def]
    world.objective.visibility = "private"
    world.objective.save()
    assert world.client("outsider").post(_url(world), {"value": "5"}).status_code == 404


def test_csrf_is_enforced(world) -> None:  # type: ignore[no-untyped-def]
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.member)
    assert client.post(_url(world), {"value": "5"}).status_code == 403
    assert not CheckIn.objects.exists()


def test_two_check_ins_one_after_the_other_both_land(world) -> None:  # type: ignore[no-untyped-def]
    world.client("member").post(_url(world), {"value": "10"})
    world.client("lead").post(_url(world), {"value": "12"})
    assert sorted(CheckIn.objects.values_list("value", flat=True)) == [10, 12]


@pytest.mark.django_db(transaction=True)
def test_concurrent_check_ins_both_land(world) -> None:  # type: ignore[no-untyped-def]
    barrier = threading.Barrier(2)
    results: list[int] = []

    def post(who: str, value: str) -> None:
        client = world.client(who)
        barrier.wait()
        try:
            results.append(client.post(_url(world), {"value": value}).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=a) for a in (("member", "10"), ("lead", "20"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [302, 302]
    assert sorted(CheckIn.objects.values_list("value", flat=True)) == [10, 20]


def test_a_row_fetches_its_form_with_the_last_value_and_the_page_to_go_back_to(world) -> None:  # type: ignore[no-untyped-def]
    f.checkin(world.kr, 33, "2017-02-01T00:00:00", confidence=0.65)
    response = world.client("member").get(_url(world), {"next": "/teams/reps/"}, **HTMX)
    form = html(response)
    assert response.status_code == 200
    assert form.lstrip().startswith('<form method="post"') and 'class="checkin-form"' in form
    assert 'name="value" value="33.0"' in form and 'name="confidence" value="65"' in form
    assert 'name="fragment" value="row"' in form and 'hx-target="closest tr"' in form
    assert 'name="next" value="/teams/reps/"' in form
    assert 'name="csrfmiddlewaretoken"' in form
    # a next pointing off the site is dropped (the post then falls back to the KR page)
    off_site = {"next": "https://evil.example/"}
    elsewhere = html(world.client("member").get(_url(world), off_site, **HTMX))
    assert "evil.example" not in elsewhere


def test_without_javascript_the_form_is_on_the_key_results_page(world) -> None:  # type: ignore[no-untyped-def]
    response = world.client("member").get(_url(world))
    assert response.status_code == 302 and response["Location"] == f"/key-results/{world.kr.pk}/"
    row = html(world.client("member").get("/"))
    row = row[row.index(f'id="kr-row-{world.kr.pk}"') :]
    assert f'<div class="checkin-slot"><a href="/key-results/{world.kr.pk}/">' in row


@pytest.mark.parametrize(
    ("who", "expected"),
    [(None, 302), ("viewer", 403), ("outsider", 403), ("parent_lead", 403)],
)
def test_who_may_not_fetch_the_form(world, who, expected) -> None:  # type: ignore[no-untyped-def]
    response = world.client(who).get(_url(world), **HTMX)
    assert response.status_code == expected
    assert "checkin-form" not in html(response)
    world.objective.visibility = "private"
    world.objective.save()
    if who == "outsider":
        assert world.client(who).get(_url(world), **HTMX).status_code == 404


def test_a_rows_failed_check_in_comes_back_open_with_its_errors(world) -> None:  # type: ignore[no-untyped-def]
    data = {"value": "lots", "fragment": "row", "next": "/"}
    row = html(world.client("member").post(_url(world), data, **HTMX))
    assert row.lstrip().startswith(f'<tr id="kr-row-{world.kr.pk}"')
    assert "<details open>" in row and "Enter a number." in row
    assert 'name="value" value="lots"' in row
    assert not CheckIn.objects.exists()
    # a saved check-in closes the row again: its next form is fetched when opened
    saved = html(world.client("member").post(_url(world), {**data, "value": "5"}, **HTMX))
    assert "<details open>" not in saved and 'hx-trigger="toggle once"' in saved
