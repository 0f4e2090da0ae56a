"""Scores kept on write: each key result's latest value, confidence, progress and grade, and each
objective's grade, progress, lowest confidence and "N of M measured", rolled up the alignment
graph from the key results that changed.

The services of `okrs.goals` (and the measures) call these inside the transaction of the change,
so the kept scores are never seen out of step with the history. `recompute` derives the same
values from the history alone; `okrs scores verify` compares the two and `--repair` writes them.
Status depends on the day, so it is not kept: readers compute it per row shown.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Count,
    F,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from okrs.core.charts import GRADE_BUCKETS
from okrs.core.pacing import EXPECTED_FINAL_GRADE, grade
from okrs.core.rollup import Measured, objective_score
from okrs.core.scoring import progress
from okrs.goals.graph import scores_above
from okrs.goals.models import (
    Alignment,
    CheckIn,
    KeyResult,
    Objective,
    ObjectiveState,
    Reach,
    TeamRollup,
    reach,
)
from okrs.goals.rows import Statement, update_from, update_from_sql, update_rows

KR_KEPT = ("kept_value", "kept_confidence", "kept_at", "kept_progress", "kept_grade")
OBJECTIVE_KEPT = ("kept_grade", "kept_progress", "kept_confidence", "kept_measured", "kept_total")
#: ids per `IN (...)` of a query: PostgreSQL takes at most 65,535 parameters, SQLite 250,000
ID_SLICE = 10_000


def _scored(kr: KeyResult, value: float | None) -> tuple[float | None, float | None]:
    measured = progress(kr.rule, value)
    return measured, grade(measured)


def keep_checkin(key_result: KeyResult, checkin: CheckIn) -> bool:
    """Keep `checkin` as the key result's latest unless a later one is kept already (by time;
    at the same time the later written wins): one conditional UPDATE, so a stale `key_result`
    or a concurrent check-in never puts an older value back. Returns whether it was kept; the
    caller then rolls the objective up."""
    progress_, grade_ = _scored(key_result, checkin.value)
    kept = {
        "kept_value": checkin.value,
        "kept_confidence": checkin.confidence,
        "kept_at": checkin.at,
        "kept_progress": progress_,
        "kept_grade": grade_,
    }
    updated = (
        KeyResult.objects.filter(pk=key_result.pk)
        .filter(Q(kept_at__isnull=True) | Q(kept_at__lte=checkin.at))
        .update(**kept)
    )
    if updated:
        for name, value in kept.items():
            setattr(key_result, name, value)
    return bool(updated)


def rescore(key_result: KeyResult) -> None:
    """Score the kept value again under the key result's (changed) rule: one UPDATE."""
    key_result.kept_progress, key_result.kept_grade = _scored(key_result, key_result.kept_value)
    KeyResult.objects.filter(pk=key_result.pk).update(
        kept_progress=key_result.kept_progress, kept_grade=key_result.kept_grade
    )


def _latest(
    key_result_ids: Iterable[int] | None,
) -> dict[int, tuple[float, float | None, dt.datetime]]:
    """The latest check-in (value, confidence, time) inside its period of each key result (all
    of them for None), by time then key."""
    # a check-in dated after its period counts nowhere (the services refuse one; older data or an
    # import may hold one)
    latest = CheckIn.objects.filter(
        key_result=OuterRef("pk"), at__date__lte=OuterRef("objective__period__end")
    ).order_by("-at", "-id")
    annotated = KeyResult.objects.annotate(
        v=Subquery(latest.values("value")[:1]),
        c=Subquery(latest.values("confidence")[:1]),
        t=Subquery(latest.values("at")[:1]),
    ).values_list("pk", "v", "c", "t")
    if key_result_ids is None:
        parts = [annotated]
    else:
        # in slices: a database takes a bounded number of parameters (PostgreSQL 65,535)
        ids = list(key_result_ids)
        parts = [
            annotated.filter(pk__in=ids[i : i + ID_SLICE]) for i in range(0, len(ids), ID_SLICE)
        ]
    return {pk: (v, c, t) for rows in parts for pk, v, c, t in rows if t is not None}


