"""Charts as SVG text, drawn on the server: a key result's values over time and a histogram.

Pure functions, no Django. Every chart is an accessible image (``role="img"`` with a
``<title>`` and a ``<desc>`` that says in words what the picture shows), every text is
XML-escaped, and nothing is loaded from elsewhere: the SVG is complete in itself. Colours
come from CSS classes (``okrs/viz.css``) with inline fallbacks, so a chart read without the
stylesheet still makes sense.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final

WIDTH: Final = 640
HEIGHT: Final = 300
LEFT: Final = 64
RIGHT: Final = 24
TOP: Final = 28
BOTTOM: Final = 48

GRADE_BUCKETS: Final = ((0.0, 0.3), (0.3, 0.7), (0.7, 1.0))
"""Grade ranges of the end-of-quarter histogram; each includes its lower bound, the last
also its upper bound (a grade of exactly 1.0)."""


def esc(text: str) -> str:
    """Escape ``text`` for XML element content and double-quoted attribute values: ``&`` first,
    then ``<``, ``>``, ``"`` and ``'``. (Five `str.replace` in C: the alignment map escapes
    50,000 texts at the large benchmark scale, and `xml.sax.saxutils.escape` with entities
    loops over them in Python, 45 ms of the page.)"""
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&#39;")
    )


def number(value: float) -> str:
    """A value for people: thousands separated, at most two decimals, no trailing zeros."""
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def quantity(value: float, unit: str) -> str:
    """A value with its unit (``40%``, ``8.25 NPS``)."""
    text = number(value)
    if not unit:
        return text
    return f"{text}{unit}" if unit == "%" else f"{text} {unit}"


def day_label(day: date) -> str:
    """A short date such as ``Feb 1``."""
    return f"{day:%b} {day.day}"


def long_day(day: date) -> str:
    """A full date such as ``Feb 1, 2017``."""
    return f"{day:%b} {day.day}, {day.year}"


def _f(value: float) -> str:
    """A coordinate with at most two decimals."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering [low, high]: steps of 1, 2 or 5 times a power of ten.

    The first tick is <= ``low`` and the last >= ``high``; about ``count`` ticks in all.
    """
    if not (math.isfinite(low) and math.isfinite(high)):
        raise ValueError(f"ticks need finite bounds, got {low!r} and {high!r}")
    if high < low:
        low, high = high, low
    if high - low <= 1e-9 * max(1.0, abs(low), abs(high)):
        pad = max(1.0, abs(high) * 0.1)
        low, high = low - pad, high + pad
    raw = (high - low) / max(1, count - 1)
    power = 10.0 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1.0, 2.0, 2.5, 5.0, 10.0) if m * power >= raw * (1 - 1e-12))
    first = math.floor(low / step)
    last = math.ceil(high / step)
    return [float(f"{i * step:.12g}") for i in range(first, last + 1)]


@dataclass(frozen=True, slots=True)
class _Frame:
    """Maps dates and values onto the plot area."""

    day0: date
    day1: date
    low: float
    high: float

    def x(self, day: date) -> float:
        span = max(1, (self.day1 - self.day0).days)
        return LEFT + (WIDTH - LEFT - RIGHT) * (day - self.day0).days / span

    def y(self, value: float) -> float:
        span = self.high - self.low
        return TOP + (HEIGHT - TOP - BOTTOM) * (self.high - value) / span


def _month_starts(first: date, last: date) -> list[date]:
    days = []
    day = date(first.year, first.month, 1)
    while day <= last:
        if day >= first:
            days.append(day)
        day = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return days


def _x_ticks(frame: _Frame) -> list[date]:
    """Start, end and the first of each month between, leaving out ticks crowding others."""
    candidates = sorted({frame.day0, frame.day1, *_month_starts(frame.day0, frame.day1)})
    ticks: list[date] = []
    for day in candidates:
        close = ticks and frame.x(day) - frame.x(ticks[-1]) < 56
        if close and day == frame.day1:
            ticks[-1] = day
        elif not close:
            ticks.append(day)
    return ticks


def _describe(
    points: Sequence[tuple[date, float]],
    baseline: float,
    target: float | None,
    target_high: float | None,
    deadline: date,
    unit: str,
) -> str:
    if points:
        day, value = max(points, key=lambda p: p[0])
        latest = f"Latest value {quantity(value, unit)} on {long_day(day)}"
        count = f"{len(points)} check-in{'s' if len(points) != 1 else ''}"
    else:
        latest, count = "No check-in yet", "no values"
    if target is None:
        goal = f"deadline {long_day(deadline)}"
    elif target_high is not None:
        goal = (
            f"target between {quantity(target, unit)} and {quantity(target_high, unit)}"
            f" by {long_day(deadline)}"
        )
    else:
        goal = f"target {quantity(target, unit)} by {long_day(deadline)}"
    return f"{latest}; {goal}; baseline {quantity(baseline, unit)}; {count}."


def kr_chart_svg(
    *,
    points: Sequence[tuple[date, float]],
    baseline: float,
    target: float | None,
    target_high: float | None,
    start: date,
    deadline: date,
    end: date,
    unit: str,
    title: str,
    chart_id: str = "kr-chart",
) -> str:
    """The values of a key result over time against its expected progress, as SVG text.

    The values are a line with a dot per check-in (in date order). The expected-progress
    line runs from ``baseline`` on ``start`` to ``target`` on ``deadline`` (none when
    ``target`` is None); a range's upper bound ``target_high`` shades the band between the
    two bounds. A vertical line marks the deadline. The time axis runs from ``start`` to
    ``end``, widened to take in check-ins outside it; the value axis takes in every value,
    the baseline and the targets. ``chart_id`` keeps element ids unique on a page.
    """
    ordered = sorted(points, key=lambda p: p[0])
    values = [v for _, v in ordered] + [baseline]
    values += [t for t in (target, target_high) if t is not None]
    if not all(math.isfinite(v) for v in values):
        raise ValueError("chart values must be finite numbers")
    day0 = min([start, *(d for d, _ in ordered)])
    day1 = max([end, deadline, *(d for d, _ in ordered)])
    ticks = nice_ticks(min(values), max(values))
    frame = _Frame(
        day0=day0, day1=max(day1, day0 + timedelta(days=1)), low=ticks[0], high=ticks[-1]
    )
    ident = esc(chart_id)
    description = _describe(ordered, baseline, target, target_high, deadline, unit)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart kr-chart" role="img"'
        f' viewBox="0 0 {WIDTH} {HEIGHT}" width="100%"'
        f' aria-labelledby="{ident}-title {ident}-desc" preserveAspectRatio="xMidYMid meet">',
        f'<title id="{ident}-title">{esc(title)}</title>',
        f'<desc id="{ident}-desc">{esc(description)}</desc>',
    ]
    parts += _value_axis(frame, ticks, unit)
    parts += _time_axis(frame)
    if target is not None and target_high is not None:
        parts.append(
            f'<rect class="target-band" fill="#1a7f37" fill-opacity="0.1"'
            f' x="{_f(LEFT)}" y="{_f(frame.y(target_high))}" width="{_f(WIDTH - LEFT - RIGHT)}"'
            f' height="{_f(frame.y(target) - frame.y(target_high))}">'
            f"<title>Target range {esc(quantity(target, unit))}"
            f" to {esc(quantity(target_high, unit))}</title></rect>"
        )
    if target is not None:
        parts.append(
            f'<line class="expected" stroke="#57606a" stroke-dasharray="6 4" stroke-width="2"'
            f' x1="{_f(frame.x(start))}" y1="{_f(frame.y(baseline))}"'
            f' x2="{_f(frame.x(deadline))}" y2="{_f(frame.y(target))}">'
            f"<title>Expected progress: {esc(quantity(baseline, unit))} on"
            f" {esc(long_day(start))} to {esc(quantity(target, unit))} on"
            f" {esc(long_day(deadline))}</title></line>"
        )
    parts += _deadline_marker(frame, deadline)
    parts += _value_line(frame, ordered, unit)
    parts.append("</svg>")
    return "\n".join(parts)


def _value_axis(frame: _Frame, ticks: Sequence[float], unit: str) -> list[str]:
    parts = ['<g class="axis axis-values" font-size="11" fill="#57606a">']
    for tick in ticks:
        y = _f(frame.y(tick))
        parts.append(
            f'<line class="grid" stroke="#d0d7de" x1="{LEFT}" x2="{WIDTH - RIGHT}"'
            f' y1="{y}" y2="{y}"/>'
            f'<text x="{LEFT - 6}" y="{y}" text-anchor="end" dominant-baseline="middle">'
            f"{esc(quantity(tick, unit))}</text>"
        )
    parts.append("</g>")
    return parts


def _time_axis(frame: _Frame) -> list[str]:
    base = HEIGHT - BOTTOM
    parts = [
        '<g class="axis axis-time" font-size="11" fill="#57606a">',
        f'<line stroke="#57606a" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{base}" y2="{base}"/>',
    ]
    for day in _x_ticks(frame):
        x = _f(frame.x(day))
        parts.append(
            f'<line stroke="#57606a" x1="{x}" x2="{x}" y1="{base}" y2="{base + 4}"/>'
            f'<text x="{x}" y="{base + 16}" text-anchor="middle">{esc(day_label(day))}</text>'
        )
    parts.append("</g>")
    return parts


def _deadline_marker(frame: _Frame, deadline: date) -> list[str]:
    x = frame.x(deadline)
    anchor = "end" if x > WIDTH - RIGHT - 80 else "start"
    shift = -4 if anchor == "end" else 4
    return [
        f'<line class="deadline" stroke="#cf222e" stroke-width="1.5" x1="{_f(x)}" x2="{_f(x)}"'
        f' y1="{TOP}" y2="{HEIGHT - BOTTOM}"/>',
        f'<text class="deadline-label" font-size="11" fill="#cf222e" x="{_f(x + shift)}"'
        f' y="{TOP - 8}" text-anchor="{anchor}">Deadline {esc(day_label(deadline))}</text>',
    ]


def _value_line(frame: _Frame, ordered: Sequence[tuple[date, float]], unit: str) -> list[str]:
    if not ordered:
        return [
            f'<text class="no-data" x="{_f((LEFT + WIDTH - RIGHT) / 2)}"'
            f' y="{_f((TOP + HEIGHT - BOTTOM) / 2)}" text-anchor="middle" font-size="13"'
            f' fill="#57606a">No check-in yet</text>'
        ]
    coords = " ".join(f"{_f(frame.x(d))},{_f(frame.y(v))}" for d, v in ordered)
    parts = [
        f'<polyline class="values" fill="none" stroke="#0b5cad" stroke-width="2.5"'
        f' points="{coords}"/>',
        '<g class="points" fill="#0b5cad">',
    ]
    for day, value in ordered:
        parts.append(
            f'<circle class="point" cx="{_f(frame.x(day))}" cy="{_f(frame.y(value))}" r="4">'
            f"<title>{esc(long_day(day))}: {esc(quantity(value, unit))}</title></circle>"
        )
    parts.append("</g>")
    return parts


def grade_buckets(grades: Iterable[float]) -> list[int]:
    """How many grades fall in each of GRADE_BUCKETS (0–0.3, 0.3–0.7, 0.7–1.0).

    Grades are clamped to [0, 1] first; a grade on a boundary counts in the upper bucket.
    """
    counts = [0] * len(GRADE_BUCKETS)
    for raw in grades:
        if not math.isfinite(raw):
            raise ValueError(f"a grade must be a finite number, got {raw!r}")
        grade = min(1.0, max(0.0, raw))
        index = next(
            (i for i, (low, high) in enumerate(GRADE_BUCKETS) if low <= grade < high),
            len(GRADE_BUCKETS) - 1,
        )
        counts[index] += 1
    return counts


def histogram_svg(
    *, bars: Sequence[tuple[str, int]], title: str, chart_id: str = "histogram"
) -> str:
    """A bar chart of labelled counts as SVG text; each bar carries its count as text."""
    if any(count < 0 for _, count in bars):
        raise ValueError("bar counts must not be negative")
    width, height, left, top, bottom = 480, 240, 40, 24, 40
    top_count = max([1, *(count for _, count in bars)])
    step = max(1, math.ceil(top_count / 4))
    ticks = list(range(0, top_count + step, step))
    scale_max = float(ticks[-1])
    plot_h = height - top - bottom
    slot = (width - left - 16) / max(1, len(bars))
    total = sum(count for _, count in bars)
    summary = "; ".join(f"{label}: {count}" for label, count in bars)
    ident = esc(chart_id)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart histogram" role="img"'
        f' viewBox="0 0 {width} {height}" width="100%"'
        f' aria-labelledby="{ident}-title {ident}-desc">',
        f'<title id="{ident}-title">{esc(title)}</title>',
        f'<desc id="{ident}-desc">{esc(f"{total} in all. {summary}.")}</desc>',
        '<g class="axis axis-values" font-size="13" fill="#57606a">',
    ]
    for tick in ticks:
        tick_y = _f(top + plot_h * (1 - tick / scale_max))
        parts.append(
            f'<line class="grid" stroke="#d0d7de" x1="{left}" x2="{width - 16}"'
            f' y1="{tick_y}" y2="{tick_y}"/><text x="{left - 6}" y="{tick_y}" text-anchor="end"'
            f' dominant-baseline="middle">{esc(number(tick))}</text>'
        )
    parts.append("</g>")
    for index, (label, count) in enumerate(bars):
        bar_h = plot_h * count / scale_max
        x = left + slot * index + slot * 0.15
        y = top + plot_h - bar_h
        centre = _f(x + slot * 0.35)
        parts.append(
            f'<g class="bar"><rect class="bar-{index}" fill="#0b5cad" x="{_f(x)}" y="{_f(y)}"'
            f' width="{_f(slot * 0.7)}" height="{_f(bar_h)}"><title>{esc(label)}: {count}'
            f'</title></rect><text class="count" x="{centre}" y="{_f(y - 4)}"'
            f' text-anchor="middle" font-size="15" font-weight="600">{count}</text>'
            f'<text class="label" x="{centre}" y="{height - bottom + 16}" text-anchor="middle"'
            f' font-size="15">{esc(label)}</text></g>'
        )
    parts.append("</svg>")
    return "\n".join(parts)
