"""The objective form a lead can fill: the owner defaults to the lead, the next free code is
suggested, "contributes to" is chosen at creation, only members and leads are offered as owners."""

from __future__ import annotations

import datetime as dt

import pytest

from okrs.goals.models import Alignment, Objective
from tests import factories as f
from tests.web.helpers import html

pytestmark = pytest.mark.django_db


def test_defaults_and_choices_of_a_new_objective(world) -> None:  # type: ignore[no-untyped-def]
    f.objective(team=world.parent, period=world.period, code="O1", title="CDT goal")
    page = html(world.client("lead").get("/objectives/new/?team=reps"))
    assert 'name="code"' in page and 'value="O2"' in page  # O1 is taken in 2017-Q1
    assert f'<option value="{world.lead.pk}" selected>' in page
    assert f'<option value="{world.viewer.pk}"' not in page  # viewers do not own objectives
    assert f'<option value="{world.member.pk}"' in page
    assert "CDT goal" in page


def test_contributes_to_is_set_at_creation(world) -> None:  # type: ignore[no-untyped-def]
    cdt_goal = f.objective(team=world.parent, period=world.period, code="O1", title="CDT goal")
    response = world.client("lead").post(
        "/objectives/new/?team=reps",
        {"team": world.team.pk, "period": world.period.pk, "code": "O2", "title": "Mentors",
         "owner": world.lead.pk, "commitment": "committed", "weight": "1",
         "visibility": "team", "contributes_to": cdt_goal.pk},
    )  # fmt: skip
    assert response.status_code == 302
    made = Objective.objects.get(code="O2", team=world.team)
    assert made.state == "draft" and made.owner == world.lead
    assert Alignment.objects.filter(child=made, parent=cdt_goal).exists()
    assert [c.action for c in made.changes.order_by("id")] == ["created", "aligned"]


def test_a_parent_of_another_period_is_refused_and_nothing_is_written(world) -> None:  # type: ignore[no-untyped-def]
    later = f.period("2017-Q2", start=dt.date(2017, 4, 1), end=dt.date(2017, 6, 30))
    f.objective(team=world.parent, period=world.period, code="O1", title="CDT Q1 goal")
    q2_goal = f.objective(team=world.parent, period=later, code="O1", title="CDT Q2 goal")
    response = world.client("lead").post(
        "/objectives/new/?team=reps",
        {"team": world.team.pk, "period": world.period.pk, "code": "O2", "title": "Mentors",
         "commitment": "committed", "weight": "1", "visibility": "team",
         "contributes_to": q2_goal.pk},
    )  # fmt: skip
    assert response.status_code == 400 and 'id="id_contributes_to_error"' in html(response)
    assert not Objective.objects.filter(code="O2", team=world.team).exists()
