"""Schemathesis against the live OpenAPI document, through the WSGI app, with a lead's token so
that writes are exercised: no server error, every response matches the documented schema and
status codes."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis import checks

from okrs.api.services import token_create
from okrs.wsgi import application
from tests import factories as f

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
EXAMPLES = int(os.environ.get("OKRS_SCHEMATHESIS_EXAMPLES", "5"))
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
]


@pytest.fixture
def _keep_test_connection() -> Iterator[None]:
    """Like Django's test client: the WSGI request must not close the test's connection (which
    holds the test transaction) when it starts and finishes."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def lead_token(db: Any, settings: Any, _keep_test_connection: None) -> str:
    settings.OKRS_API_RATE_LIMIT = 0
    settings.OKRS_WEBHOOK_THREAD = False
    lead, member = f.person("lead"), f.person("member")
    team = f.team("reps")
    f.membership(lead, team, "lead")
    f.membership(member, team, "member")
    period = f.period()
    objective = f.objective(team=team, period=period, code="O1", owner=lead)
    private = f.objective(team=team, period=period, code="O2", visibility="private")
    parent = f.objective(team=f.team("cdt"), period=period, code="O1")
    f.align(objective, parent)
    kr = f.key_result(objective=objective, owner=member)
    f.key_result(objective=private, direction="milestone")
    f.checkin(kr, 10, "2017-01-15T00:00:00")
    hb = f.heartbeat(team=team, period=period, start="2017-01-02", end="2017-01-20")
    from okrs.heartbeats.models import WorkPacket

    packet = WorkPacket.objects.create(team=team, heartbeat=hb, title="Guide")
    packet.key_results.add(kr)
    return token_create(person=lead, name="schemathesis")[1]


@schema.parametrize()
@hypothesis_settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_api_conforms_to_its_openapi_document(case: Any, lead_token: str) -> None:
    case.call_and_validate(headers={"Authorization": f"Bearer {lead_token}"}, checks=CHECKS)
