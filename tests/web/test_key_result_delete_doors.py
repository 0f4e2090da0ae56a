"""Deleting a key result through its two doors, the page (a confirm page, then a POST) and the API
(`DELETE /api/v1/key-results/{id}`): both call `key_result_delete`, which holds who may, so they
let in and refuse the same people; those who may not read the key result get 404 at both."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.contrib.messages import get_messages
from django.test import Client

from okrs.api.services import token_create
from okrs.goals.models import ChangeAction, CheckIn, KeyResult
from okrs.talk.models import Comment
from tests import factories as f
from tests.web.helpers import html, query_counts

pytestmark = pytest.mark.django_db

DOORS = ["page", "api"]


def _api(person: User | None, method: str, path: str, *, read_only: bool = False) -> Any:
    headers = {}
    if person is not None:
        _, token = token_create(person=person, name="t", read_only=read_only)
        headers["Authorization"] = f"Bearer {token}"
    return Client().generic(method, "/api/v1" + path, "", headers=headers)


def _delete(world, who: str | None, door: str, kr: KeyResult | None = None) -> Any:  # type: ignore[no-untyped-def]
    """Delete `kr` (the world's) as `who` through `door`: the page's POST or the API's DELETE."""
    pk = (kr or world.kr).pk
    if door == "page":
        return world.client(who).post(f"/key-results/{pk}/delete/")
    return _api(getattr(world, who) if who else None, "DELETE", f"/key-results/{pk}")


def _two_key_results(world) -> KeyResult:  # type: ignore[no-untyped-def]
    """A second KR beside the world's, so the objective's grade moves when one is deleted."""
    other = f.key_result(objective=world.objective, code="KR2", title="Meetups held", target=10)
    f.checkin(world.kr, 40, "2017-02-01T10:00:00")  # 40 of 50: 0.8
    f.checkin(other, 2, "2017-02-01T10:00:00")  # 2 of 10: 0.2
    return other


@pytest.mark.parametrize("door", DOORS)
@pytest.mark.parametrize("who", ["lead", "admin"])
def test_a_lead_or_a_site_admin_deletes_through_either_door(world, door, who) -> None:  # type: ignore[no-untyped-def]
    f.checkin(world.kr, 40, "2017-02-01T10:00:00")
    response = _delete(world, who, door)
    if door == "page":
        assert response.status_code == 302
        assert response["Location"] == f"/objectives/{world.objective.pk}/"
        said = [str(m) for m in get_messages(response.wsgi_request)]
        assert said == ["Key result KR1 Reps reporting deleted."]
    else:
        assert response.status_code == 204 and response.content == b""
    kr = KeyResult.objects.get(pk=world.kr.pk)  # the record stays, with its history
    assert kr.deleted_at is not None and kr.archived
    assert CheckIn.objects.filter(key_result=kr).count() == 1
    change = kr.changes.get(action=ChangeAction.DELETED)
    assert change.actor == getattr(world, who)


@pytest.mark.parametrize("door", DOORS)
@pytest.mark.parametrize("who", ["member", "viewer", "outsider", "parent_lead"])
def test_members_viewers_and_other_readers_are_refused_by_both_doors(world, door, who) -> None:  # type: ignore[no-untyped-def]
    """The team is public: they may read the key result, so they are told 403, not 404."""
    response = _delete(world, who, door)
    assert response.status_code == 403
    if door == "api":
        assert response.json()["code"] == "forbidden"
    kr = KeyResult.objects.get(pk=world.kr.pk)
    assert kr.deleted_at is None and not kr.archived
    assert not kr.changes.filter(action=ChangeAction.DELETED).exists()


@pytest.mark.parametrize("door", DOORS)
def test_outsiders_get_404_for_a_private_team_s_key_result(world, door) -> None:  # type: ignore[no-untyped-def]
    world.team.visibility = "private"
    world.team.save()
    assert _delete(world, "outsider", door).status_code == 404
    assert world.client("outsider").get(f"/key-results/{world.kr.pk}/delete/").status_code == 404
    assert world.client("member").get(f"/key-results/{world.kr.pk}/delete/").status_code == 403
    assert _delete(world, "member", door).status_code == 403
    assert KeyResult.objects.get(pk=world.kr.pk).deleted_at is None
    assert _delete(world, "lead", door).status_code in (204, 302)


@pytest.mark.parametrize("door", DOORS)
def test_outsiders_get_404_for_a_private_objective_s_key_result(world, door) -> None:  # type: ignore[no-untyped-def]
    world.objective.visibility = "private"
    world.objective.save()
    assert _delete(world, "outsider", door).status_code == 404
    assert KeyResult.objects.get(pk=world.kr.pk).deleted_at is None


def test_anonymous_readers_are_sent_to_log_in_on_the_page_and_get_401_from_the_api(world) -> None:  # type: ignore[no-untyped-def]
    url = f"/key-results/{world.kr.pk}/delete/"
    for response in (world.client(None).get(url), world.client(None).post(url)):
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    response = _api(None, "DELETE", f"/key-results/{world.kr.pk}")
    assert response.status_code == 401 and response.json()["code"] == "unauthenticated"
    assert KeyResult.objects.get(pk=world.kr.pk).deleted_at is None


def test_a_read_only_token_and_a_post_without_csrf_are_refused(world) -> None:  # type: ignore[no-untyped-def]
    response = _api(world.lead, "DELETE", f"/key-results/{world.kr.pk}", read_only=True)
    assert response.status_code == 403 and response.json()["code"] == "read_only_token"
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.lead)
    assert client.post(f"/key-results/{world.kr.pk}/delete/").status_code == 403
    assert KeyResult.objects.get(pk=world.kr.pk).deleted_at is None


