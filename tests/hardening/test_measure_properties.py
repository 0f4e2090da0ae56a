"""Property-based tests of measure definitions: any kind and parameters are either a measure or
refused naming the field at fault (`MeasureParamsError`, the service's ValidationError, the
API's 422 with `field`), never another exception or a 500; a refused definition leaves the key
result as it was; a stored definition reads back as itself."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from okrs.api.services import token_create
from okrs.core.measures import PARAMS_BY_KIND, MeasureParamsError, params_as_json, parse_measure
from okrs.goals.models import KeyResult
from okrs.measures.services import key_result_set_measure
from tests import factories as f

NUL = "\x00"
SETTINGS = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
KINDS = st.sampled_from(["manual", *PARAMS_BY_KIND, "", "NPS", "telepathy", "x" * 70])
KEYS = st.sampled_from(
    ["survey", "comparator", "filter", "within", "cohort", "type", "initiative", "tag",
     "conditions", "key", "value", "event", "subject", "since_period_start", "kind", "extra"]
)  # fmt: skip
LEAVES = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12)
LEAVES |= st.sampled_from(["reps", "nps-q1", "a;b", "x" * 600, ">=", "at_least", "not a slug", ""])
VALUES = st.recursive(
    LEAVES,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(KEYS, inner, max_size=4),
    max_leaves=10,
)
PARAMS = st.dictionaries(KEYS, VALUES, max_size=5) | VALUES
GOOD = [
    ("nps", {"survey": "nps-q1", "comparator": ">="}),
    ("activity_share", {"filter": {"tag": "activate"}, "cohort": "reps"}),
    ("activity_count", {"filter": {"type": "talk"}}),
    ("cohort_fact_share", {"cohort": "reps", "conditions": [{"key": "k", "value": "v"}]}),
    ("distinct_people", {"event": "feedback", "since_period_start": True}),
]


@st.composite
def near_good(draw: Any) -> tuple[str, Any]:
    """A valid definition with at most one key set to anything."""
    kind, params = draw(st.sampled_from(GOOD))
    params = json.loads(json.dumps(params))
    if draw(st.booleans()):
        params[draw(KEYS)] = draw(VALUES)
    return kind, params


DEFINITIONS = st.tuples(KINDS, PARAMS) | near_good()


@settings(SETTINGS, max_examples=100)
@given(definition=DEFINITIONS)
@example(definition=("nps", {"survey": "nps-q1"}))
@example(definition=("cohort_fact_share", {"cohort": "reps", "conditions": [{"key": "k"}] * 11}))
@example(definition=("activity_share", {"filter": {"tag": "a;b"}}))
@example(definition=("cohort_fact_share", {"conditions": [{"key": "k", "value": NUL}]}))
def test_any_definition_parses_or_names_the_field(definition: tuple[str, Any]) -> None:
    kind, params = definition
    try:
        parsed = parse_measure(kind, params)
    except MeasureParamsError as exc:
        assert exc.problems
        for field, message in exc.problems:
            assert isinstance(field, str) and field and isinstance(message, str) and message
        return
    if parsed is not None:  # a stored definition reads back as itself
        stored = params_as_json(parsed)
        assert json.loads(json.dumps(stored)) == stored
        assert parse_measure(kind, stored) == parsed


@pytest.fixture
def world(db: Any) -> Any:
    lead = f.person("lead")
    team = f.team("reps")
    f.membership(lead, team, "lead")
    kr = f.key_result(objective=f.objective(team=team, period=f.period(), code="O1"), code="KR1")
    _, token = token_create(person=lead, name="props")
    return kr, token


def _stored(kr: KeyResult) -> tuple[Any, ...]:
    kr.refresh_from_db()
    return kr.measure_kind, kr.measure_params, kr.updated_at


@settings(SETTINGS, max_examples=60)
@given(definition=DEFINITIONS)
@example(definition=("distinct_people", {"event": "a\x00b"}))
@example(definition=("activity_count", {"filter": {"type": "t\x00"}, "cohort": "reps"}))
def test_the_service_and_the_api_store_a_measure_or_refuse_it_by_field(
    world: Any, definition: tuple[str, Any]
) -> None:
    kind, params = definition
    kr, token = world
    before = _stored(kr)
    try:
        key_result_set_measure(key_result=kr, kind=kind, params=params)
    except ValidationError as exc:
        assert set(exc.message_dict) == {"measure_params"} and exc.messages
        assert _stored(kr) == before
    else:
        kr.refresh_from_db()
        key_result_set_measure(key_result=kr, kind="manual", params={})  # back to the start
    before = _stored(kr)
    answer = Client().put(
        f"/api/v1/key-results/{kr.pk}/measure",
        json.dumps({"kind": kind, "params": params}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert answer.status_code in (200, 400, 422), (answer.status_code, answer.content[:300])
    event(f"API {answer.status_code}")
    if answer.status_code != 200:
        body = answer.json()
        assert body["message"] and body["code"] in ("invalid", "bad_request")
        assert _stored(kr) == before
    else:
        assert answer.json()["kind"] == kind
        key_result_set_measure(key_result=kr, kind="manual", params={})
