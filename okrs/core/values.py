"""The one check of the values every entry accepts (forms, the API, files, datasets, syncs).

A value passes only if both databases store it and read it back the same: SQLite would keep a
NUL character, an integer past 64 bits or a time before the year 1 in UTC, and PostgreSQL
refuses the first, overflows on the second and stores the third as a year its driver cannot
read back. So every entry refuses them the same way, with a message saying what is wrong:

- days and times from the year MIN_YEAR to MAX_YEAR, the time in UTC too (an offset moves
  0001-01-01T00:00:00+05:00 into the year 0);
- integers within the column's range (INT32 for an `IntegerField`, INT64 for a big one);
- finite numbers (no NaN, no infinity);
- text without NUL characters;
- JSON that is strict (no NaN or Infinity, no number too large for a float) and nested at most
  MAX_JSON_DEPTH deep.

Each check returns the value or raises ValueError; `check_value` checks any of them, inside
lists and dicts too.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Mapping
from typing import Any

MIN_YEAR = 1900
MAX_YEAR = 9999
INT32 = (-(2**31), 2**31 - 1)
INT64 = (-(2**63), 2**63 - 1)
MAX_JSON_DEPTH = 32

_FIRST_DAY = dt.date(MIN_YEAR, 1, 1)
_LAST_DAY = dt.date(MAX_YEAR, 12, 31)
_RANGE = f"years {MIN_YEAR} to {MAX_YEAR}"


def check_day(value: dt.date) -> dt.date:
    if not _FIRST_DAY <= value <= _LAST_DAY:
        raise ValueError(f"out of range ({_RANGE}): {value.isoformat()}")
    return value


def check_moment(value: dt.datetime) -> dt.datetime:
    """A time within the range as written and in UTC. A naive time is read in the site's time
    zone, at most a day from UTC: on the range's first or last day it is refused, as it may be
    outside the range in UTC."""
    if not _FIRST_DAY <= value.date() <= _LAST_DAY:
        raise ValueError(f"out of range ({_RANGE}): {value.isoformat()}")
    if value.tzinfo is not None and value.utcoffset() is not None:
        try:
            utc = value.astimezone(dt.UTC)
        except OverflowError:
            utc = None
        if utc is None or not MIN_YEAR <= utc.year <= MAX_YEAR:
            raise ValueError(f"out of range ({_RANGE} in UTC): {value.isoformat()}")
    elif value.date() in (_FIRST_DAY, _LAST_DAY):
        raise ValueError(f"out of range ({_RANGE} in any time zone): {value.isoformat()}")
    return value


def check_int(value: int, bounds: tuple[int, int] = INT64) -> int:
    low, high = bounds
    if not low <= value <= high:
        raise ValueError(f"out of range ({low} to {high}): {value}")
    return value


def check_number(value: float) -> float:
    if not math.isfinite(value):
        raise ValueError(f"must be a finite number, got {value!r}")
    return value


def check_text(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain a NUL character")
    return value


def check_value(value: Any, depth: int = 0) -> Any:
    """`value` if it and everything inside it passes the check of its type (bools as they are,
    integers as INT64); raises ValueError naming the problem."""
    if depth > MAX_JSON_DEPTH:
        raise ValueError(f"nested more than {MAX_JSON_DEPTH} deep")
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, str):
        return check_text(value)
    if isinstance(value, int):
        return check_int(value)
    if isinstance(value, float):
        return check_number(value)
    if isinstance(value, dt.datetime):
        return check_moment(value)
    if isinstance(value, dt.date):
        return check_day(value)
    if isinstance(value, Mapping):
        for key, inner in value.items():
            check_value(key, depth + 1)
            check_value(inner, depth + 1)
    elif isinstance(value, list | tuple | set | frozenset):
        for inner in value:
            check_value(inner, depth + 1)
    return value


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _finite_float(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise ValueError(f"the number {text[:40]} is too large")
    return number


def strict_decoder() -> json.JSONDecoder:
    """A decoder that refuses NaN, Infinity and numbers beyond a float (see `loads_json` for
    the depth)."""
    return json.JSONDecoder(parse_constant=_refuse_constant, parse_float=_finite_float)


def json_depth_ok(text: str | bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether the brackets of a JSON text nest at most `limit` deep (strings skipped), counted
    before decoding, so no decoder recurses on a hostile text."""
    data = text.encode() if isinstance(text, str) else text
    depth, in_string, escaped = 0, False, False
    for byte in data:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            if depth > limit:
                return False
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return True


def loads_json(text: str | bytes, limit: int = MAX_JSON_DEPTH) -> Any:
    """Strict JSON: ValueError (json.JSONDecodeError is one) for malformed text, NaN or
    Infinity, a number beyond a float, or nesting deeper than `limit`."""
    if not json_depth_ok(text, limit):
        raise ValueError(f"JSON nested more than {limit} deep")
    if isinstance(text, bytes):
        text = text.decode("utf-8")
    return strict_decoder().decode(text)
