"""Splitting a period into heartbeats: consecutive cycles of a fixed length, never overlapping.

Rule: cycles of `weeks` weeks start on `start` (default: the period's first day) and follow each
other without gaps. A tail shorter than one week is merged into the last cycle; a longer tail
becomes a shorter last cycle. Both dates of a cycle are inclusive.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from okrs.core.messages import Message, gettext_noop

ALLOWED_WEEKS = (2, 3)
_QUARTER = re.compile(r"Q([1-4])\b", re.IGNORECASE)


class CalendarError(ValueError):
    """The requested split cannot be made; the message says why."""


@dataclass(frozen=True)
class Span:
    name: str
    start: dt.date
    end: dt.date


def heartbeat_prefix(period_slug: str) -> str:
    """`Q1` for a period such as `2017-Q1`, else `HB` alone is used as the name stem."""
    match = _QUARTER.search(period_slug)
    return f"Q{match.group(1)}" if match else ""


def split_period(
    *,
    period_start: dt.date,
    period_end: dt.date,
    weeks: int,
    start: dt.date | None = None,
    prefix: str = "",
    first_number: int = 1,
) -> list[Span]:
    """Consecutive heartbeats of `weeks` weeks from `start` to the period's end."""
    if weeks not in ALLOWED_WEEKS:
        raise CalendarError(
            Message(gettext_noop("a heartbeat lasts 2 or 3 weeks, not %(weeks)s"), weeks=weeks)
        )
    if period_start > period_end:
        raise CalendarError(Message(gettext_noop("the period ends before it starts")))
    first = start or period_start
    if not period_start <= first <= period_end:
        raise CalendarError(
            Message(
                gettext_noop(
                    "the first heartbeat must start inside the period (%(start)s to %(end)s)"
                ),
                start=period_start,
                end=period_end,
            )
        )
    length = dt.timedelta(weeks=weeks)
    spans: list[tuple[dt.date, dt.date]] = []
    cursor = first
    while cursor <= period_end:
        end = min(cursor + length - dt.timedelta(days=1), period_end)
        spans.append((cursor, end))
        cursor = end + dt.timedelta(days=1)
    if len(spans) > 1 and (spans[-1][1] - spans[-1][0]).days + 1 < 7:
        last = spans.pop()
        spans[-1] = (spans[-1][0], last[1])
    return [
        Span(name=f"{prefix}HB{first_number + i}", start=s, end=e) for i, (s, e) in enumerate(spans)
    ]
