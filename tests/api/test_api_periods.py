"""Periods and GET /periods/{p}/score, which returns what `okrs score --format json` prints."""

from __future__ import annotations

import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from tests import factories as f

pytestmark = pytest.mark.django_db


def test_periods_list_and_detail(world: Any) -> None:
    f.period("2017-Q2", start="2017-04-01", end="2017-06-30")
    slugs = [p["slug"] for p in world.api().get("/periods").json()["items"]]
    assert sorted(slugs) == ["2017-Q1", "2017-Q2"]
    assert world.api().get("/periods/2017-Q1").json()["end"] == "2017-03-31"
    assert world.api().get("/periods/1999-Q1").status_code == 404


def test_score_is_what_okrs_score_prints(world: Any) -> None:
    f.checkin(world.kr, 40, "2017-02-01T00:00:00", confidence=0.8)
    out = StringIO()
    call_command(
        "score", "--period", "2017-Q1", "--on", "2017-02-15", "--format", "json", stdout=out
    )
    response = world.api().get("/periods/2017-Q1/score", on="2017-02-15")
    assert response.status_code == 200
    assert response.json() == json.loads(out.getvalue())


def test_score_leaves_out_what_the_caller_may_not_read(world: Any) -> None:
    titles = lambda body: [o["title"] for t in body["items"] for o in t["objectives"]]  # noqa: E731
    anonymous = world.api().get("/periods/2017-Q1/score").json()
    member = world.api(world.member).get("/periods/2017-Q1/score").json()
    assert "Secret plans" not in titles(anonymous)
    assert "Secret plans" in titles(member)
