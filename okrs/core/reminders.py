"""Pure rules of reminders (no Django): when a check-in is due, and whether to remind or flag."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

CADENCE_DAYS = {"weekly": 7, "twice_monthly": 15, "monthly": 30}
IGNORED_BEFORE_FLAG = 3
DIGEST_EVERY = dt.timedelta(days=7)


def interval(cadence: str) -> dt.timedelta:
    return dt.timedelta(days=CADENCE_DAYS.get(cadence, 7))


def is_due(
    *, cadence: str, last_checkin: dt.datetime | None, since: dt.datetime, now: dt.datetime
) -> bool:
    """A check-in is due when a full cadence interval passed since the last one (or since `since`,
    the start of tracking, when there is none)."""
    return now - (last_checkin or since) >= interval(cadence)


class Action(enum.Enum):
    NONE = "none"
    REMIND = "remind"
    FLAG = "flag"


@dataclass(frozen=True)
class Decision:
    action: Action
    ignored: int
    flagged: bool


def decide(
    *,
    due: bool,
    cadence: str,
    now: dt.datetime,
    last_checkin: dt.datetime | None,
    last_reminded: dt.datetime | None,
    ignored: int,
    flagged: bool,
) -> Decision:
    """What to do for one key result.

    A check-in after the last reminder answers it: the count of ignored reminders restarts and
    any flag is lifted. At most one reminder goes out per cadence interval. After three reminders
    in a row went unanswered the key result is flagged (once) instead of reminding again.
    """
    if last_reminded is not None and last_checkin is not None and last_checkin > last_reminded:
        ignored, flagged = 0, False
    if not due:
        return Decision(Action.NONE, ignored, flagged)
    if last_reminded is not None and now - last_reminded < interval(cadence):
        return Decision(Action.NONE, ignored, flagged)
    if ignored >= IGNORED_BEFORE_FLAG:
        return Decision(Action.NONE if flagged else Action.FLAG, ignored, True)
    return Decision(Action.REMIND, ignored + 1, flagged)