def test_a_missing_key_result_is_404_at_both_doors(world) -> None:  # type: ignore[no-untyped-def]
    assert world.client("admin").post("/key-results/999999/delete/").status_code == 404
    assert world.client("admin").get("/key-results/999999/delete/").status_code == 404
    assert _api(world.admin, "DELETE", "/key-results/999999").status_code == 404


@pytest.mark.parametrize("door", DOORS)
def test_the_deleted_key_result_counts_nowhere_on_the_objective_page(world, door) -> None:  # type: ignore[no-untyped-def]
    other = _two_key_results(world)
    page = html(world.client(None).get(f"/objectives/{world.objective.pk}/"))
    assert "Grade 0.50" in page and "2 of 2 measured" in page and "Meetups held" in page
    assert _delete(world, "lead", door, other).status_code in (204, 302)
    page = html(world.client(None).get(f"/objectives/{world.objective.pk}/"))
    assert "Grade 0.80" in page and "1 of 1 measured" in page
    table = page[page.index('id="krs-title"') :]
    table = table[: table.index("</section>")]
    assert "Reps reporting" in table and "Meetups held" not in table
    assert "<ins>KR2 Meetups held</ins>" in page  # the objective's history says who deleted it
    # its own page stays, says so and offers neither restoring nor archiving
    kr_page = html(world.client("lead").get(f"/key-results/{other.pk}/"))
    assert "Meetups held" in kr_page and "<strong>Deleted</strong> on" in kr_page
    assert f'action="/key-results/{other.pk}/archive/"' not in kr_page
    # the API says it too, and no longer counts it in the objective's key results' grades
    body = _api(None, "GET", f"/key-results/{other.pk}").json()
    assert body["archived"] is True and body["deleted_at"] is not None


@pytest.mark.parametrize("door", DOORS)
def test_a_key_result_already_deleted_is_refused_and_recorded_once(world, door) -> None:  # type: ignore[no-untyped-def]
    assert _delete(world, "lead", door).status_code in (204, 302)
    again = _delete(world, "lead", door)
    if door == "page":
        assert again.status_code == 302 and again["Location"] == f"/key-results/{world.kr.pk}/"
        said = [str(m) for m in get_messages(again.wsgi_request)]
        assert said == ["The key result is already deleted."]
        confirm = world.client("lead").get(f"/key-results/{world.kr.pk}/delete/")
        assert confirm.status_code == 302 and confirm["Location"] == f"/key-results/{world.kr.pk}/"
    else:
        assert again.status_code == 422 and again.json()["code"] == "invalid"
    assert world.kr.changes.filter(action=ChangeAction.DELETED).count() == 1


def test_the_edit_page_leads_to_the_confirm_page_which_says_what_happens(world) -> None:  # type: ignore[no-untyped-def]
    f.checkin(world.kr, 10, "2017-01-20T10:00:00")
    f.checkin(world.kr, 20, "2017-02-01T10:00:00")
    Comment.objects.create(key_result=world.kr, team=world.team, author=world.member, body="Hi")
    edit = html(world.client("lead").get(f"/key-results/{world.kr.pk}/edit/"))
    url = f"/key-results/{world.kr.pk}/delete/"
    assert f'href="{url}"' in edit and "Delete this key result" in edit
    response = world.client("lead").get(url)
    assert response.status_code == 200
    page = html(response)
    assert "<title>Delete KR1 Reps reporting · okrs</title>" in page
    assert "archives it for good" in page and "cannot be restored" in page
    assert "its 2 check-ins are kept" in page and "its 1 comment is kept" in page
    assert f'<form method="post" action="{url}">' in page and "csrfmiddlewaretoken" in page
    assert KeyResult.objects.get(pk=world.kr.pk).deleted_at is None  # GET deletes nothing


