"""The KR form people can fill: only the chosen direction's and measure's fields (without
JavaScript too), the measure from real inputs, every error at once beside its field in the
reader's words, impossible values refused (here and in the service, so the API agrees)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from okrs.goals import services
from okrs.goals.models import KeyResult
from okrs.org.models import Cohort
from tests.web.helpers import html

pytestmark = pytest.mark.django_db


def _post(**fields):  # type: ignore[no-untyped-def]
    data = {"code": "KR9", "title": "A result", "direction": "increase", "unit": "",
            "weight": "1", "cadence": "weekly", "measure_kind": "manual"}  # fmt: skip
    data.update(fields)
    return data


def _names(page: str) -> set[str]:
    import re

    return set(re.findall(r'name="([a-z_]+)"', page))


def test_only_the_chosen_directions_fields_show_with_or_without_javascript(world) -> None:  # type: ignore[no-untyped-def]
    url = f"/objectives/{world.objective.pk}/key-results/new/"
    lead = world.client("lead")
    page = html(lead.get(url))
    assert {"baseline", "target", "stretch"} <= _names(page)
    assert "target_high" not in _names(page) and "survey" not in _names(page)
    assert 'hx-post="' + url + '"' in page and "Show the fields for this choice" in page
    milestone = html(lead.post(url, _post(direction="milestone", refresh="direction")))
    assert not {"baseline", "target", "stretch", "target_high"} & _names(milestone)
    assert 'value="milestone" selected' in milestone
    ranged = html(lead.post(url, _post(direction="range", refresh="direction")))
    assert {"target", "target_high"} <= _names(ranged) and "stretch" not in _names(ranged)
    assert 'role="alert"' not in ranged  # a refresh shows no errors
    assert not KeyResult.objects.filter(code="KR9").exists()


def test_every_error_at_once_beside_its_field_in_the_readers_words(world) -> None:  # type: ignore[no-untyped-def]
    url = f"/objectives/{world.objective.pk}/key-results/new/"
    response = world.client("lead").post(
        url,
        _post(unit="people", baseline="-5", target="-8", stretch="-9", deadline="2017-07-01"),
    )
    assert response.status_code == 400
    page = html(response)
    for field in ("baseline", "target", "stretch", "deadline"):
        assert f'id="id_{field}_error"' in page, field
    assert "A count cannot be negative." in page
    assert "An increase ends above where it starts (-5)." in page
    assert "The deadline must lie inside 2017-Q1" in page
    assert "direction 'increase'" not in page
    assert not KeyResult.objects.filter(code="KR9").exists()


def test_the_service_refuses_a_negative_count_of_people_too(world) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as refused:
        services.key_result_create(
            objective=world.objective,
            actor=world.lead,
            fields={
                "title": "People",
                "direction": "increase",
                "baseline": -5,
                "target": 10,
                "unit": "people",
            },
        )
    assert refused.value.message_dict == {"baseline": ["A count cannot be negative."]}


def test_decrease_and_milestone_key_results_are_saved_with_their_own_fields(world) -> None:  # type: ignore[no-untyped-def]
    url = f"/objectives/{world.objective.pk}/key-results/new/"
    lead = world.client("lead")
    down = lead.post(url, _post(code="KR8", direction="decrease", baseline="30", target="10"))
    assert down.status_code == 302
    kr = KeyResult.objects.get(code="KR8")
    assert (kr.direction, kr.baseline, kr.target) == ("decrease", 30, 10)
    done = lead.post(url, _post(code="KR7", direction="milestone", baseline="4", target="9"))
    assert done.status_code == 302
    kr = KeyResult.objects.get(code="KR7")
    assert (kr.direction, kr.baseline, kr.target) == ("milestone", 0, None)


@pytest.mark.parametrize(
    ("kind", "inputs", "params"),
    [
        ("activity_count", {"activity_type": "talk", "cohort": "mentors"},
         {"filter": {"type": "talk"}, "cohort": "mentors"}),
        ("activity_share", {"activity_tag": "Activate"},
         {"filter": {"tag": "activate"}}),
        ("cohort_fact_share", {"cohort": "mentors", "fact_key": "discourse.watching.reps",
                               "fact_value": "true"},
         {"cohort": "mentors",
          "conditions": [{"key": "discourse.watching.reps", "value": "true"}]}),
        ("distinct_people", {"event": "feedback", "subject": "cpg-draft"},
         {"event": "feedback", "subject": "cpg-draft"}),
    ],
)  # fmt: skip
def test_measures_are_picked_from_real_inputs(world, kind, inputs, params) -> None:  # type: ignore[no-untyped-def]
    Cohort.objects.create(slug="mentors", name="Mentors", team=world.team)
    url = f"/objectives/{world.objective.pk}/key-results/new/"
    lead = world.client("lead")
    form = html(lead.post(url, _post(measure_kind=kind, refresh="measure_kind")))
    assert set(inputs) <= _names(form)
    response = lead.post(
        url, _post(measure_kind=kind, baseline="0", target="50", unit="%", **inputs)
    )
    assert response.status_code == 302, html(response)
    kr = KeyResult.objects.get(code="KR9")
    assert kr.measure_kind == kind
    for key, value in params.items():
        assert kr.measure_params[key] == value


def test_a_measure_missing_its_input_is_named_beside_it(world) -> None:  # type: ignore[no-untyped-def]
    url = f"/objectives/{world.objective.pk}/key-results/new/"
    response = world.client("lead").post(
        url, _post(measure_kind="distinct_people", baseline="0", target="5")
    )
    assert response.status_code == 400 and 'id="id_event_error"' in html(response)
