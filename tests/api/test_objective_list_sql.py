"""The API's objectives list, a written-out query (`goals.selectors.objective_list_sql`, with
the rule of `goals.access.visible_objectives_sql`), against the ORM it replaced: for every kind
of reader (anonymous, outsider, member of a private team, lead of a parent team reviewing its
child's proposals, site admin) and any mix of filters, cursor and page size, the same
objectives in the same order as `visible_objectives(user)` filtered by the ORM, each as the
single-objective read renders it."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from okrs.api.routers.goals import objective_out
from okrs.api.schemas import ObjectiveOut
from okrs.goals.access import visible_objectives
from okrs.goals.models import Objective, ObjectiveState
from okrs.goals.selectors import ObjectiveListFilter, objective_list_page
from tests import factories as f
from tests.api.schema_json import schema_json, written_json

pytestmark = pytest.mark.django_db

TEAMS = ("open", "closed", "kid")  # public, private, public child of "open"
READERS = ("admin", "anonymous", "outsider", "member", "reviewer")
PEOPLE = ("owner-a", "owner-b")
PERIODS = ("2017-Q1", "2017-Q2")


@pytest.fixture
def world():  # type: ignore[no-untyped-def]
    open_team = f.team("open")
    teams = [open_team, f.team("closed", visibility="private"), f.team("kid", parent=open_team)]
    member, reviewer = f.person("closed-member"), f.person("open-lead")
    f.membership(member, teams[1])
    f.membership(reviewer, open_team, role="lead")
    periods = [
        f.period("2017-Q1"),
        f.period("2017-Q2", start=dt.date(2017, 4, 1), end=dt.date(2017, 6, 30)),
    ]
    readers = {
        "admin": f.person("site-admin", is_superuser=True),
        "anonymous": AnonymousUser(),
        "outsider": f.person("outsider"),
        "member": member,
        "reviewer": reviewer,
    }
    owners = [f.person(name) for name in PEOPLE]
    return SimpleNamespace(teams=teams, periods=periods, readers=readers, owners=owners)


OBJECTIVE = st.tuples(
    st.integers(0, len(TEAMS) - 1),
    st.integers(0, len(PERIODS) - 1),
    st.sampled_from(ObjectiveState.values),
    st.sampled_from(["team", "private"]),
    st.one_of(st.none(), st.integers(0, len(PEOPLE) - 1)),  # owner
)
FILTER = st.fixed_dictionaries(
    {},
    optional={
        "period": st.sampled_from([*PERIODS, "1999-Q1"]),
        "team": st.sampled_from([*TEAMS, "missing"]),
        "owner": st.sampled_from([*PEOPLE, "nobody"]),
        "state": st.sampled_from(ObjectiveState.values),
    },
)
MIXED = [
    (0, 0, "published", "team", 0),
    (0, 1, "draft", "team", 1),
    (1, 0, "published", "team", None),
    (1, 1, "archived", "private", 0),
    (2, 0, "in_review", "team", 1),
    (2, 1, "published", "private", None),
    (0, 0, "archived", "team", None),
]
EACH_FILTER = [{"period": "2017-Q2"}, {"team": "kid"}, {"owner": "owner-a"}, {"state": "archived"}]


def _orm_page(user: Any, where: dict[str, Any], after: int, limit: int) -> list[dict[str, Any]]:
    """The ORM's filters, as the endpoint had them, and `objective_out` of each objective."""
    objectives = visible_objectives(user).select_related("team", "period", "owner")
    objectives = objectives.order_by("pk").filter(pk__gt=after)
    lookups = {"period": "period__slug", "team": "team__slug", "owner": "owner__username"}
    for name, value in where.items():
        objectives = objectives.filter(**{lookups.get(name, name): value})
    return [objective_out(o) for o in objectives[:limit]]


def _examples(test: Any) -> Any:
    """Each reader on `MIXED` (the rule alone decides), then each filter alone as the admin."""
    for reader in READERS:
        test = example(objectives=MIXED, reader=reader, where={}, after=0, limit=7)(test)
    for where in EACH_FILTER:
        test = example(objectives=MIXED, reader="admin", where=where, after=0, limit=7)(test)
    return test


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    objectives=st.lists(OBJECTIVE, max_size=12),
    reader=st.sampled_from(READERS),
    where=FILTER,
    after=st.integers(0, 12),
    limit=st.integers(1, 6),
)
@_examples
def test_the_written_out_list_is_the_orm_list(
    world, objectives, reader, where, after, limit
) -> None:  # type: ignore[no-untyped-def]
    Objective.objects.all().delete()
    first = None
    for team, period, state, visibility, owner in objectives:
        made = f.objective(
            team=world.teams[team],
            period=world.periods[period],
            state=state,
            visibility=visibility,
            owner=None if owner is None else world.owners[owner],
        )
        first = first or made.pk
    user = world.readers[reader]
    start = (first or 1) - 1 + after  # `after` counts from just before the first made
    expected = _orm_page(user, where, start, limit)
    got = objective_list_page(user, ObjectiveListFilter(**where), after=start, limit=limit)
    assert written_json(got) == schema_json(ObjectiveOut, expected)


def test_the_list_is_one_query_for_every_reader(world) -> None:  # type: ignore[no-untyped-def]
    for team in world.teams:
        f.objective(team=team, period=world.periods[0])
    for reader, user in world.readers.items():
        with CaptureQueriesContext(connection) as queries:
            rows = objective_list_page(user, ObjectiveListFilter(period="2017-Q1"), limit=50)
        assert len(queries) == 1, reader
        assert len(rows) == (3 if reader in ("admin", "member") else 2), reader
