"""Carry-over: a period's unfinished objectives and key results copied into the next period."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from okrs.core.scoring import Direction
from okrs.documents.models import CarriedKeyResult, KeyResultSource
from okrs.documents.services import DocumentError, period_get_or_create
from okrs.goals import scores
from okrs.goals.models import CheckInSource, KeyResult, Objective, ObjectiveState, Period
from okrs.goals.selectors import KeyResultRow, scoreboard
from okrs.goals.services import checkin_create
from okrs.heartbeats.models import WorkPacket
from okrs.heartbeats.selectors import OPEN_STATUSES
from okrs.heartbeats.services import packet_update


@dataclass
class CarryResult:
    target: Period
    objectives: list[Objective] = field(default_factory=list)
    key_results: list[KeyResult] = field(default_factory=list)
    packets: int = 0
    skipped: list[str] = field(default_factory=list)


def _unfinished(row: KeyResultRow) -> bool:
    return row.score.grade is None or row.score.grade < 1.0


@transaction.atomic
def period_carry_over(
    *,
    source: Period,
    target_slug: str,
    objectives: QuerySet[Objective],
    actor: AbstractBaseUser | None = None,
) -> CarryResult:
    """Copy the unfinished objectives of ``source`` (among ``objectives``) into the period
    ``target_slug`` (created from its name when missing), all or nothing.

    Unfinished: a key result graded below 1.0 at the end of ``source`` (or never checked
    in). Each copy keeps direction, target, stretch, unit, weight, owner and measure; its
    baseline is the last value (a milestone, whose baseline is always 0, starts with that
    value as its first check-in instead). Open work packets of a key result also move its
    copy. The copies are drafts; an objective already carried into ``target`` is skipped.
    """
    target, _ = period_get_or_create(slug=target_slug)
    if target.start <= source.start:
        raise DocumentError(f"to: {target.slug} does not come after {source.slug}")
    board = scoreboard(source, objectives.exclude(state=ObjectiveState.ARCHIVED), on=source.end)
    already = set(
        CarriedKeyResult.objects.filter(
            copy__objective__period=target, source__objective__period=source
        ).values_list("source__objective_id", flat=True)
    )
    result = CarryResult(target=target)
    for row in board.objectives:
        objective = row.objective
        open_rows = [k for k in row.key_results if _unfinished(k)]
        if objective.pk in already:
            result.skipped.append(f"{objective} (already carried into {target.slug})")
            continue
        if row.key_results and not open_rows:
            continue
        copy = _objective_copy(objective, target)
        result.objectives.append(copy)
        for kr_row in open_rows:
            result.key_results.append(_key_result_copy(kr_row, copy, target, actor))
    result.packets = _move_packets(result.key_results)
    scores.refresh([copy.pk for copy in result.objectives])
    return result


def _objective_copy(objective: Objective, target: Period) -> Objective:
    code = objective.code
    if code and Objective.objects.filter(team=objective.team, period=target, code=code).exists():
        code = ""
    return Objective.objects.create(
        team=objective.team,
        period=target,
        code=code,
        title=objective.title,
        description=objective.description,
        owner=objective.owner,
        commitment=objective.commitment,
        weight=objective.weight,
        order=objective.order,
        state=ObjectiveState.DRAFT,
        visibility=objective.visibility,
        illustrative=objective.illustrative,
    )


def _key_result_copy(
    row: KeyResultRow, objective: Objective, target: Period, actor: AbstractBaseUser | None
) -> KeyResult:
    old = row.key_result
    last = row.score.value
    milestone = old.direction == Direction.MILESTONE
    baseline = old.baseline if last is None or milestone else last
    copy = KeyResult(
        objective=objective,
        code=old.code,
        title=old.title,
        direction=old.direction,
        baseline=baseline,
        target=old.target,
        target_high=old.target_high,
        stretch=old.stretch,
        unit=old.unit,
        weight=old.weight,
        owner_id=old.owner_id,
        order=old.order,
        measure_kind=old.measure_kind,
        measure_params=old.measure_params,
        cadence=old.cadence,
    )
    copy.full_clean(exclude=["owner"])
    copy.save()
    CarriedKeyResult.objects.create(source=old, copy=copy, last_value=last)
    source = KeyResultSource.objects.filter(key_result=old).first()
    if source is not None:
        source.pk, source.key_result = None, copy
        source.save()
    if milestone and last:
        start = dt.datetime.combine(target.start, dt.time(), tzinfo=timezone.get_current_timezone())
        checkin_create(
            key_result=copy,
            value=last,
            author=actor,
            note=f"Carried over from {old.objective.period.slug}.",
            at=start,
            source=CheckInSource.IMPORT,
        )
    return copy


def _move_packets(copies: list[KeyResult]) -> int:
    """Open packets that moved a carried key result now also move its copy."""
    carried = {
        c.source_id: c.copy
        for c in CarriedKeyResult.objects.filter(copy__in=copies).select_related("copy")
    }
    packets = (
        WorkPacket.objects.filter(status__in=OPEN_STATUSES, key_results__in=list(carried))
        .distinct()
        .select_related("team")
        .prefetch_related("key_results__objective")
    )
    moved = 0
    for packet in packets:
        linked = list(packet.key_results.all())
        extra = [carried[k.pk] for k in linked if k.pk in carried]
        packet_update(packet=packet, actor=None, key_results=[*linked, *extra])
        moved += 1
    return moved
