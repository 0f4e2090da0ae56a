"""Example tests for okrs.core.rollup: weighted means, contributes-to rollups, groups."""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence

import pytest
from hypothesis import given
from hypothesis import strategies as st

from okrs.core.rollup import (
    CycleError,
    rollup_columns,
    rollup_groups,
    rollup_objectives,
    weighted_mean,
)

# --- weighted mean --------------------------------------------------------------------------


def test_weighted_mean_weighs_values() -> None:
    assert weighted_mean([(1.0, 3.0), (0.0, 1.0)]) == pytest.approx(0.75)
    assert weighted_mean([(0.2, 1.0), (0.6, 1.0)]) == pytest.approx(0.4)


def test_weighted_mean_ignores_none_values() -> None:
    assert weighted_mean([(None, 100.0), (0.5, 1.0)]) == 0.5


@pytest.mark.parametrize("items", [[], [(None, 1.0)], [(None, 1.0), (None, 2.0)]])
def test_weighted_mean_of_nothing_is_none(items: list[tuple[float | None, float]]) -> None:
    assert weighted_mean(items) is None


@pytest.mark.parametrize("weight", [0.0, -1.0, float("inf"), float("nan")])
def test_weighted_mean_rejects_bad_weights_even_without_value(weight: float) -> None:
    with pytest.raises(ValueError, match="weight"):
        weighted_mean([(0.5, 1.0), (0.2, weight)])
    with pytest.raises(ValueError, match="weight"):
        weighted_mean([(None, weight)])


def test_weighted_mean_accepts_a_generator() -> None:
    assert weighted_mean((v, 1.0) for v in (0.0, 1.0)) == 0.5


def test_weighted_mean_of_identical_values_is_exact() -> None:
    # Plain sum(v * w) / sum(w) gives -0.7312715117751974 here (float rounding).
    value = -0.7312715117751976
    assert weighted_mean([(value, 2.5514351883684774), (value, 4.954855435832318)]) == value


def test_weighted_mean_never_leaves_min_max_through_rounding() -> None:
    # Plain sum(v * w) / sum(w) gives -0.2399701561985767 here, above the largest value.
    low, high = -0.23997015619857676, -0.23997015619857673
    items = [(low, 8.918002788825046), (low, 5.258001938691137), (high, 5.605543099903963)]
    mean = weighted_mean(items)
    assert mean is not None and low <= mean <= high


# --- rollup of objectives -------------------------------------------------------------------


def test_objective_without_contributors_is_its_krs_weighted_mean() -> None:
    result = rollup_objectives({"o": [(1.0, 2.0), (0.4, 1.0)]}, {})
    assert result == {"o": pytest.approx(0.8)}


def test_contributions_count_with_their_link_weight() -> None:
    own = {"parent": [(1.0, 1.0)], "child": [(0.0, 1.0)]}
    result = rollup_objectives(own, {"parent": [("child", 3.0)]})
    assert result["child"] == 0.0
    assert result["parent"] == pytest.approx(0.25)  # (1*1 + 0*3) / 4


def test_contributes_to_chain_rolls_up_transitively() -> None:
    # Reps -> Community Development -> Mozilla, each level with its own KR too.
    own = {"mozilla": [(1.0, 1.0)], "cdt": [(0.5, 1.0)], "reps": [(0.2, 1.0), (0.4, 1.0)]}
    contributions = {"mozilla": [("cdt", 1.0)], "cdt": [("reps", 1.0)]}
    result = rollup_objectives(own, contributions)
    assert result["reps"] == pytest.approx(0.3)
    assert result["cdt"] == pytest.approx(0.4)  # mean(0.5, 0.3)
    assert result["mozilla"] == pytest.approx(0.7)  # mean(1.0, 0.4)


