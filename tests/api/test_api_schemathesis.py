"""Schemathesis against the live OpenAPI document, through the WSGI app, on the demo data (`okrs
demo`, loaded once for the module), each generated case sent with a lead's token (so writes are
exercised) and anonymously (so the document's optional token on reads is tried): no server
error, every response matches the documented schema and status codes."""

from __future__ import annotations

import os
from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
import schemathesis
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.config import SchemathesisConfig

from okrs.api.services import token_create
from okrs.wsgi import application

# Every check schemathesis has. A body that matches the document but names a person, a team or a
# file's content that does not exist or cannot be read is refused with 422 naming the field: the
# document cannot say which usernames exist, so 422 is an accepted answer to schema-valid data;
# 400 is not (the cursor's pattern says which cursors are valid).
CONFIG = SchemathesisConfig.from_str(
    """
[checks.positive_data_acceptance]
expected-statuses = ["2xx", "3xx", "401", "403", "404", "409", "422", "429", "5xx"]
"""
)
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application, config=CONFIG)
EXAMPLES = int(os.environ.get("OKRS_SCHEMATHESIS_EXAMPLES", "5"))


@pytest.fixture
def _keep_test_connection() -> Iterator[None]:
    """Like Django's test client: the WSGI request must not close the test's connection (which
    holds the test transaction) when it starts and finishes."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(scope="module")
def _demo(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    """The demo loaded once, in a transaction that the module's end rolls back; each test runs
    inside it (the `db` fixture's savepoint), so one case's writes do not reach the next."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            call_command("demo", stdout=StringIO())
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def lead_token(_demo: None, db: Any, settings: Any, _keep_test_connection: None) -> str:
    settings.OKRS_API_RATE_LIMIT = 0
    lead = get_user_model().objects.get(username="juniper")  # leads reps in the demo
    return token_create(person=lead, name="schemathesis")[1]


@schema.parametrize()
@hypothesis_settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_api_conforms_to_its_openapi_document(case: Any, lead_token: str) -> None:
    case.call_and_validate(headers={"Authorization": f"Bearer {lead_token}"})  # every check
    # anonymously; without gzip, which the site gives anonymous readers and the WSGI transport
    # does not decode
    case.call_and_validate(headers={"Accept-Encoding": "identity"})
