"""Pure rules: heartbeat splitting and task-list parsing."""

from __future__ import annotations

import datetime as dt
import itertools

from hypothesis import given
from hypothesis import strategies as st

from okrs.core.calendar import split_period
from okrs.core.tasklist import Task, parse_tasks

D = dt.date


@given(
    start=st.dates(min_value=D(2000, 1, 1), max_value=D(2030, 1, 1)),
    days=st.integers(min_value=14, max_value=400),
    weeks=st.sampled_from([2, 3]),
)
def test_split_covers_the_period_without_gaps_or_overlaps(
    start: dt.date, days: int, weeks: int
) -> None:
    end = start + dt.timedelta(days=days)
    spans = split_period(period_start=start, period_end=end, weeks=weeks)
    assert spans[0].start == start and spans[-1].end == end
    for a, b in itertools.pairwise(spans):
        assert b.start == a.end + dt.timedelta(days=1)
    for span in spans:
        assert 7 <= (span.end - span.start).days + 1 < weeks * 7 + 7


def test_task_lines_with_owner_and_due_date() -> None:
    body = "\n".join(
        [
            "Intro text",
            "- [ ] Draft the guidelines (@alice, Due: 2017-02-10)",
            "- [x] Ask the council (Due: Feb 3)",
            "* [ ] Translate (Konstantina Papadea, Due: 3 March 2017)",
            "- [ ] Plain task (not an owner trailer)",
            "- not a task",
        ]
    )
    assert parse_tasks(body, default_year=2017) == [
        Task("Draft the guidelines", False, "alice", D(2017, 2, 10)),
        Task("Ask the council", True, "", D(2017, 2, 3)),
        Task("Translate", False, "Konstantina Papadea", D(2017, 3, 3)),
        Task("Plain task (not an owner trailer)", False),
    ]


def test_a_bad_due_date_keeps_the_parentheses_in_the_text() -> None:
    assert parse_tasks("- [ ] Ship (bob, Due: someday)", default_year=2017) == [
        Task("Ship (bob, Due: someday)", False)
    ]
