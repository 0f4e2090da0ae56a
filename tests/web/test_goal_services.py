"""The write functions behind the forms: validation, history, all-or-nothing."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from okrs.goals import services
from okrs.goals.models import Alignment, Change, KeyResult
from tests import factories as f


def test_unknown_fields_are_refused_and_nothing_changes(world) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError, match="cannot be changed here: state"):
        services.objective_update(
            objective=world.objective,
            actor=world.lead,
            changes={"state": "published", "title": "X"},
        )
    world.objective.refresh_from_db()
    assert world.objective.title == "Grow the community" and not Change.objects.exists()


def test_invalid_key_result_is_not_half_written(world) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as caught:
        services.key_result_create(
            objective=world.objective,
            actor=world.lead,
            fields={"title": "Bad", "direction": "decrease", "baseline": 1.0, "target": 5.0},
        )
    assert "target" in caught.value.message_dict
    assert KeyResult.objects.count() == 1 and not Change.objects.exists()


def test_cycle_through_three_objectives_is_refused(world) -> None:  # type: ignore[no-untyped-def]
    b = f.objective(team=world.team, period=world.period)
    c = f.objective(team=world.team, period=world.period)
    services.alignment_set(child=world.objective, parent=b, actor=world.lead)
    services.alignment_set(child=b, parent=c, actor=world.lead)
    with pytest.raises(ValidationError, match="already contributes to"):
        services.alignment_set(child=c, parent=world.objective, actor=world.lead)
    assert Alignment.objects.count() == 2


def test_reweighting_an_alignment_is_recorded(world) -> None:  # type: ignore[no-untyped-def]
    b = f.objective(team=world.parent, period=world.period, title="Parent goal")
    services.alignment_set(child=world.objective, parent=b, actor=world.lead)
    services.alignment_set(child=world.objective, parent=b, actor=world.lead, weight=3)
    assert Alignment.objects.get().weight == 3
    last = world.objective.changes.first()
    assert last.diff == {"weight towards Parent goal": [1.0, 3]}


def test_move_normalizes_positions_with_equal_orders(world) -> None:  # type: ignore[no-untyped-def]
    others = [f.objective(team=world.team, period=world.period) for _ in range(3)]  # all order 0
    services.objective_move(objective=others[-1], actor=world.lead, direction="up")
    orders = list(world.team.objectives.order_by("order", "id").values_list("pk", "order"))
    assert [o for _, o in orders] == [0, 1, 2, 3]
    assert [pk for pk, _ in orders][2] == others[-1].pk
    with pytest.raises(ValidationError):
        services.objective_move(objective=others[0], actor=world.lead, direction="sideways")


def test_state_rules(world) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError, match="must be draft"):
        services.objective_propose(objective=world.objective, actor=world.lead)  # published
    with pytest.raises(ValidationError, match="must be in review"):
        services.objective_approve(objective=world.objective, actor=world.parent_lead)
    with pytest.raises(ValidationError, match="must be archived"):
        services.objective_restore(objective=world.objective, actor=world.lead)
