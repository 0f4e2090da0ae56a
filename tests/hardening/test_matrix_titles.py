"""The permission matrix read for titles: every page, fragment and API read of the matrix
(tests/hardening/matrix_table.py), tried by each role signed in and with a token of each, in each
scope, shows no title of what that reader may not see.

Beside the world's private team and private objective, a draft of the public team and a draft of
another team have key results linked to the public team's packet, so the board, the packet page
and the packet reads must leave them out for those who may not read them."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from okrs.api.services import token_create
from okrs.org.models import Team
from tests import factories as f
from tests.hardening.matrix_run import method_of, url_for
from tests.hardening.matrix_table import TABLE
from tests.hardening.world import ROLES, SCOPES, World, build_world
from tests.limits import clear_rate_limits

# what each reader may not see: a word every title of such a thing starts with
HIDDEN = {
    "admin": (),
    "lead": ("Hushother",),  # lead, member and viewer belong to the public and private teams
    "member": ("Hushother",),
    "viewer": ("Hushother",),
    "outsider": ("Hushteam", "Hushobj", "Hushdraft"),  # the outsider leads `other`
    "anon": ("Hushteam", "Hushobj", "Hushdraft", "Hushother"),
}


def _drafts(world: World) -> None:
    pub, period = world.scopes["pub"].team, world.period
    other = Team.objects.get(slug="other")  # the outsider's team
    packet = world.scopes["pub"].packet
    for team, word in ((pub, "Hushdraft"), (other, "Hushother")):
        objective = f.objective(
            team=team, period=period, title=f"{word} objective", code="O7", state="draft"
        )
        kr = f.key_result(objective=objective, title=f"{word} key result", code="KR1")
        packet.key_results.add(kr)
    packet.key_results.add(world.scopes["privobj"].kr)


def _text(response: Any) -> str:
    body = response.content.decode(errors="replace")
    if response.get("Content-Type", "").startswith("application/json"):
        body = json.dumps(json.loads(body), ensure_ascii=False)
    return body


def _readers(world: World) -> list[tuple[str, Client, dict[str, str]]]:
    """(role, client, headers): each role signed in, and each person's token."""
    readers = []
    for role in ROLES:
        person = world.people[role]
        session = Client()
        if person is not None:
            session.force_login(person)
            raw = token_create(person=person, name=f"{role} titles")[1]
            readers.append((role, Client(), {"Authorization": f"Bearer {raw}"}))
        readers.append((role, session, {}))
    return readers


@pytest.mark.django_db
def test_no_reader_sees_a_title_it_may_not_read(request: pytest.FixtureRequest) -> None:
    world = build_world()
    _drafts(world)
    readers = _readers(world)
    rows = [(name, method) for name, method, _, _ in TABLE if method_of(name, method) == "GET"]
    args = {(name, method): a for name, method, a, _ in TABLE}
    seen, shown = 0, {"Hushdraft": 0, "Hushother": 0}
    for name, method in rows:
        for scope in SCOPES:
            kwargs = args[(name, method)](world.scopes[scope], world)
            if kwargs is None:
                continue
            url = url_for(name, kwargs)
            for role, client, headers in readers:
                if headers and not name.startswith("api "):
                    continue  # tokens are for the API only
                clear_rate_limits(request)
                response = client.get(url, headers=headers)
                assert response.status_code < 500, (role, url, response.status_code)
                body = _text(response)
                for word in HIDDEN[role]:
                    assert word not in body, (role, "token" if headers else "session", url, word)
                seen += 1
                if role == "admin":
                    shown = {w: n + (w in body) for w, n in shown.items()}
    assert seen > 500
    # the positive control: the hidden drafts are on the pages for a reader who may see them
    assert shown["Hushdraft"] >= 3 and shown["Hushother"] >= 3, shown