def refresh_key_results(key_results: Iterable[KeyResult]) -> list[KeyResult]:
    """Recompute the kept scores of `key_results` from their history and rules and write those
    that changed; returns the key results given (their kept fields set)."""
    krs = list(key_results)
    _write_changed(krs, _latest(kr.pk for kr in krs))
    return krs


def _write_changed(
    krs: list[KeyResult], latest: dict[int, tuple[float, float | None, dt.datetime]]
) -> None:
    """Set the kept fields of `krs` from their `latest` check-ins and write those that changed."""
    changed = []
    for kr in krs:
        value, confidence, at = latest.get(kr.pk, (None, None, None))
        kept = (value, confidence, at, *_scored(kr, value))
        if tuple(getattr(kr, name) for name in KR_KEPT) != kept:
            for name, new in zip(KR_KEPT, kept, strict=True):
                setattr(kr, name, new)
            changed.append(kr)
    update_rows(
        KeyResult, KR_KEPT, {kr.pk: [getattr(kr, name) for name in KR_KEPT] for kr in changed}
    )


@dataclass(frozen=True)
class ObjectiveKept:
    grade: float | None
    progress: float | None
    confidence: float | None
    measured: Measured

    def fields(self) -> tuple[float | None, float | None, float | None, int, int]:
        return (self.grade, self.progress, self.confidence, *self._counts())

    def _counts(self) -> tuple[int, int]:
        return self.measured.measured, self.measured.total


def roll_up(objective_ids: Iterable[int]) -> dict[int, ObjectiveKept]:
    """Roll the kept key result scores up from `objective_ids` through everything they
    contribute to, children first, and write the objectives whose kept scores changed: one
    read (`graph.scores_above`) and one UPDATE. Archived objectives do not contribute; archived
    key results do not count."""
    ids = list(objective_ids)
    above = scores_above(ids)
    if not above.affected:
        keep_team_rollups(objectives=ids, emptied=False)
        return {}
    links = {
        pk: [(child, weight) for child, weight, _, _ in rows]
        for pk, rows in above.contributors.items()
    }
    outside = {
        child: (g, p)
        for rows in above.contributors.values()
        for child, _, g, p in rows
        if child not in above.affected
    }
    result: dict[int, ObjectiveKept] = {}
    for pk in _children_first(above.affected, links):
        contributors = []
        for child, weight in links.get(pk, ()):
            done = result.get(child)
            g, p = (
                (done.grade, done.progress)
                if done is not None
                else outside.get(child, (None, None))
            )
            contributors.append((g, p, weight))
        own = above.own.get(pk, [])
        confidences = [c for _, _, _, c in own if c is not None]
        g, p = objective_score([(g, p, w) for w, g, p, _ in own], contributors)
        result[pk] = ObjectiveKept(
            grade=g,
            progress=p,
            confidence=min(confidences) if confidences else None,
            measured=Measured.of(g for _, g, _, _ in own),
        )
    # written without reading them first: one UPDATE for every objective rolled up
    update_rows(Objective, OBJECTIVE_KEPT, {pk: kept.fields() for pk, kept in result.items()})
    keep_team_rollups(objectives=result, emptied=False)
    return result


def _children_first(affected: set[int], links: dict[int, list[tuple[int, float]]]) -> list[int]:
    """`affected` ordered so that every contributor in it comes before what it contributes to
    (the alignment service refuses cycles)."""
    order: list[int] = []
    done: set[int] = set()

    def visit(pk: int, path: set[int]) -> None:
        if pk in done or pk in path:
            return
        path.add(pk)
        for child, _ in links.get(pk, ()):
            if child in affected:
                visit(child, path)
        path.discard(pk)
        done.add(pk)
        order.append(pk)

    for pk in sorted(affected):
        visit(pk, set())
    return order


def refresh(objective_ids: Iterable[int]) -> None:
    """Recompute the kept scores of the objectives' key results from their history, then roll
    them up (and their teams' rollups, made first where missing): what a bulk write (an
    import, a copy) calls once at its end."""
    ids = list(objective_ids)
    ensure_team_rollups(
        Objective.objects.filter(pk__in=ids).values_list("team_id", "period_id").distinct()
    )
    refresh_key_results(KeyResult.objects.filter(objective_id__in=ids))
    roll_up(ids)


# --- the teams' rollups, kept in parts (`TeamRollup`) ---------------------------------------

