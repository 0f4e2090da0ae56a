"""The alignment graph's recursive reads: what a roll-up reads above some objectives, and what
their grades depend on below them."""

from __future__ import annotations

import pytest

from okrs.goals.graph import descendants, scores_above
from okrs.goals.models import Alignment, ObjectiveState
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_scores_above_reads_every_level_and_what_each_is_scored_from() -> None:
    period = f.period()
    leaf, middle, top, aside = (f.objective(period=period) for _ in range(4))
    f.align(leaf, middle, weight=2.0)
    f.align(middle, top)
    f.align(aside, top, weight=0.5)
    kr = f.key_result(objective=leaf, weight=3.0)
    f.key_result(objective=leaf, archived=True)  # counts nowhere
    kr.kept_grade, kr.kept_progress, kr.kept_confidence = 0.4, 0.5, 0.7
    kr.save()
    aside.kept_grade, aside.kept_progress = 0.9, 0.8
    aside.save()

    above = scores_above([leaf.pk])

    leaf.refresh_from_db()
    middle.refresh_from_db()
    assert above.affected == {leaf.pk, middle.pk, top.pk}  # not `aside`: it is beside, not above
    assert above.own == {leaf.pk: [(3.0, 0.4, 0.5, 0.7)]}
    assert above.contributors[middle.pk] == [(leaf.pk, 2.0, leaf.kept_grade, leaf.kept_progress)]
    assert sorted(above.contributors[top.pk]) == sorted(
        [(middle.pk, 1.0, middle.kept_grade, middle.kept_progress), (aside.pk, 0.5, 0.9, 0.8)]
    )


def test_an_archived_contributor_is_left_out_but_what_it_contributed_to_is_still_rolled_up() -> (
    None
):
    period = f.period()
    child, parent = f.objective(period=period), f.objective(period=period)
    f.align(child, parent)
    child.state = ObjectiveState.ARCHIVED
    child.save()

    above = scores_above([child.pk])

    assert above.affected == {child.pk, parent.pk}  # the parent's grade must drop the child
    assert parent.pk not in above.contributors


def test_the_walk_ends_on_a_cycle_and_ignores_objectives_that_do_not_exist() -> None:
    period = f.period()
    a, b = f.objective(period=period), f.objective(period=period)
    f.align(a, b)
    Alignment.objects.create(child=b, parent=a)  # the service refuses this; the read still ends

    assert scores_above([a.pk, 10_000_000]).affected == {a.pk, b.pk}
    assert scores_above([]).affected == set()


def test_descendants_are_everything_below() -> None:
    period = f.period()
    leaf, middle, top = (f.objective(period=period) for _ in range(3))
    f.align(leaf, middle)
    f.align(middle, top)

    assert set(descendants([top.pk]).values_list("pk", flat=True)) == {leaf.pk, middle.pk, top.pk}
    assert set(descendants([middle.pk]).values_list("pk", flat=True)) == {leaf.pk, middle.pk}
    assert not descendants([]).exists()
