"""The cast of every API test: a public team with a lead, a member and an outsider; a published
objective and a private one; tokens for each."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from okrs.api.services import token_create
from tests import factories as f
from tests.limits import clear_rate_limits


@dataclass
class Api:
    client: Client
    token: str | None = None

    def _headers(self, extra: dict[str, str] | None) -> dict[str, str]:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        return {**headers, **(extra or {})}

    def get(self, path: str, headers: dict[str, str] | None = None, **params: Any) -> Any:
        return self.client.get("/api/v1" + path, params, headers=self._headers(headers))

    def send(
        self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
    ) -> Any:
        return self.client.generic(
            method,
            "/api/v1" + path,
            json.dumps(body) if body is not None else "",
            content_type="application/json",
            headers=self._headers(headers),
        )

    def post(self, path: str, body: Any, **kw: Any) -> Any:
        return self.send("POST", path, body, **kw)

    def patch(self, path: str, body: Any, **kw: Any) -> Any:
        return self.send("PATCH", path, body, **kw)

    def delete(self, path: str, **kw: Any) -> Any:
        return self.send("DELETE", path, **kw)


@dataclass
class World:
    lead: Any
    member: Any
    outsider: Any
    team: Any
    period: Any
    objective: Any
    private: Any
    kr: Any
    private_kr: Any

    def api(self, user: Any = None, *, read_only: bool = False) -> Api:
        if user is None:
            return Api(Client())
        _, raw = token_create(person=user, name="test", read_only=read_only)
        return Api(Client(), raw)


@pytest.fixture(autouse=True)
def _fresh_rate_limits(settings: Any, request: pytest.FixtureRequest) -> None:
    clear_rate_limits(request)


@pytest.fixture
def world(db: Any) -> World:
    lead, member, outsider = f.person("lead"), f.person("member"), f.person("outsider")
    team = f.team("reps")
    f.membership(lead, team, "lead")
    f.membership(member, team, "member")
    period = f.period()
    objective = f.objective(team=team, period=period, title="Grow the community", code="O1")
    private = f.objective(
        team=team, period=period, title="Secret plans", code="O2", visibility="private"
    )
    kr = f.key_result(objective=objective, title="50 new Reps", code="KR1", owner=member)
    private_kr = f.key_result(objective=private, title="Hidden KR", code="KR1")
    return World(lead, member, outsider, team, period, objective, private, kr, private_kr)