def test_objective_with_only_contributors_and_unknown_child() -> None:
    # "top" has no KRs of its own, "ghost" is only named as a contributor.
    own = {"a": [(0.6, 1.0)]}
    result = rollup_objectives(own, {"top": [("a", 1.0), ("ghost", 1.0)]})
    assert result == {"a": pytest.approx(0.6), "top": pytest.approx(0.6), "ghost": None}


def test_objective_without_any_data_is_none_and_ignored_above() -> None:
    own: dict[str, list[tuple[float | None, float]]] = {"a": [(None, 1.0)], "b": [(0.9, 1.0)]}
    result = rollup_objectives(own, {"top": [("a", 5.0), ("b", 1.0)]})
    assert result["a"] is None
    assert result["top"] == pytest.approx(0.9)


def test_diamond_counts_the_shared_contributor_on_both_paths() -> None:
    #      top
    #     /   \
    #   left  right
    #     \   /
    #     base
    own = {"base": [(1.0, 1.0)], "left": [(0.0, 1.0)], "right": [(0.5, 1.0)]}
    contributions = {
        "top": [("left", 1.0), ("right", 1.0)],
        "left": [("base", 1.0)],
        "right": [("base", 1.0)],
    }
    result = rollup_objectives(own, contributions)
    assert result["left"] == pytest.approx(0.5)
    assert result["right"] == pytest.approx(0.75)
    assert result["top"] == pytest.approx(0.625)
    assert result["base"] == 1.0


def test_link_weight_must_be_positive() -> None:
    with pytest.raises(ValueError, match="weight"):
        rollup_objectives({"a": [(1.0, 1.0)]}, {"top": [("a", 0.0)]})


def test_self_contribution_is_a_cycle() -> None:
    with pytest.raises(CycleError) as caught:
        rollup_objectives({"a": [(1.0, 1.0)]}, {"a": [("a", 1.0)]})
    assert caught.value.cycle == ("a",)


def test_cycle_names_its_objectives_in_contributes_to_order() -> None:
    # c contributes to b, b to a, a to c; "top" and "leaf" are outside the cycle.
    contributions = {
        "top": [("a", 1.0)],
        "a": [("b", 1.0)],
        "b": [("c", 1.0), ("leaf", 1.0)],
        "c": [("a", 1.0)],
    }
    with pytest.raises(CycleError) as caught:
        rollup_objectives({"leaf": [(1.0, 1.0)]}, contributions)
    cycle = caught.value.cycle
    assert set(cycle) == {"a", "b", "c"}
    assert isinstance(caught.value, ValueError)
    # Each member contributes to the next (and the last to the first).
    for contributor, receiver in zip(cycle, cycle[1:] + cycle[:1], strict=True):
        assert contributor in [child for child, _ in contributions[str(receiver)]]
    message = str(caught.value)
    assert "cycle" in message
    for name in ("'a'", "'b'", "'c'"):
        assert name in message
    assert "'top'" not in message and "'leaf'" not in message


def test_long_chain_does_not_hit_the_recursion_limit() -> None:
    n = 5_000
    own = {0: [(0.5, 1.0)]}
    contributions = {i: [(i - 1, 1.0)] for i in range(1, n)}
    result = rollup_objectives(own, contributions)
    assert len(result) == n
    assert result[n - 1] == 0.5


class CountingMapping(Mapping[int, Sequence[tuple[int, float]]]):
    """A mapping that counts lookups, to check each objective is computed once."""

    def __init__(self, data: dict[int, list[tuple[int, float]]]) -> None:
        self.data = data
        self.lookups = 0

    def __getitem__(self, key: int) -> list[tuple[int, float]]:
        self.lookups += 1
        return self.data[key]

    def __iter__(self) -> Iterator[int]:
        return iter(self.data)

    def __len__(self) -> int:
        return len(self.data)


