"""Task lists as people write them in GitHub issues: `@owner`, dates with a year, numbered items."""

from __future__ import annotations

import datetime as dt

from okrs.core.tasklist import Task, parse_tasks


def test_a_date_with_a_year_is_one_date_not_an_owner() -> None:
    [task] = parse_tasks("- [ ] Plan the meetup (Due: Feb 10, 2018)", default_year=2017)
    assert task == Task("Plan the meetup", False, "", dt.date(2018, 2, 10))


def test_an_owner_and_a_date_with_a_year() -> None:
    body = "- [ ] Plan (@alice, Due: Feb 10, 2018)\n- [x] Book (Due: February 3, 2018, @bob)"
    assert parse_tasks(body, default_year=2017) == [
        Task("Plan", False, "alice", dt.date(2018, 2, 10)),
        Task("Book", True, "bob", dt.date(2018, 2, 3)),
    ]


def test_numbered_items_are_tasks_too() -> None:
    body = "Steps:\n1. [ ] Draft (@alice)\n2. [x] Review (Due: Feb 3)\n10) [ ] Ship\n3. Not a task"
    assert parse_tasks(body, default_year=2017) == [
        Task("Draft", False, "alice", None),
        Task("Review", True, "", dt.date(2017, 2, 3)),
        Task("Ship", False, "", None),
    ]


def test_ordinary_parentheses_stay_text() -> None:
    [task] = parse_tasks("- [ ] Count votes (2018, maybe)", default_year=2017)
    assert task.text == "Count votes (2018, maybe)" and task.owner == "" and task.due is None
