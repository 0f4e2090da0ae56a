"""okrs.core.paging: pages of whole teams, bounded by teams and by objectives."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from okrs.core.paging import page_of_groups, pages_of_groups


def test_pages_close_on_the_group_limit() -> None:
    sizes = [(t, 1) for t in "abcdefg"]
    assert pages_of_groups(sizes, max_groups=3, max_items=99) == [
        ["a", "b", "c"],
        ["d", "e", "f"],
        ["g"],
    ]


def test_pages_close_on_the_item_limit() -> None:
    sizes = [("a", 10), ("b", 10), ("c", 10), ("d", 3), ("e", 20)]
    assert pages_of_groups(sizes, max_groups=5, max_items=25) == [
        ["a", "b"],
        ["c", "d"],
        ["e"],
    ]


def test_a_group_larger_than_a_page_gets_a_page_of_its_own_and_is_not_split() -> None:
    sizes = [("a", 2), ("big", 40), ("b", 2)]
    assert pages_of_groups(sizes, max_groups=5, max_items=25) == [["a"], ["big"], ["b"]]


def test_no_groups_no_pages_and_bad_limits_are_refused() -> None:
    assert pages_of_groups([], max_groups=5, max_items=25) == []
    with pytest.raises(ValueError, match="max_groups"):
        pages_of_groups([("a", 1)], max_groups=0, max_items=25)
    with pytest.raises(ValueError, match="size of 'a'"):
        pages_of_groups([("a", -1)], max_groups=1, max_items=25)


@given(
    sizes=st.lists(st.integers(min_value=0, max_value=40), max_size=40),
    max_groups=st.integers(min_value=1, max_value=8),
    max_items=st.integers(min_value=1, max_value=50),
)
def test_pages_keep_every_group_once_in_order_within_both_limits(
    sizes: list[int], max_groups: int, max_items: int
) -> None:
    groups = list(enumerate(sizes))
    pages = pages_of_groups(groups, max_groups=max_groups, max_items=max_items)
    assert [g for page in pages for g in page] == [g for g, _ in groups]
    for number, page in enumerate(pages):
        assert 1 <= len(page) <= max_groups
        items = sum(sizes[g] for g in page)
        assert items <= max_items or len(page) == 1
        if number + 1 < len(pages):  # greedy: the next page's first group did not fit
            following = pages[number + 1][0]
            assert len(page) == max_groups or items + sizes[following] > max_items


def test_page_of_groups_numbers_and_positions() -> None:
    sizes = [(t, 10) for t in "abcde"]
    second = page_of_groups(sizes, "2", max_groups=5, max_items=25)
    assert second.groups == ["c", "d"]
    assert (second.number, second.num_pages, second.first, second.last, second.count) == (
        2,
        3,
        3,
        4,
        5,
    )
    assert second.has_previous and second.has_next
    assert (second.previous_page_number, second.next_page_number) == (1, 3)


@pytest.mark.parametrize(("asked", "number"), [(None, 1), ("x", 1), ("0", 1), (-3, 1), ("99", 3)])
def test_page_numbers_out_of_range_or_not_numbers(asked: object, number: int) -> None:
    page = page_of_groups([(t, 10) for t in "abcde"], asked, max_groups=5, max_items=25)
    assert page.number == number


def test_no_groups_is_one_empty_page() -> None:
    page = page_of_groups([], 3, max_groups=5, max_items=25)
    assert (page.number, page.num_pages, page.groups, page.first, page.last, page.count) == (
        1,
        1,
        [],
        0,
        0,
        0,
    )
    assert not page.has_previous and not page.has_next
