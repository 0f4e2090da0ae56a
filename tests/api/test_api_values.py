"""One validation of values at every API entry (okrs.core.values): hostile values are a 4xx
naming the field, never a 500, and nothing is written; the same verdict on both databases."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from okrs.api.models import AccessToken
from okrs.goals.models import CheckIn, KeyResult
from okrs.measures.models import PersonFact

CHECKIN = {"value": 3, "at": "2017-01-10T10:00:00Z"}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**CHECKIN, "at": "0001-01-01T00:00:00+05:00"}, "at"),
        ({**CHECKIN, "at": "9999-12-31T23:00:00-05:00"}, "at"),
        ({**CHECKIN, "at": "1899-12-31T10:00:00Z"}, "at"),
        ({**CHECKIN, "note": "a\x00b"}, "note"),
        ({**CHECKIN, "value": 1e300}, "value"),
        ({**CHECKIN, "confidence": 2}, "confidence"),
        ({**CHECKIN, "unknown": 1}, "unknown"),
    ],
)
def test_a_hostile_check_in_is_a_422_naming_the_field(world: Any, body: Any, field: str) -> None:
    response = world.api(world.member).post(f"/key-results/{world.kr.pk}/checkins", body)
    assert response.status_code == 422, response.content
    assert response.json()["field"] == field
    assert not CheckIn.objects.exists()


@pytest.mark.parametrize("raw", [b'{"value": NaN, "at": "2017-01-10T10:00:00Z"}',
                                 b'{"value": Infinity, "at": "2017-01-10T10:00:00Z"}',
                                 b'{"value": 1e999, "at": "2017-01-10T10:00:00Z"}',
                                 b'{"value": ' + b"[" * 5000 + b"]" * 5000 + b"}"])  # fmt: skip
def test_non_json_numbers_and_deep_nesting_are_a_400(world: Any, raw: bytes) -> None:
    api = world.api(world.member)
    response = api.client.post(
        f"/api/v1/key-results/{world.kr.pk}/checkins",
        raw,
        content_type="application/json",
        headers={"Authorization": f"Bearer {api.token}"},
    )
    assert response.status_code == 400 and response.json()["code"] == "bad_request"
    assert not CheckIn.objects.exists()


@pytest.mark.parametrize("flag", [0, 1, "true", "no", None])
def test_a_boolean_is_true_or_false_only(world: Any, flag: Any) -> None:
    response = world.api(world.member).post("/tokens", {"name": "t", "read_only": flag})
    assert response.status_code == 422 and response.json()["field"] == "read_only"
    assert AccessToken.objects.count() == 1  # the caller's own token only


def test_a_deeply_nested_or_nan_json_dataset_is_refused_by_line(world: Any) -> None:
    api = world.api(world.lead)
    for content in (
        b'[{"person": "member", "fact": "watch", "value": NaN, "at": "2017-01-02T00:00:00Z"}]',
        b"[" + b"[" * 100_000 + b"]" * 100_000 + b"]",
        b'[{"person": "member", "fact": "watch", "value": "x", "at": "0001-01-01T00:00:00+05:00"}]',
    ):
        response = api.client.post(
            "/api/v1/datasets/facts/import",
            {"file": SimpleUploadedFile("facts.json", content)},
            headers={"Authorization": f"Bearer {api.token}"},
        )
        assert response.status_code in (400, 422), (content[:40], response.status_code)
        assert not PersonFact.objects.exists()


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    value=st.one_of(st.floats(), st.integers(min_value=-(2**80), max_value=2**80), st.text()),
    at=st.one_of(st.datetimes(timezones=st.timezones()), st.text(max_size=30)),
    note=st.text(max_size=50),
)
def test_random_check_ins_are_stored_or_refused_never_a_500(
    world: Any, value: Any, at: Any, note: str
) -> None:
    body = {"value": value, "at": at if isinstance(at, str) else at.isoformat(), "note": note}
    before = CheckIn.objects.count()
    try:
        response = world.api(world.member).post(f"/key-results/{world.kr.pk}/checkins", body)
    except ValueError:  # json.dumps of NaN is allowed, it is the server's to refuse
        return
    assert response.status_code in (201, 400, 422), (body, response.content)
    after = CheckIn.objects.count()
    assert after == before + (response.status_code == 201)
    if response.status_code == 201:  # what was stored reads back on this database
        KeyResult.objects.get(pk=world.kr.pk)
        list(CheckIn.objects.values_list("at", "value"))