def test_the_confirm_page_is_translated(world) -> None:  # type: ignore[no-untyped-def]
    url = f"/key-results/{world.kr.pk}/delete/"
    page = html(world.client("lead").get(url, headers={"accept-language": "es"}))
    assert "Eliminar este resultado clave" in page and "se conservan sus 0 comentarios" in page


def test_the_confirm_page_runs_a_bounded_number_of_queries(world) -> None:  # type: ignore[no-untyped-def]
    def grow() -> None:
        for day in range(1, 28):
            f.checkin(world.kr, day, f"2017-01-{day:02d}T10:00:00")
            Comment.objects.create(
                key_result=world.kr, team=world.team, author=world.member, body=f"c{day}"
            )
        for n in range(5):
            f.key_result(objective=world.objective, code=f"KR{n + 2}", title=f"Other {n}")

    small, large = query_counts(world.client("lead"), f"/key-results/{world.kr.pk}/delete/", grow)
    assert small == large and large <= 10, (small, large)


def test_the_api_documents_the_delete(client: Client) -> None:
    document = client.get("/api/v1/openapi.json").json()
    operation = document["paths"]["/api/v1/key-results/{kr_id}"]["delete"]
    assert operation["operationId"] == "delete_key_result"
    assert {"204", "401", "403", "404", "422"} <= set(operation["responses"])
    assert {} not in operation["security"]  # a write: the token is needed
    assert "archived for good" in operation["description"]
    schema = document["components"]["schemas"]["KeyResultOut"]
    assert {"archived", "deleted_at"} <= set(schema["required"])


def test_the_page_and_the_api_answer_the_same_for_every_role(world) -> None:  # type: ignore[no-untyped-def]
    """Each role through each door, on a fresh key result each time: the same verdict."""
    verdicts: dict[str, dict[str, str]] = {}
    for who in ("admin", "lead", "member", "viewer", "outsider", None):
        for door in DOORS:
            kr = f.key_result(objective=world.objective, title=f"{who} {door}")
            status = _delete(world, who, door, kr).status_code
            deleted = KeyResult.objects.get(pk=kr.pk).deleted_at is not None
            allowed = status in (204, 302) and deleted
            word = "deleted" if allowed else "login" if who is None else str(status)
            verdicts.setdefault(str(who), {})[door] = word
    assert json.dumps(verdicts, sort_keys=True) == json.dumps(
        {
            "admin": {"api": "deleted", "page": "deleted"},
            "lead": {"api": "deleted", "page": "deleted"},
            "member": {"api": "403", "page": "403"},
            "viewer": {"api": "403", "page": "403"},
            "outsider": {"api": "403", "page": "403"},
            "None": {"api": "login", "page": "login"},
        },
        sort_keys=True,
    )


@pytest.mark.parametrize("door", DOORS)
def test_a_deleted_key_result_takes_no_edit_at_either_door(world, door) -> None:  # type: ignore[no-untyped-def]
    """Its history stays as it was when it was deleted: the service refuses a change, the page
    offers neither the edit link nor the check-in form."""
    assert _delete(world, "lead", door).status_code in (204, 302)
    if door == "page":
        response = world.client("lead").post(
            f"/key-results/{world.kr.pk}/edit/",
            {"title": "Renamed", "direction": "increase", "baseline": "0", "target": "50",
             "weight": "1", "cadence": "weekly", "measure_kind": "manual"},
        )  # fmt: skip
        assert response.status_code == 400 and "was deleted: it cannot be changed" in html(response)
        page = html(world.client("lead").get(f"/key-results/{world.kr.pk}/"))
        assert f"/key-results/{world.kr.pk}/edit/" not in page and 'name="value"' not in page
    else:
        _, token = token_create(person=world.lead, name="t2")
        response = Client().patch(
            f"/api/v1/key-results/{world.kr.pk}",
            json.dumps({"title": "Renamed"}),
            content_type="application/json",
            headers={"Authorization": f"Bearer {token}"},
        )
        assert response.status_code in (400, 422), response.content
        assert "was deleted: it cannot be changed" in response.content.decode()
    assert KeyResult.objects.get(pk=world.kr.pk).title == "Reps reporting"


def test_the_history_names_a_deletion_in_the_readers_words(world) -> None:  # type: ignore[no-untyped-def]
    assert _delete(world, "lead", "page").status_code == 302
    page = world.client("lead").get(f"/objectives/{world.objective.pk}/", HTTP_ACCEPT_LANGUAGE="es")
    text = html(page)
    assert "Registros conservados" in text and "check-ins kept" not in text
