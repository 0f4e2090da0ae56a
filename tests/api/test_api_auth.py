"""Tokens, sessions with CSRF, read-only tokens, rate limits, the error shape."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from okrs.api.models import AccessToken
from okrs.api.tokens import hash_token

pytestmark = pytest.mark.django_db


def test_only_a_hash_of_the_token_is_stored(world: Any) -> None:
    api = world.api(world.member)
    stored = AccessToken.objects.get(person=world.member)
    assert stored.token_hash == hash_token(api.token)
    assert api.token not in {stored.token_hash, stored.prefix, stored.name}
    assert api.get("/tokens").json()["items"][0]["prefix"] == api.token[:9]


def test_token_authenticates_writes(world: Any) -> None:
    api = world.api(world.member)
    response = api.post(
        f"/key-results/{world.kr.pk}/checkins", {"value": 12, "at": "2017-02-01T10:00:00Z"}
    )
    assert response.status_code == 201, response.content
    assert response.json()["author"] == "member"
    assert response.json()["source"] == "api"


def test_read_only_token_cannot_write(world: Any) -> None:
    api = world.api(world.member, read_only=True)
    assert api.get(f"/key-results/{world.kr.pk}").status_code == 200
    response = api.post(
        f"/key-results/{world.kr.pk}/checkins", {"value": 12, "at": "2017-02-01T10:00:00Z"}
    )
    assert response.status_code == 403
    assert response.json() == {
        "code": "read_only_token",
        "message": "This access token is read-only.",
        "field": None,
    }
    assert world.kr.checkins.count() == 0


def test_unknown_or_revoked_token_gets_401(world: Any) -> None:
    api = world.api(world.member)
    AccessToken.objects.update(revoked_at="2020-01-01T00:00:00Z")
    assert api.get("/teams").status_code == 401
    response = Client().get("/api/v1/teams", headers={"Authorization": "Bearer okrs_nope"})
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_token"


def test_token_of_a_deactivated_person_gets_401(world: Any) -> None:
    api = world.api(world.member)
    assert api.get("/teams").status_code == 200
    world.member.is_active = False
    world.member.save()
    response = api.get("/teams")
    assert response.status_code == 401 and response.json()["code"] == "invalid_token"


def test_token_use_is_recorded_at_most_once_a_minute(world: Any) -> None:
    api = world.api(world.lead)
    token = AccessToken.objects.get(person=world.lead)
    assert token.last_used_at is None
    assert api.get("/teams").status_code == 200
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None and timezone.now() - first < dt.timedelta(seconds=30)
    assert api.get("/teams").status_code == 200
    token.refresh_from_db()
    assert token.last_used_at == first  # a read is not a write every time
    long_ago = timezone.now() - dt.timedelta(seconds=61)
    AccessToken.objects.filter(pk=token.pk).update(last_used_at=long_ago)
    me = api.get("/tokens").json()["items"][0]
    assert me["id"] == token.pk and me["last_used_at"] is not None
    token.refresh_from_db()
    assert token.last_used_at > long_ago + dt.timedelta(seconds=30)
    # the token's person is the caller, the token's flags hold
    assert (
        api.post(
            f"/key-results/{world.kr.pk}/checkins", {"value": 3, "at": "2017-02-01T10:00:00Z"}
        ).status_code
        == 201
    )


def test_anonymous_cannot_write(world: Any) -> None:
    response = world.api().post(f"/key-results/{world.kr.pk}/checkins", {"value": 1})
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


def test_session_writes_need_csrf(world: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.member)
    url = f"/api/v1/key-results/{world.kr.pk}/checkins"
    refused = client.post(
        url, {"value": 3, "at": "2017-02-01T10:00:00Z"}, content_type="application/json"
    )
    assert refused.status_code == 403
    assert refused.json()["code"] == "csrf_failed"
    client.get("/settings/tokens/")
    csrf = client.cookies["csrftoken"].value
    accepted = client.post(
        url,
        {"value": 3, "at": "2017-02-01T10:00:00Z"},
        content_type="application/json",
        headers={"X-CSRFToken": csrf},
    )
    assert accepted.status_code == 201, accepted.content


def test_rate_limit_answers_429_with_retry_after(world: Any, settings: Any) -> None:
    settings.OKRS_API_RATE_LIMIT = 3
    api = world.api(world.member)
    statuses = [api.get("/teams").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = api.get("/teams")
    assert response.json()["code"] == "rate_limited"
    assert 1 <= int(response["Retry-After"]) <= settings.OKRS_API_RATE_WINDOW
    other = world.api(world.lead)
    assert other.get("/teams").status_code == 200


def test_validation_error_names_the_field(world: Any) -> None:
    api = world.api(world.member)
    response = api.post(f"/key-results/{world.kr.pk}/checkins", {"value": 1, "confidence": 3})
    assert response.status_code == 422
    assert response.json()["field"] == "confidence"
    assert response.json()["code"] == "invalid"


def test_bad_json_is_400(world: Any) -> None:
    api = world.api(world.member)
    response = api.client.post(
        f"/api/v1/key-results/{world.kr.pk}/checkins",
        "{not json",
        content_type="application/json",
        headers={"Authorization": f"Bearer {api.token}"},
    )
    assert response.status_code == 400
    assert set(response.json()) == {"code", "message", "field"}


def test_settings_page_creates_and_revokes_tokens(world: Any) -> None:
    client = Client()
    client.force_login(world.member)
    response = client.post("/settings/tokens/", {"name": "sheet", "read_only": "on"})
    assert response.status_code == 201
    raw = response.context["created"]["raw"]
    assert raw.startswith("okrs_") and raw.encode() in response.content
    token = AccessToken.objects.get(person=world.member, name="sheet")
    assert token.read_only
    page = client.get("/settings/tokens/")
    assert raw.encode() not in page.content
    assert b'href="/settings/tokens/"' in client.get("/").content  # in the account menu
    client.post(f"/settings/tokens/{token.pk}/revoke/")
    token.refresh_from_db()
    assert token.revoked_at is not None
    bearer = {"Authorization": f"Bearer {raw}"}
    assert Client().get("/api/v1/teams", headers=bearer).status_code == 401


def test_settings_page_needs_sign_in_and_only_revokes_own(world: Any) -> None:
    assert Client().get("/settings/tokens/").status_code == 302
    world.api(world.lead)
    theirs = AccessToken.objects.get(person=world.lead)
    client = Client()
    client.force_login(world.member)
    assert client.post(f"/settings/tokens/{theirs.pk}/revoke/").status_code == 404


def test_create_token_command_prints_the_token_once(world: Any, capsys: Any) -> None:
    call_command("create-token", "member", "cron job", "--read-only")
    raw = capsys.readouterr().out.strip().splitlines()[-1]
    token = AccessToken.objects.get(name="cron job")
    assert token.token_hash == hash_token(raw) and token.read_only
    bearer = {"Authorization": f"Bearer {raw}"}
    assert Client().get("/api/v1/tokens", headers=bearer).json()["items"][0]["name"] == "cron job"


def test_token_api_creates_and_revokes(world: Any) -> None:
    api = world.api(world.member)
    created = api.post("/tokens", {"name": "bot", "read_only": True})
    assert created.status_code == 201
    new = created.json()
    assert new["token"].startswith("okrs_")
    assert api.delete(f"/tokens/{new['id']}").status_code == 204
    assert (
        Client()
        .get("/api/v1/teams", headers={"Authorization": f"Bearer {new['token']}"})
        .status_code
        == 401
    )
    assert world.api(world.lead).delete(f"/tokens/{new['id']}").status_code == 404


def test_the_token_lookup_makes_the_person_the_orm_makes(world: Any) -> None:
    """`okrs.api.auth._find` reads the person with the token in one query: every
    field as the ORM reads it (times aware, booleans as booleans), the token's flags as stored."""
    from django.contrib.auth import get_user_model

    from okrs.api.auth import _find
    from okrs.api.services import token_create

    person = world.lead
    person.last_login = dt.datetime(2017, 1, 2, 3, 4, 5, 678000, tzinfo=dt.UTC)
    person.save()
    token, raw = token_create(person=person, name="lookup", read_only=True)
    found = _find(raw)
    assert found is not None and found.pk == token.pk and found.read_only is True
    expected = get_user_model().objects.get(pk=person.pk)
    for field in get_user_model()._meta.concrete_fields:
        got, want = getattr(found.person, field.attname), getattr(expected, field.attname)
        assert got == want and type(got) is type(want), field.name
    assert _find(raw + "x") is None