def test_rollup_is_memoised_on_a_ladder_of_diamonds() -> None:
    # 40 stacked diamonds: 2**40 paths from the top to the bottom; without memoising
    # this would never finish.
    levels = 40
    contributions: dict[int, list[tuple[int, float]]] = {}
    for level in range(levels):
        top, left, right, bottom = 3 * level, 3 * level + 1, 3 * level + 2, 3 * level + 3
        contributions[top] = [(left, 1.0), (right, 1.0)]
        contributions[left] = [(bottom, 1.0)]
        contributions[right] = [(bottom, 1.0)]
    counting = CountingMapping(contributions)
    result = rollup_objectives({3 * levels: [(0.25, 1.0)]}, counting)
    assert result[0] == 0.25
    assert len(result) == 3 * levels + 1
    assert counting.lookups <= 3 * len(result)


def test_rollup_of_2000_objectives() -> None:
    # A tree: 2,000 objectives, each contributing to objective i // 4.
    n = 2_000
    own = {i: [(float(i % 2), 1.0), (0.5, 1.0)] for i in range(n)}
    contributions: dict[int, list[tuple[int, float]]] = {}
    for i in range(1, n):
        contributions.setdefault(i // 4, []).append((i, 1.0))
    result = rollup_objectives(own, contributions)
    assert len(result) == n
    assert all(v is not None and 0.0 <= v <= 1.0 for v in result.values())


# --- rollup of groups ----------------------------------------------------------------------


def test_rollup_groups_weighted_mean_per_group() -> None:
    values = {"o1": (1.0, 1.0), "o2": (0.0, 3.0), "o3": (0.6, 1.0), "o4": (None, 1.0)}
    group_of = {"o1": "reps", "o2": "reps", "o3": "cdt", "o4": "cdt", "o5": "empty"}
    result = rollup_groups(values, group_of)
    assert result == {"reps": pytest.approx(0.25), "cdt": pytest.approx(0.6), "empty": None}


def test_rollup_groups_chains_objective_team_organization() -> None:
    teams = rollup_groups({"o1": (1.0, 1.0), "o2": (0.5, 1.0)}, {"o1": "t1", "o2": "t2"})
    orgs = rollup_groups({t: (v, 1.0) for t, v in teams.items()}, {"t1": "org", "t2": "org"})
    assert orgs == {"org": pytest.approx(0.75)}


def test_rollup_groups_member_without_group_is_an_error() -> None:
    with pytest.raises(KeyError, match="o9"):
        rollup_groups({"o9": (1.0, 1.0)}, {})


VALUE = st.one_of(st.none(), st.floats(-10, 10, allow_nan=False))
WEIGHT = st.floats(0.1, 5, allow_nan=False)


@given(
    data=st.data(),
    size=st.integers(1, 8),
)
def test_rollup_columns_is_weighted_mean_of_each_column_up_the_graph(data, size: int) -> None:  # type: ignore[no-untyped-def]
    """Each position of `rollup_columns` is the weighted mean of that position over an
    objective's own rows and its contributors' rolled-up values, computed here by recursion
    with `weighted_mean` itself; the positions do not mix."""
    own = {
        k: data.draw(st.lists(st.tuples(st.tuples(VALUE, VALUE, VALUE), WEIGHT), max_size=4))
        for k in range(size)
    }
    contributions: dict[int, list[tuple[int, float]]] = {}
    for parent in range(size):
        children = data.draw(st.lists(st.integers(0, parent - 1), unique=True)) if parent else []
        contributions[parent] = [(child, data.draw(WEIGHT)) for child in children]
    rolled = rollup_columns(own, contributions, 3)

    def reference(key: int, position: int) -> float | None:
        pairs = [(values[position], weight) for values, weight in own[key]]
        pairs += [(reference(child, position), weight) for child, weight in contributions[key]]
        return weighted_mean(pairs)

    assert rolled == {k: tuple(reference(k, i) for i in range(3)) for k in range(size)}


def test_rollup_columns_refuses_a_value_that_is_not_finite() -> None:
    with pytest.raises(ValueError, match="value: must be a finite number"):
        rollup_columns({"a": [((1.0, math.nan), 1.0)]}, {}, 2)
