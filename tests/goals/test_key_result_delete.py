"""Deleting a key result (`key_result_delete`): only the team's leads (and site admins) may; it
counts nowhere from then on, its objective's kept scores are rolled up at once, and nothing of its
history is lost."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError

from okrs.goals import scores
from okrs.goals import services as goals
from okrs.goals.models import ChangeAction, CheckIn, KeyResult, Objective
from tests import factories as f

pytestmark = pytest.mark.django_db

AT = dt.datetime(2017, 2, 1, 12, tzinfo=dt.UTC)


def _objective_with_two_key_results() -> tuple[Objective, KeyResult, KeyResult]:
    objective = f.objective(period=f.period())
    fields = {"title": "KR", "direction": "increase", "baseline": 0.0, "target": 100.0}
    one = goals.key_result_create(objective=objective, actor=None, fields=fields)
    two = goals.key_result_create(objective=objective, actor=None, fields=fields)
    goals.checkin_create(key_result=one, value=80, author=None, at=AT)
    goals.checkin_create(key_result=two, value=20, author=None, at=AT)
    return objective, one, two


def test_deleting_a_key_result_rolls_its_objective_up_and_keeps_its_history() -> None:
    objective, _, two = _objective_with_two_key_results()
    parent = f.objective(period=objective.period)
    goals.alignment_set(child=objective, parent=parent, actor=None)
    assert Objective.objects.get(pk=objective.pk).kept_grade == pytest.approx(0.5)
    user = f.person()
    f.membership(user, objective.team, "lead")
    goals.key_result_delete(key_result=two, actor=user)
    kept = Objective.objects.get(pk=objective.pk)
    assert kept.kept_grade == pytest.approx(0.8) and (kept.kept_measured, kept.kept_total) == (1, 1)
    assert Objective.objects.get(pk=parent.pk).kept_grade == pytest.approx(0.8)  # rolled up
    deleted = KeyResult.objects.get(pk=two.pk)  # the record stays, with its check-ins
    assert deleted.deleted_at is not None and deleted.archived
    assert CheckIn.objects.filter(key_result=two).count() == 1
    change = deleted.changes.get(action=ChangeAction.DELETED)
    assert change.actor == user and change.diff["check-ins kept"] == [None, 1]
    assert scores.verify() == []


def _admin() -> User:
    return User.objects.create_superuser("admin", "admin@example.org", "pw")


def test_a_deleted_key_result_takes_no_check_in_and_cannot_be_restored() -> None:
    _, _, two = _objective_with_two_key_results()
    admin = _admin()
    goals.key_result_delete(key_result=two, actor=admin)
    with pytest.raises(ValidationError, match="deleted"):
        goals.checkin_create(key_result=two, value=50, author=None, at=AT)
    with pytest.raises(ValidationError, match="deleted"):
        goals.key_result_archive(key_result=two, actor=None, archived=False)
    with pytest.raises(ValidationError, match="already deleted"):
        goals.key_result_delete(key_result=two, actor=admin)
    stale = KeyResult.objects.get(pk=two.pk)
    stale.deleted_at = None  # read before the delete: the locked row says it was deleted
    with pytest.raises(ValidationError, match="already deleted"):
        goals.key_result_delete(key_result=stale, actor=admin)
    assert two.changes.filter(action=ChangeAction.DELETED).count() == 1
    assert CheckIn.objects.filter(key_result=two).count() == 1


@pytest.mark.parametrize("role", ["member", "viewer", None])
def test_only_the_team_s_leads_and_site_admins_may_delete(role: str | None) -> None:
    """The rule lives in the service, so every door (page, API) refuses the same people."""
    objective, _, two = _objective_with_two_key_results()
    person = f.person()
    if role is not None:
        f.membership(person, objective.team, role)
    lead_elsewhere = f.person()
    f.membership(lead_elsewhere, f.team(), "lead")
    for refused in (person, lead_elsewhere):
        with pytest.raises(PermissionDenied):
            goals.key_result_delete(key_result=two, actor=refused)
    kept = KeyResult.objects.get(pk=two.pk)
    assert kept.deleted_at is None and not kept.archived
    assert Objective.objects.get(pk=objective.pk).kept_grade == pytest.approx(0.5)
    assert not kept.changes.filter(action=ChangeAction.DELETED).exists()
    goals.key_result_delete(key_result=two, actor=_admin())
    assert KeyResult.objects.get(pk=two.pk).deleted_at is not None