PARTS = (
    (Reach.PUBLIC, False),
    (Reach.PUBLIC, True),
    (Reach.REVIEW, False),  # an objective in review is not archived
    (Reach.TEAM, False),
    (Reach.TEAM, True),
)
"""The parts of a team's rollup in a period: a reach, and whether archived."""


def bucket_filters(path: str = "") -> list[Q]:
    """`GRADE_BUCKETS` as filters on a key result's kept grade (at `path`): each range includes
    its lower bound, the last also its upper one (kept grades lie in [0, 1])."""
    last = len(GRADE_BUCKETS) - 1
    field = f"{path}kept_grade"
    return [
        Q(**{f"{field}__gte": low})
        if i == last
        else Q(**{f"{field}__gte": low, f"{field}__lt": high})
        for i, (low, high) in enumerate(GRADE_BUCKETS)
    ]


def _archived(path: str = "") -> Case:
    return Case(
        When(Q(**{f"{path}state": ObjectiveState.ARCHIVED}), then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )


def _objective_sums() -> dict[str, Any]:
    """The `TeamRollup` columns over a part's objectives, as aggregates."""
    graded = Q(kept_grade__isnull=False)
    return {
        "weighted": Sum(F("kept_grade") * F("weight"), filter=graded),
        "weights": Sum("weight", filter=graded),
        "low": Min("kept_grade"),
        "high": Max("kept_grade"),
        "measured": Coalesce(Sum("kept_measured"), 0),
        "total": Coalesce(Sum("kept_total"), 0),
        "objectives": Count("pk"),
    }


def _kr_sums() -> dict[str, Any]:
    """The `TeamRollup` columns over a part's key results (not archived), as aggregates."""
    sums: dict[str, Any] = {}
    for commitment, expected in EXPECTED_FINAL_GRADE.items():
        of = Q(objective__commitment=commitment.value)
        sums[f"{commitment.value}_krs"] = Count("pk", filter=of)
        sums[f"{commitment.value}_graded"] = Count("kept_grade", filter=of)
        sums[f"{commitment.value}_grades"] = Sum("kept_grade", filter=of)
        # a hair below: a grade computed as 0.7 may be stored a bit under it
        sums[f"{commitment.value}_reached"] = Count(
            "pk", filter=of & Q(kept_grade__gte=expected - 1e-9)
        )
    for i, bucket in enumerate(bucket_filters()):
        sums[f"bucket_{i}"] = Count("pk", filter=bucket)
    return sums


PART_COLUMNS = (*_objective_sums(), *_kr_sums())
"""The kept columns of a `TeamRollup` part."""

PART_KEY = {"team": "k_team", "period": "k_period", "reach": "k_reach", "archived": "k_archived"}
"""A part's key (`TeamRollup` field → the column the grouped reads name it)."""


def _grouped(rows: QuerySet, path: str, sums: dict[str, Any]) -> QuerySet:
    """`rows` (objectives, or key results with `path` "objective__") summed per part."""
    return (
        rows.order_by()
        .annotate(
            k_team=F(f"{path}team_id"),
            k_period=F(f"{path}period_id"),
            k_reach=reach(path),
            k_archived=_archived(path),
        )
        .values(*PART_KEY.values())
        .annotate(**sums)
    )


def _part_sources(where: Q) -> tuple[QuerySet, QuerySet]:
    """The parts' columns summed from the objectives `where` selects and their key results
    (not archived): two grouped reads, a row per part that has objectives (or key results)."""
    objectives = Objective.objects.filter(where)
    key_results = KeyResult.objects.filter(archived=False, objective__in=objectives)
    return (
        _grouped(objectives, "", _objective_sums()),
        _grouped(key_results, "objective__", _kr_sums()),
    )


def _recomputed_parts() -> dict[tuple[Any, ...], dict[str, Any]]:
    """Every part's columns aggregated again from the objectives' and key results' kept
    scores (the two grouped reads): what `verify` compares the kept parts with."""
    found: dict[tuple[Any, ...], dict[str, Any]] = defaultdict(dict)
    for rows in _part_sources(Q()):
        for row in rows:
            found[tuple(row.pop(column) for column in PART_KEY.values())].update(row)
    return found


def ensure_team_rollups(pairs: Iterable[tuple[int, int]]) -> None:
    """Make the (empty) parts of each (team, period) in `pairs` where they are missing; what a
    write that adds an objective to a team's period does before the parts are kept."""
    TeamRollup.objects.bulk_create(
        [
            TeamRollup(team_id=team, period_id=period, reach=part_reach, archived=archived)
            for team, period in set(pairs)
            for part_reach, archived in PARTS
        ],
        ignore_conflicts=True,
    )


def keep_team_rollups(
    *,
    objectives: Iterable[int] = (),
    pairs: Iterable[tuple[int, int]] = (),
    teams: Iterable[int] = (),
    emptied: bool = True,
) -> int:
    """Recompute the parts of the teams' rollups of the periods `objectives` (keys) lie in,
    of the (team, period) `pairs`, and of every period of `teams`, from their objectives' and
    key results' kept scores: one UPDATE (`rows.update_from`; a check-in's fifth statement).
    `emptied`: the write may have emptied a part (an objective changed state, visibility or
    period), so the parts are cleared first, one more UPDATE; a change of scores alone
    (`roll_up`) moves no objective between parts. Returns the parts written."""
    ids, pairs, teams = sorted(set(objectives)), set(pairs), list(teams)
    if not (ids or pairs or teams):
        return 0
    if ids and not (pairs or teams or emptied):
        # a roll-up's (every check-in's): the statement the ORM built once for as many ids
        return _parts_of_objectives(connection.vendor, len(ids)).run(ids)
    return _write_parts(_of_objectives(ids, pairs, teams), emptied=emptied)


def _of_objectives(ids: list[int], pairs: set[tuple[int, int]], teams: list[int]) -> Q:
    """The objectives (or parts) of the periods of objectives `ids`, of `pairs` and of every
    period of `teams`: one filter for both, since both have a team and a period."""
    where = Q(pk__in=[])
    if ids:
        # their teams in their periods (an index each; a correlated EXISTS had SQLite read
        # every objective); the objectives of one change lie in one period
        of = Objective.objects.filter(pk__in=ids)
        where |= Q(team_id__in=of.values("team_id"), period_id__in=of.values("period_id"))
    for team, period in pairs:
        where |= Q(team_id=team, period_id=period)
    if teams:
        where |= Q(team_id__in=teams)
    return where


@functools.lru_cache(maxsize=64)
def _parts_of_objectives(vendor: str, count: int) -> Statement:
    """The UPDATE of the parts of the periods of `count` objectives (`update_from_sql`) as the
    ORM builds it, to run with their keys. Built once a process for each count: building it
    took 6.4 ms of a check-in's 8.9 ms of CPU, and a check-in runs it every time
    (docs/performance.md, fourteenth session). `vendor`: the database's kind, whose SQL it is."""
    return Statement.build(
        lambda keys: update_from_sql(
            TeamRollup, PART_KEY, *_part_sources(_of_objectives(keys, set(), []))
        ),
        count,
    )


def _write_parts(where: Q, *, emptied: bool) -> int:
    if emptied:
        empty = {name: TeamRollup._meta.get_field(name).get_default() for name in PART_COLUMNS}
        TeamRollup.objects.filter(where).update(**empty)
    return update_from(TeamRollup, PART_KEY, *_part_sources(where))


@dataclass(frozen=True)
class Disagreement:
    kind: str  # "key result", "objective" or "team rollup"
    pk: int
    field: str
    kept: object
    recomputed: object


def verify(*, repair: bool = False) -> list[Disagreement]:
    """Recompute every kept score from the history and compare; with `repair`, write the
    recomputed values. Returns what disagreed (empty when the kept scores are right)."""
    found: list[Disagreement] = []
    krs = list(KeyResult.objects.all())
    before = {kr.pk: tuple(getattr(kr, name) for name in KR_KEPT) for kr in krs}
    latest = _latest(None)
    for kr in krs:
        value, confidence, at = latest.get(kr.pk, (None, None, None))
        kept = (value, confidence, at, *_scored(kr, value))
        for name, old, new in zip(KR_KEPT, before[kr.pk], kept, strict=True):
            if not _same(old, new):
                found.append(Disagreement("key result", kr.pk, name, old, new))
    if repair:
        _write_changed(krs, latest)
    objectives = list(Objective.objects.values_list("pk", *OBJECTIVE_KEPT))
    kept_objectives = {row[0]: row[1:] for row in objectives}
    recomputed = _recompute_objectives(set(kept_objectives), repair=repair)
    for pk, fields in kept_objectives.items():
        new = recomputed[pk].fields()
        for name, old, value in zip(OBJECTIVE_KEPT, fields, new, strict=True):
            if not _same(old, value):
                found.append(Disagreement("objective", pk, name, old, value))
    found.extend(_verify_parts(repair=repair))
    return found


def _verify_parts(*, repair: bool) -> list[Disagreement]:
    """Compare every kept team rollup part with its objectives' and key results' kept scores
    (already repaired, with `repair`); with `repair`, make the missing parts and write all."""
    found: list[Disagreement] = []
    expected = _recomputed_parts()
    empty = {name: TeamRollup._meta.get_field(name).get_default() for name in PART_COLUMNS}
    kept = {
        (row["team_id"], row["period_id"], row["reach"], row["archived"]): row
        for row in TeamRollup.objects.values(
            "pk", "team_id", "period_id", "reach", "archived", *PART_COLUMNS
        )
    }
    for part in sorted(set(expected) | set(kept)):
        row = kept.get(part)
        if row is None:
            found.append(Disagreement("team rollup", part[0], f"part {part[1:]}", None, "missing"))
            continue
        for name in PART_COLUMNS:
            value = expected.get(part, empty).get(name, empty[name])
            if not _same(row[name], value):
                found.append(Disagreement("team rollup", row["pk"], name, row[name], value))
    if repair:
        rebuild_team_rollups()
    return found


def rebuild_team_rollups() -> int:
    """Make every team's missing parts and write every part: after a bulk load, a repair, or
    the migration that made them."""
    ensure_team_rollups(Objective.objects.values_list("team_id", "period_id").distinct().order_by())
    return _write_parts(Q(), emptied=True)


def _recompute_objectives(ids: set[int], *, repair: bool) -> dict[int, ObjectiveKept]:
    """Every objective's kept scores from the key results' history (not their kept fields):
    the key results are scored from their latest check-in here, then rolled up."""
    latest = _latest(None)
    own: dict[int, list[tuple[float | None, float | None, float]]] = defaultdict(list)
    confidences: dict[int, list[float]] = defaultdict(list)
    for kr in KeyResult.objects.filter(archived=False):
        value, confidence, _ = latest.get(kr.pk, (None, None, None))
        p, g = _scored(kr, value)
        own[kr.objective_id].append((g, p, kr.weight))
        if confidence is not None:
            confidences[kr.objective_id].append(confidence)
    links: dict[int, list[tuple[int, float]]] = defaultdict(list)
    for child, parent, weight in Alignment.objects.exclude(
        child__state=ObjectiveState.ARCHIVED
    ).values_list("child_id", "parent_id", "weight"):
        links[parent].append((child, weight))
    result: dict[int, ObjectiveKept] = {}
    for pk in _children_first(ids, links):
        contributors = [
            (result[c].grade, result[c].progress, w) for c, w in links.get(pk, ()) if c in result
        ]
        g, p = objective_score(own.get(pk, []), contributors)
        result[pk] = ObjectiveKept(
            grade=g,
            progress=p,
            confidence=min(confidences[pk]) if confidences.get(pk) else None,
            measured=Measured.of(row[0] for row in own.get(pk, [])),
        )
    if repair:
        changed = []
        for objective in Objective.objects.only(*OBJECTIVE_KEPT).iterator(chunk_size=2000):
            if objective.pk not in ids:
                continue
            fields = result[objective.pk].fields()
            if tuple(getattr(objective, n) for n in OBJECTIVE_KEPT) != fields:
                for name, new in zip(OBJECTIVE_KEPT, fields, strict=True):
                    setattr(objective, name, new)
                changed.append(objective)
        update_rows(
            Objective,
            OBJECTIVE_KEPT,
            {o.pk: [getattr(o, name) for name in OBJECTIVE_KEPT] for o in changed},
        )
    return result


def _same(a: object, b: object) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))
    return a == b
