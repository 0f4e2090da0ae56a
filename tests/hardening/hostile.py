"""Hostile values for the property tests of every entry (tests/hardening/test_hostile_values.py)
and the two things each test asserts besides "no server error": the verdict `okrs.core.values`
gives (engine-independent, so the same on SQLite and PostgreSQL), and that a refused write
leaves every table's row count as it was."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from django.apps import apps
from django.db import connection
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from okrs.core import values

SETTINGS = settings(
    max_examples=12,  # each test says how many it runs (`examples`); the set stays under a minute
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def examples(count: int) -> settings:
    return settings(SETTINGS, max_examples=count)


# Values as a person types them into a form or a file writes them, by kind. BAD ones must be
# refused at every entry; the others may be accepted (then they read back equal) or refused by a
# rule of the domain, never with a server error.
BAD: dict[str, list[str]] = {
    "day": ["0001-01-01", "1899-12-31", "0999-06-15", "0001-01-01T00:00:00"],
    "moment": [
        "0001-01-01T00:00:00+05:00",
        "1900-01-01T00:00:00+05:00",
        "9999-12-31T23:00:00-05:00",
        "0001-01-01 00:00",
        "1899-12-31T23:59:59Z",
    ],
    "number": ["nan", "NaN", "inf", "-inf", "Infinity", "1e309", "-1e309"],
    "int": ["2147483648", "-2147483649", str(2**63), str(2**70)],
    "text": ["a\x00b", "\x00", "x" * 3 + "\x00"],
}
PLAIN: dict[str, list[str]] = {
    "day": ["1900-01-01", "2017-01-20", "9999-12-30", "2017-02-30", "10000-01-01", "", "x"],
    "moment": ["2017-01-20T10:00", "2017-01-20T10:00:00+01:00", "1900-01-02T00:00:00Z", ""],
    "number": ["0", "-1.5", "1e308", "1e-300", "42", "", "1,5"],
    "int": ["0", "2147483647", "-2147483648", "7", ""],
    "text": ["", "plain", "<script>alert(1)</script>", "é" * 40, "\u202e", "'; DROP TABLE x; --"],
}


def raw_values(kind: str) -> st.SearchStrategy[str]:
    plain = st.sampled_from(PLAIN[kind])
    if kind == "text":
        plain = st.one_of(plain, st.text(max_size=40))
    return st.one_of(st.sampled_from(BAD[kind]), plain)


def refused_by_values(kind: str, raw: str) -> bool:
    """Whether `okrs.core.values` refuses what `raw` means (a value that does not even parse is
    not its business: other checks refuse it)."""
    if raw in BAD[kind]:
        return True
    return kind == "text" and "\x00" in raw


# JSON values for API bodies and payloads: NaN, infinities and a number beyond a float are
# written as raw JSON text (`RAW`), since json.dumps cannot write 1e309.
RAW_NUMBER = "__raw__"
DEEP: list[Any] = ["deep"]
for _ in range(values.MAX_JSON_DEPTH + 4):
    DEEP = [DEEP]
HOSTILE_JSON: list[Any] = [
    float("nan"),
    float("inf"),
    RAW_NUMBER + "1e309",
    2**63,
    2**70,
    -(2**63) - 1,
    "a\x00b",
    "0001-01-01T00:00:00+05:00",
    "9999-12-31T23:30:00-05:00",
    "0001-01-01",
    "1899-12-31",
    DEEP,
    0,
    "5",
    True,
    None,
    "",
    "x" * 600,
    {"nested": "\x00"},
]


def json_text(body: Any) -> str:
    """`body` as JSON text; NaN and infinities as Python writes them, RAW_NUMBER strings as the
    number they carry."""
    import json

    text = json.dumps(body, allow_nan=True)
    for marker in (v for v in HOSTILE_JSON if isinstance(v, str) and v.startswith(RAW_NUMBER)):
        text = text.replace(json.dumps(marker), marker.removeprefix(RAW_NUMBER))
    return text


def json_refused(value: Any) -> bool:
    """Whether `okrs.core.values` refuses a JSON value wherever it stands."""
    if isinstance(value, str) and value.startswith(RAW_NUMBER):
        return True
    if isinstance(value, float):
        return not math.isfinite(value)
    try:
        values.check_value(value)
    except ValueError:
        return True
    return False


_SKIPPED = {"django_session", "axes_accessattempt", "axes_accesslog", "axes_accessfailurelog"}


def row_counts() -> tuple[int, ...]:
    """The row count of every table of the project, in one query (a refused write changes none;
    sessions and the log-in log are not writes of the entry)."""
    tables = sorted(
        {
            model._meta.db_table
            for model in apps.get_models(include_auto_created=True)
            if model._meta.managed and model._meta.db_table not in _SKIPPED
        }
    )
    quote = connection.ops.quote_name
    sql = "SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {quote(t)})" for t in tables)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return tuple(cursor.fetchone())


def parsed(kind: str, raw: str) -> Any:
    """What a form makes of `raw` (for reading a stored value back)."""
    if kind == "day":
        return dt.date.fromisoformat(raw)
    if kind == "number":
        return float(raw)
    if kind == "int":
        return int(raw)
    return raw.strip()
