"""Rollups: weighted means of grades (or progress, or expected progress) up the tree.

Pure rules, no Django. An objective's grade is the weighted mean of its key results'
grades and of the rolled-up grades of the objectives that contribute to it; a team's is
the weighted mean of its objectives'.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

K = TypeVar("K", bound=Hashable)
G = TypeVar("G", bound=Hashable)

WeightedValue = tuple[float | None, float]
"""A (value, weight) pair; a None value means "no data" and is left out."""


class CycleError(ValueError):
    """Objectives contribute to each other in a cycle; ``cycle`` lists them in order.

    Each member of ``cycle`` contributes to the next, and the last to the first.
    """

    def __init__(self, cycle: Sequence[Hashable]) -> None:
        self.cycle: tuple[Hashable, ...] = tuple(cycle)
        chain = " -> ".join(repr(k) for k in (*self.cycle, self.cycle[0]))
        super().__init__(f"objectives contribute to each other in a cycle: {chain}")


def counted(value: float | None) -> float:
    """A key result's grade (or progress) as its objective counts it: no value yet counts as 0,
    so an objective is never graded on its measured key results alone."""
    return 0.0 if value is None else value


@dataclass(frozen=True, slots=True)
class Measured:
    """How many key results have a value (``measured``) out of how many count (``total``)."""

    measured: int = 0
    total: int = 0

    def __post_init__(self) -> None:
        if not 0 <= self.measured <= self.total:
            raise ValueError(f"measured: must be within 0 and {self.total}, got {self.measured}")

    def __add__(self, other: Measured) -> Measured:
        return Measured(self.measured + other.measured, self.total + other.total)

    def __str__(self) -> str:
        return f"{self.measured} of {self.total} measured"

    @classmethod
    def of(cls, values: Iterable[float | None]) -> Measured:
        """The count of ``values`` (one per key result) that are not None."""
        items = list(values)
        return cls(sum(value is not None for value in items), len(items))

    @classmethod
    def total_of(cls, parts: Iterable[Measured]) -> Measured:
        """The sum of ``parts`` (an objective's, a team's, a period's key results)."""
        result = cls()
        for part in parts:
            result = result + part
        return result


KeptRow = tuple[float | None, float | None, float]
"""(grade, progress, weight) of a key result, or of a contributing objective (link weight)."""


def objective_score(
    own: Sequence[KeptRow], contributors: Sequence[KeptRow]
) -> tuple[float | None, float | None]:
    """An objective's (grade, progress): the weighted mean over its own key results, a key
    result without a value counting as 0, and its contributing objectives' (grade, progress),
    each with its link weight, one without a value left out. (None, None) when nothing counts.

    The same arithmetic as ``rollup_columns`` for one objective, so a graph rolled up one
    objective at a time, children first, gives what a whole-graph rollup gives."""
    rows: list[tuple[tuple[float | None, float | None], float]] = [
        ((counted(grade), counted(progress)), weight) for grade, progress, weight in own
    ]
    rows += [((grade, progress), weight) for grade, progress, weight in contributors]
    grade, progress = _column_means(rows, range(2))
    return grade, progress


def weighted_mean(items: Iterable[WeightedValue]) -> float | None:
    """Return the weighted mean of the (value, weight) pairs, ignoring None values.

    Rule: every weight must be a finite number > 0 and every value finite (ValueError
    otherwise, also for weights paired with None); None when no value is left. The
    result always lies within the smallest and largest value, and equals the value
    exactly when all values are the same.
    """
    values: list[float] = []
    weights: list[float] = []
    for value, weight in items:
        if not 0.0 < weight < _INF:  # also refuses NaN, which compares false
            _check_weight(weight)
        if value is None:
            continue
        if not -_INF < value < _INF:
            raise ValueError(f"value: must be a finite number, got {value!r}")
        values.append(value)
        weights.append(weight)
    return _mean_of(values, weights)


def _mean_of(values: list[float], weights: list[float]) -> float | None:
    """The weighted mean of checked values and weights, None without any."""
    if not values:
        return None
    mean = math.fsum(map(operator.mul, values, weights)) / math.fsum(weights)
    # Float rounding can land a hair outside [min, max] (or off a repeated value): clamp.
    return min(max(mean, min(values)), max(values))


def mean_of_sums(
    weighted: float | None, weights: float | None, low: float | None, high: float | None
) -> float | None:
    """The weighted mean from sums a database computed: ``weighted`` (the sum of value times
    weight) over ``weights`` (the sum of the weights), over the values that are not None, whose
    smallest and largest are ``low`` and ``high``. None without any value (``weights`` None or
    0). Clamped to [``low``, ``high``] as ``weighted_mean`` clamps its result."""
    if weighted is None or not weights or low is None or high is None:
        return None
    return min(max(weighted / weights, low), high)


_INF = math.inf


def _check_weight(weight: float) -> None:
    """Raise ValueError unless ``weight`` is a finite number > 0."""
    if not (math.isfinite(weight) and weight > 0):
        raise ValueError(f"weight: must be a finite number > 0, got {weight!r}")


def rollup_objectives(
    own: Mapping[K, Sequence[WeightedValue]],
    contributions: Mapping[K, Sequence[tuple[K, float]]],
) -> dict[K, float | None]:
    """Roll values up the contributes-to graph of objectives.

    ``own[k]`` holds the (value, weight) pairs of objective ``k``'s key results;
    ``contributions[parent]`` lists (child, link weight) for the objectives that
    contribute to ``parent``. Rule: an objective's value is the weighted mean over its
    own KRs and its contributing objectives' rolled-up values (each with its link
    weight); None when none of them has a value. Works alike for grades, progress or
    expected progress. Every objective named anywhere gets a result. A contribution
    cycle raises CycleError naming its objectives. Each objective is computed once, in
    topological order, so the cost is linear in objectives + KRs + links.
    """
    columns = {key: [((value,), weight) for value, weight in pairs] for key, pairs in own.items()}
    return {key: values[0] for key, values in rollup_columns(columns, contributions, 1).items()}


def rollup_columns(
    own: Mapping[K, Sequence[tuple[Sequence[float | None], float]]],
    contributions: Mapping[K, Sequence[tuple[K, float]]],
    width: int,
) -> dict[K, tuple[float | None, ...]]:
    """``rollup_objectives`` of ``width`` values at once (say grade, progress and expected
    progress), walking the graph once.

    ``own[k]`` holds (values, weight) for each of objective ``k``'s key results, ``values``
    being ``width`` numbers (or None) that share the weight. Rule: position ``i`` of the
    result is exactly what ``rollup_objectives`` gives for the pairs (values[i], weight);
    the positions do not mix.
    """
    result: dict[K, tuple[float | None, ...]] = {}
    positions = range(width)
    for key in _children_first(_all_objectives(own, contributions), contributions):
        rows = [*own.get(key, ()), *((result[c], w) for c, w in contributions.get(key, ()))]
        result[key] = _column_means(rows, positions)
    return result


def _column_means(
    rows: Sequence[tuple[Sequence[float | None], float]], positions: range
) -> tuple[float | None, ...]:
    """``weighted_mean`` of each position of the rows, the same arithmetic in the same order
    (so the same floats), with each weight checked once rather than once a position: the
    period pages roll up a thousand objectives three columns wide."""
    for _, weight in rows:
        if not 0.0 < weight < _INF:
            _check_weight(weight)
    means: list[float | None] = []
    for position in positions:
        values: list[float] = []
        weights: list[float] = []
        for row, weight in rows:
            value = row[position]
            if value is None:
                continue
            if not -_INF < value < _INF:
                raise ValueError(f"value: must be a finite number, got {value!r}")
            values.append(value)
            weights.append(weight)
        means.append(_mean_of(values, weights))
    return tuple(means)


def _all_objectives(
    own: Mapping[K, Sequence[object]],
    contributions: Mapping[K, Sequence[tuple[K, float]]],
) -> list[K]:
    """Every objective named in ``own`` or ``contributions``, first-seen order, no repeats."""
    named: dict[K, None] = dict.fromkeys(own)
    for parent, links in contributions.items():
        named[parent] = None
        for child, _ in links:
            named[child] = None
    return list(named)


def _children_first(
    objectives: Iterable[K], contributions: Mapping[K, Sequence[tuple[K, float]]]
) -> list[K]:
    """Order the objectives so every contributor comes before what it contributes to.

    Iterative depth-first search (no recursion limit on long chains); raises CycleError
    on a cycle.
    """
    done: set[K] = set()
    order: list[K] = []
    for root in objectives:
        if root in done:
            continue
        path: list[K] = [root]
        on_path: set[K] = {root}
        pending: list[Iterator[tuple[K, float]]] = [iter(contributions.get(root, ()))]
        while pending:
            for child, _ in pending[-1]:
                if child in on_path:
                    raise CycleError(_cycle_from(path, child))
                if child not in done:
                    path.append(child)
                    on_path.add(child)
                    pending.append(iter(contributions.get(child, ())))
                    break
            else:
                pending.pop()
                node = path.pop()
                on_path.discard(node)
                done.add(node)
                order.append(node)
    return order


def _cycle_from(path: Sequence[K], child: K) -> list[K]:
    """The cycle closed by ``child``, in contributes-to order (each contributes to the next).

    ``path`` runs from a parent down to its contributors, so the cycle is its tail from
    ``child`` on, reversed.
    """
    return list(reversed(path[path.index(child) :]))


def rollup_groups(
    values: Mapping[K, WeightedValue], group_of: Mapping[K, G]
) -> dict[G, float | None]:
    """Return the weighted mean of the values per group (objective -> team -> organization).

    ``values[k]`` is (value, weight) for member ``k``; ``group_of[k]`` its group. Rule:
    every group named in ``group_of`` gets a result, None when none of its members has a
    value; a member of ``values`` without a group raises KeyError.
    """
    members: dict[G, list[WeightedValue]] = {group: [] for group in group_of.values()}
    for key, pair in values.items():
        if key not in group_of:
            raise KeyError(f"no group for {key!r}")
        members[group_of[key]].append(pair)
    return {group: weighted_mean(pairs) for group, pairs in members.items()}
