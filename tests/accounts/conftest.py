"""The page tests' small organization (tests/web/conftest.py), plus a private team."""

from __future__ import annotations

from typing import Any

import pytest

from okrs.org.models import Team
from tests import factories as f
from tests.limits import clear_rate_limits
from tests.web.conftest import World, world  # noqa: F401  (the fixture, shared)


@pytest.fixture(autouse=True)
def _fresh_rate_limits(request: pytest.FixtureRequest) -> None:
    # allauth counts sign-ups and confirmations per address in the cache (the database's)
    clear_rate_limits(request)


@pytest.fixture
def private_team(world: World) -> Team:  # noqa: F811
    team = f.team("council", name="Secret Council", visibility="private")
    f.membership(world.lead, team, "lead")
    return team


@pytest.fixture
def open_signup(settings: Any) -> None:
    settings.OKRS_SIGNUP = "open"
