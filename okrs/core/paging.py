"""Paging by whole groups: the period overview shows a page of teams, never half a team.

Pure rules, no Django. A page is bounded twice: by the number of groups (teams) and by the
items (objectives) they hold, so that a page stays the same size whatever the data: five
teams of ten objectives each would otherwise make a page of fifty.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)


def pages_of_groups(
    sizes: Sequence[tuple[K, int]], *, max_groups: int, max_items: int
) -> list[list[K]]:
    """Split the groups, in order, into pages of whole groups.

    ``sizes`` lists (group, number of items) in display order. Rule: a page holds at most
    ``max_groups`` groups and at most ``max_items`` items, except that a group with more
    than ``max_items`` items gets a page of its own (a group is never split). Pages fill
    greedily: a page is closed only when the next group would not fit. Every group is on
    exactly one page and the order is kept; no groups, no pages.
    """
    if max_groups < 1 or max_items < 1:
        raise ValueError(f"max_groups and max_items must be >= 1, got {max_groups}, {max_items}")
    pages: list[list[K]] = []
    page: list[K] = []
    items = 0
    for group, size in sizes:
        if size < 0:
            raise ValueError(f"size of {group!r}: must be >= 0, got {size}")
        if page and (len(page) == max_groups or items + size > max_items):
            pages.append(page)
            page, items = [], 0
        page.append(group)
        items += size
    if page:
        pages.append(page)
    return pages


@dataclass(frozen=True)
class GroupPage(Generic[K]):
    """One page of `pages_of_groups`, with what a pager shows: its number of how many, and
    the position of its first and last group among them all (1-based)."""

    number: int
    num_pages: int
    groups: list[K]
    first: int
    last: int
    count: int

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1


def page_of_groups(
    sizes: Sequence[tuple[K, int]], number: object, *, max_groups: int, max_items: int
) -> GroupPage[K]:
    """Page ``number`` of ``pages_of_groups(sizes, ...)``.

    Rule (as a reader typing in the address expects): a number that is not a whole number
    gives the first page, one below 1 the first, one past the end the last. Without groups
    there is one empty page.
    """
    pages = pages_of_groups(sizes, max_groups=max_groups, max_items=max_items) or [[]]
    try:
        wanted = int(str(number))
    except ValueError:
        wanted = 1
    index = min(max(wanted, 1), len(pages)) - 1
    before = sum(len(page) for page in pages[:index])
    groups = pages[index]
    return GroupPage(
        number=index + 1,
        num_pages=len(pages),
        groups=groups,
        first=before + 1 if groups else 0,
        last=before + len(groups),
        count=len(sizes),
    )
