"""Creating, editing and reordering key results: leads only, rule errors on the field, history."""

from __future__ import annotations

import pytest

from okrs.goals.models import KeyResult
from tests import factories as f
from tests.web.helpers import html, query_counts


def _data(**overrides):  # type: ignore[no-untyped-def]
    data = {
        "code": "KR2",
        "title": "Reps watching Discourse",
        "direction": "increase",
        "baseline": "10",
        "target": "100",
        "target_high": "",
        "stretch": "",
        "unit": "%",
        "deadline": "2017-02-28",
        "weight": "1",
        "owner": "",
        "cadence": "weekly",
        "measure_kind": "manual",
    }
    data.update(overrides)
    return data


def test_lead_adds_a_key_result(world) -> None:  # type: ignore[no-untyped-def]
    url = f"/objectives/{world.objective.pk}/key-results/new/"
    response = world.client("lead").post(url, _data(owner=world.member.pk))
    assert response.status_code == 302
    kr = KeyResult.objects.get(code="KR2")
    assert (kr.baseline, kr.target, kr.unit, kr.owner) == (10, 100, "%", world.member)
    assert str(kr.deadline) == "2017-02-28" and kr.order == 1
    change = world.objective.changes.get(key_result=kr)
    assert change.action == "created" and change.diff["target"] == [None, 100.0]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"target": "5"}, "target", "baseline"),
        ({"deadline": "2017-05-01"}, "deadline", "must lie inside 2017-Q1"),
        ({"direction": "range", "target": "5", "target_high": ""}, "target_high", ""),
        ({"weight": "0"}, "weight", "must be greater than 0."),
        ({"baseline": "abc"}, "baseline", "Enter a number."),
    ],
)
def test_invalid_rules_are_shown_on_the_field(world, overrides, field, message) -> None:  # type: ignore[no-untyped-def]
    url = f"/objectives/{world.objective.pk}/key-results/new/"
    response = world.client("lead").post(url, _data(**overrides))
    page = html(response)
    assert response.status_code == 400
    assert f'id="id_{field}_error"' in page and message in page
    assert not KeyResult.objects.filter(code="KR2").exists()


def test_lead_edits_and_history_records_the_change(world) -> None:  # type: ignore[no-untyped-def]
    url = f"/key-results/{world.kr.pk}/edit/"
    response = world.client("lead").post(
        url,
        _data(
            code="KR1", title="Reps reporting", baseline="0", target="60", unit="Reps", deadline=""
        ),
    )
    assert response.status_code == 302
    world.kr.refresh_from_db()
    assert world.kr.target == 60
    diff = world.kr.changes.get(action="updated").diff
    assert diff == {"target": [50.0, 60.0]}


@pytest.mark.parametrize(("who", "status"), [("member", 403), ("outsider", 403), (None, 302)])
def test_only_leads_add_or_edit(world, who, status) -> None:  # type: ignore[no-untyped-def]
    client = world.client(who)
    assert (
        client.post(f"/objectives/{world.objective.pk}/key-results/new/", _data()).status_code
        == status
    )
    assert client.post(f"/key-results/{world.kr.pk}/edit/", _data()).status_code == status
    assert KeyResult.objects.count() == 1


def test_reorder_key_results(world) -> None:  # type: ignore[no-untyped-def]
    second = f.key_result(objective=world.objective, title="Second KR", order=1)
    world.client("lead").post(f"/key-results/{second.pk}/move/", {"direction": "up"})
    order = list(world.objective.key_results.order_by("order").values_list("pk", flat=True))
    assert order == [second.pk, world.kr.pk]
    assert (
        world.client("member")
        .post(f"/key-results/{second.pk}/move/", {"direction": "down"})
        .status_code
        == 403
    )


def test_kr_form_query_count_does_not_grow(world) -> None:  # type: ignore[no-untyped-def]
    def grow() -> None:
        for _ in range(10):
            f.key_result(objective=world.objective)
            f.membership(f.person(), world.team)

    small, large = query_counts(world.client("lead"), f"/key-results/{world.kr.pk}/edit/", grow)
    assert small == large


def test_lead_archives_a_key_result_out_of_the_grade_and_restores_it(world) -> None:  # type: ignore[no-untyped-def]
    other = f.key_result(objective=world.objective, code="KR2", target=10)
    f.checkin(world.kr, 50, "2017-02-01T00:00:00")  # KR1 done
    f.checkin(other, 0, "2017-02-01T00:00:00")  # KR2 not started
    lead = world.client("lead")
    page = html(lead.get(f"/objectives/{world.objective.pk}/"))
    assert "0.50" in page  # (1.0 + 0.0) / 2
    response = lead.post(f"/key-results/{other.pk}/archive/", {"action": "archive"})
    assert response.status_code == 302
    other.refresh_from_db()
    assert other.archived
    assert "Archived:" in html(lead.get(f"/key-results/{other.pk}/"))
    assert "1.00" in html(lead.get(f"/objectives/{world.objective.pk}/"))  # only KR1 counts
    change = world.objective.changes.get(key_result=other, action="archived")
    assert change.diff == {"archived": [False, True]} and change.actor == world.lead
    assert other.checkins.count() == 1  # history kept
    lead.post(f"/key-results/{other.pk}/archive/", {"action": "restore"})
    other.refresh_from_db()
    assert not other.archived


@pytest.mark.parametrize(("who", "status"), [("member", 403), ("outsider", 403), (None, 302)])
def test_only_leads_archive_key_results(world, who, status) -> None:  # type: ignore[no-untyped-def]
    response = world.client(who).post(f"/key-results/{world.kr.pk}/archive/", {"action": "archive"})
    assert response.status_code == status
    world.kr.refresh_from_db()
    assert not world.kr.archived


def test_lead_sets_a_computed_measure_and_bad_parameters_are_named(world) -> None:  # type: ignore[no-untyped-def]
    # the measure is chosen from real inputs (here a survey list), never typed as JSON
    from okrs.measures.models import Survey

    Survey.objects.create(team=world.team, slug="core-2017", title="Core NPS", hosted=True)
    Survey.objects.create(team=f.team("far"), slug="far-nps", title="Far NPS", hosted=True)
    url = f"/key-results/{world.kr.pk}/edit/"
    lead = world.client("lead")
    form = html(lead.post(url, {**_data(code="KR1", measure_kind="nps"), "refresh": "1"}))
    assert 'name="survey"' in form and "Core NPS" in form and "Far NPS" not in form
    assert "measure_params" not in form
    bad = _data(code="KR1", measure_kind="nps", survey="")
    response = lead.post(url, bad)
    assert response.status_code == 400 and 'id="id_survey_error"' in html(response)
    world.kr.refresh_from_db()
    assert world.kr.measure_kind == "manual"
    unknown = _data(code="KR1", measure_kind="nps", survey="far-nps")
    assert "Select a valid choice" in html(lead.post(url, unknown))
    good = _data(code="KR1", measure_kind="nps", survey="core-2017")
    assert lead.post(url, good).status_code == 302
    world.kr.refresh_from_db()
    assert (world.kr.measure_kind, world.kr.measure_params) == ("nps", {"survey": "core-2017"})
    change = world.objective.changes.filter(key_result=world.kr, action="updated").latest("pk")
    assert change.diff["measure_kind"] == ["manual", "nps"]
    assert 'value="core-2017" selected' in html(lead.get(url))
