"""Property-based tests (hypothesis) for the invariants of okrs.core."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from okrs.core.pacing import EXPECTED_FINAL_GRADE, Commitment, expected_progress
from okrs.core.rollup import rollup_groups, rollup_objectives, weighted_mean
from okrs.core.scoring import Direction, KeyResultRule, RuleError, grade, progress

# Bounded, finite numbers keep the arithmetic meaningful (no overflow to infinity).
numbers = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
weights = st.floats(min_value=1e-3, max_value=1e3, allow_nan=False, allow_infinity=False)
grades = st.floats(min_value=0.0, max_value=1.0)


gaps = st.floats(min_value=1e-3, max_value=1e6)


@st.composite
def rules_of(draw: st.DrawFn, direction: Direction) -> KeyResultRule:
    """A valid rule of the given direction, built directly (no filtering)."""
    if direction is Direction.MILESTONE:
        return KeyResultRule(direction)
    baseline = draw(numbers)
    if direction is Direction.INCREASE:
        return KeyResultRule(direction, baseline=baseline, target=baseline + draw(gaps))
    if direction is Direction.DECREASE:
        return KeyResultRule(direction, baseline=baseline, target=baseline - draw(gaps))
    target = draw(numbers)
    if direction is Direction.RANGE:
        high = target + draw(st.one_of(st.just(0.0), gaps))
        return KeyResultRule(direction, baseline=baseline, target=target, target_high=high)
    return KeyResultRule(direction, baseline=baseline, target=target)


any_rules = st.sampled_from(Direction).flatmap(rules_of)
increase_rules = rules_of(Direction.INCREASE)
decrease_rules = rules_of(Direction.DECREASE)


# --- scoring --------------------------------------------------------------------------------


@given(any_rules, numbers)
def test_grade_is_always_within_zero_one(rule: KeyResultRule, value: float) -> None:
    g = grade(progress(rule, value))
    assert g is not None
    assert 0.0 <= g <= 1.0


@given(st.floats(allow_nan=False))
def test_grade_clamps_any_progress(p: float) -> None:
    g = grade(p)
    assert 0.0 <= g <= 1.0
    if 0.0 <= p <= 1.0:
        assert g == p


@given(st.one_of(increase_rules, decrease_rules))
def test_progress_is_zero_at_baseline_and_one_at_target(rule: KeyResultRule) -> None:
    assert rule.target is not None
    assert progress(rule, rule.baseline) == 0.0
    assert progress(rule, rule.target) == 1.0


@given(increase_rules, numbers, numbers)
def test_increase_progress_is_monotonic_in_the_value(
    rule: KeyResultRule, a: float, b: float
) -> None:
    low, high = sorted((a, b))
    p_low, p_high = progress(rule, low), progress(rule, high)
    assert p_low is not None and p_high is not None
    assert p_low <= p_high


@given(decrease_rules, numbers, numbers)
def test_decrease_progress_is_monotonic_in_the_value(
    rule: KeyResultRule, a: float, b: float
) -> None:
    low, high = sorted((a, b))
    p_low, p_high = progress(rule, low), progress(rule, high)
    assert p_low is not None and p_high is not None
    assert p_low >= p_high


@given(st.sampled_from([Direction.AT_LEAST, Direction.AT_MOST]).flatmap(rules_of), numbers, numbers)
def test_at_least_and_at_most_are_monotonic_too(rule: KeyResultRule, a: float, b: float) -> None:
    low, high = sorted((a, b))
    p_low, p_high = progress(rule, low), progress(rule, high)
    assert p_low is not None and p_high is not None
    if rule.direction is Direction.AT_LEAST:
        assert p_low <= p_high
    else:
        assert p_low >= p_high


@given(rules_of(Direction.RANGE), numbers, numbers)
def test_range_progress_peaks_inside_the_range(rule: KeyResultRule, a: float, b: float) -> None:
    assert rule.target is not None and rule.target_high is not None
    low, high = sorted((a, b))
    p_low, p_high = progress(rule, low), progress(rule, high)
    assert p_low is not None and p_high is not None
    if high <= rule.target:  # both below the range: closer is better
        assert p_low <= p_high
    if low >= rule.target_high:  # both above the range: closer is better
        assert p_low >= p_high
    if rule.target <= low <= rule.target_high:
        assert p_low == 1.0
    assert p_low <= 1.0 and p_high <= 1.0


@given(numbers, numbers, numbers, numbers, numbers)
def test_rule_construction_either_fails_with_rule_error_or_scores(
    baseline: float, target: float, high: float, stretch: float, value: float
) -> None:
    for direction in Direction:
        try:
            rule = KeyResultRule(
                direction, baseline=baseline, target=target, target_high=high, stretch=stretch
            )
        except RuleError as error:
            assert error.field in {"baseline", "target", "target_high", "stretch"}
            continue
        g = grade(progress(rule, value))
        assert g is not None and 0.0 <= g <= 1.0


# --- pacing --------------------------------------------------------------------------------

dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1))


@given(dates, st.integers(min_value=-30, max_value=400), dates, dates, st.sampled_from(Commitment))
def test_expected_progress_is_monotonic_in_the_date_and_bounded(
    start: date, length: int, a: date, b: date, commitment: Commitment
) -> None:
    deadline = start + timedelta(days=length)
    earlier, later = sorted((a, b))
    final = EXPECTED_FINAL_GRADE[commitment]
    e_earlier, e_later = (
        expected_progress(start=start, deadline=deadline, on=on, commitment=commitment)
        for on in (earlier, later)
    )
    assert 0.0 <= e_earlier <= e_later <= final
    assert expected_progress(
        start=start, deadline=deadline, on=deadline, commitment=commitment
    ) == (final)


# --- rollups --------------------------------------------------------------------------------


@given(st.lists(st.tuples(st.one_of(st.none(), numbers), weights), max_size=20))
def test_weighted_mean_lies_between_min_and_max(items: list[tuple[float | None, float]]) -> None:
    present = [value for value, _ in items if value is not None]
    mean = weighted_mean(items)
    if not present:
        assert mean is None
    else:
        assert mean is not None
        assert min(present) <= mean <= max(present)


@given(numbers, st.lists(weights, min_size=1, max_size=20))
def test_weighted_mean_of_identical_values_is_that_value(value: float, ws: list[float]) -> None:
    assert weighted_mean([(value, w) for w in ws]) == value


@st.composite
def dags(draw: st.DrawFn) -> tuple[int, dict[int, list[tuple[int, float]]]]:
    """A random acyclic contributes-to graph: objective i may only take contributors < i."""
    n = draw(st.integers(min_value=1, max_value=30))
    contributions: dict[int, list[tuple[int, float]]] = {}
    for parent in range(1, n):
        children = draw(st.lists(st.integers(min_value=0, max_value=parent - 1), max_size=4))
        if children:
            contributions[parent] = [(child, draw(weights)) for child in children]
    return n, contributions


@given(dags(), grades, st.data())
def test_rollup_of_identical_values_returns_that_value(
    dag: tuple[int, dict[int, list[tuple[int, float]]]], value: float, data: st.DataObject
) -> None:
    n, contributions = dag
    with_krs = data.draw(st.sets(st.integers(min_value=0, max_value=n - 1)))
    own = {k: [(value, data.draw(weights))] for k in with_krs}
    result = rollup_objectives(own, contributions)
    for key, rolled in result.items():
        reaches_data = key in with_krs or any(
            result[child] is not None for child, _ in contributions.get(key, [])
        )
        assert rolled == (value if reaches_data else None)


@given(dags(), st.data())
def test_rollup_lies_between_the_smallest_and_largest_kr_value(
    dag: tuple[int, dict[int, list[tuple[int, float]]]], data: st.DataObject
) -> None:
    n, contributions = dag
    own = {k: [(data.draw(grades), data.draw(weights))] for k in range(n)}
    result = rollup_objectives(own, contributions)
    values = [pairs[0][0] for pairs in own.values()]
    assert all(r is not None and min(values) <= r <= max(values) for r in result.values())


@given(
    st.dictionaries(st.integers(0, 50), st.tuples(grades, weights), min_size=1),
    grades,
)
def test_rollup_groups_of_identical_values_returns_that_value(
    values: dict[int, tuple[float, float]], value: float
) -> None:
    same = {k: (value, w) for k, (_, w) in values.items()}
    result = rollup_groups(same, {k: k % 3 for k in values})
    assert set(result.values()) == {value}
