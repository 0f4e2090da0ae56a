"""Task-list lines of an issue body: `- [ ] task (owner, Due: date)` → checklist items.

Items are bulleted (`-`, `*`, `+`) or numbered (`1.`, `2)`), as GitHub renders both as task
lists. The owner and due date in the trailing parentheses are both optional and may come in
either order: `- [x] Draft the guidelines (@alice, Due: 2017-02-10)`, `- [ ] Ask Reps (Due: Feb
3)`, `1. [ ] Book the room (@bob, Due: Feb 10, 2018)`. Dates are ISO (`2017-02-10`), `Feb 10,
2017`, `10 February 2017`, or without a year (`Feb 10`), which then takes `default_year`; the
comma before a year belongs to the date, not between an owner and a date.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_LINE = re.compile(r"^\s*(?:[-*+]|\d{1,9}[.)])\s+\[(?P<mark>[ xX])\]\s+(?P<rest>.+?)\s*$")
_YEAR = re.compile(r"^\d{4}$")
_TRAILER = re.compile(r"^(?P<text>.*?)\s*\((?P<inner>[^()]*)\)\s*$")
_DUE = re.compile(r"^\s*due\s*:?\s*(?P<date>.+?)\s*$", re.IGNORECASE)
_FORMATS_WITH_YEAR = (
    "%Y-%m-%d",
    "%b %d, %Y",
    "%B %d, %Y",
    "%b %d %Y",
    "%B %d %Y",
    "%d %b %Y",
    "%d %B %Y",
)
_FORMATS_NO_YEAR = ("%b %d", "%B %d", "%d %b", "%d %B")


@dataclass(frozen=True)
class Task:
    text: str
    done: bool
    owner: str = ""
    due: dt.date | None = None


def parse_date(raw: str, default_year: int) -> dt.date | None:
    """A date in one of the documented forms, or None when it is not one."""
    cleaned = raw.strip().rstrip(".")
    for fmt in _FORMATS_WITH_YEAR:
        try:
            return dt.datetime.strptime(cleaned, fmt).date()
        except ValueError:
            continue
    for fmt in _FORMATS_NO_YEAR:
        try:
            parsed = dt.datetime.strptime(f"{cleaned} {default_year}", f"{fmt} %Y")
        except ValueError:
            continue
        return parsed.date()
    return None


def _trailer(inner: str, default_year: int) -> tuple[str, dt.date | None] | None:
    """(owner, due) from `owner, Due: date`; None when the parentheses are ordinary text.

    An owner is a login (`@alice`, `alice`) or, next to a due date, a name with spaces.
    """
    due, others = None, []
    parts: list[str] = []
    for piece in (p.strip() for p in inner.split(",")):
        if parts and _YEAR.match(piece) and _DUE.match(parts[-1]):
            parts[-1] = f"{parts[-1]}, {piece}"  # `Due: Feb 10, 2018`: the year is the date's
        else:
            parts.append(piece)
    for part in parts:
        match = _DUE.match(part)
        if match:
            due = parse_date(match.group("date"), default_year)
            if due is None:
                return None
        elif part:
            others.append(part)
    if len(others) > 1:
        return None
    owner = others[0] if others else ""
    if owner and due is None and not (owner.startswith("@") and " " not in owner):
        return None
    return owner.lstrip("@"), due


def parse_tasks(body: str, *, default_year: int) -> list[Task]:
    """Every task-list line of `body`, in order. Other lines are ignored."""
    tasks = []
    for line in body.splitlines():
        match = _LINE.match(line)
        if not match:
            continue
        rest, owner, due = match.group("rest"), "", None
        trailer = _TRAILER.match(rest)
        if trailer:
            parsed = _trailer(trailer.group("inner"), default_year)
            if parsed is not None:
                rest = trailer.group("text")
                owner, due = parsed
        tasks.append(Task(text=rest.strip(), done=match.group("mark") != " ", owner=owner, due=due))
    return tasks
