"""Charts as SVG text, drawn on the server: a key result's values over time, a grade over
time (an objective's, a team's, the period's) and a histogram.

Pure functions, no Django. Every chart is an accessible image (``role="img"`` with a
``<title>`` and a ``<desc>`` that says in words what the picture shows), every text is
XML-escaped, and nothing is loaded from elsewhere: the SVG is complete in itself. Colours
come from CSS classes (``okrs/viz.css``) with inline fallbacks, so a chart read without the
stylesheet still makes sense.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final

from okrs.core.messages import gettext_noop
from okrs.core.pacing import Status

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


def day_label(day: date) -> str:
    """A short date such as ``Feb 1``."""
    return f"{day:%b} {day.day}"


def long_day(day: date) -> str:
    """A full date such as ``Feb 1, 2017``."""
    return f"{day:%b} {day.day}, {day.year}"


def _identity(text: str) -> str:
    return text


def _status_label(status: Status) -> str:
    return status.label


@dataclass(frozen=True, slots=True)
class Words:
    """How a chart speaks to its reader: `gettext` translates a message (marked with
    `gettext_noop` here), the others write a number, a short day ("Feb 1") and a full day
    ("Feb 1, 2017") as the reader's language does, and `status` names a status. The default is
    English, as okrs writes it without Django; `okrs.web.words` gives the reader's."""

    gettext: Callable[[str], str] = _identity
    number: Callable[[float], str] = number
    day: Callable[[date], str] = day_label
    long_day: Callable[[date], str] = long_day
    status: Callable[[Status], str] = _status_label

    def say(self, message: str, **values: object) -> str:
        """`message` (a `%(name)s` template) translated and filled with `values`."""
        return self.gettext(message) % values

    def quantity(self, value: float, unit: str) -> str:
        return quantity(value, unit, self.number, self.gettext)

    def milestone(self, value: float) -> str:
        return self.gettext(milestone_text(value))


ENGLISH: Final = Words()


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
class Size:
    """A chart's drawing size in SVG user units and its text size. A page shows the wide
    drawing on a wide screen and the narrow one on a phone (`responsive`), each at about
    one user unit per CSS pixel, so text keeps its size rather than shrinking with the
    picture."""

    width: int
    height: int
    font: int = 12


WIDE: Final = Size(640, 300)
NARROW: Final = Size(360, 300)

_NARROW_CHARS: Final = frozenset("iljtfr.,:;'!|()[] ")
_WIDE_CHARS: Final = frozenset("MWmw%@—–")


def text_width(text: str, size: float) -> float:
    """A generous estimate of how wide ``text`` is drawn at font ``size`` (in the same unit).

    No font metrics on the server: each character counts as wide as the widest letters of
    common sans-serif fonts of its kind, so a margin sized from it never cuts the text.
    """
    em = 0.0
    for char in text:
        if char in _NARROW_CHARS:
            em += 0.36
        elif char in _WIDE_CHARS:
            em += 0.95
        elif char.isupper():
            em += 0.74
        else:
            em += 0.62
    return em * size


_IRREGULAR: Final = {"person": "people", "child": "children"}
_SINGULAR: Final = {plural: one for one, plural in _IRREGULAR.items()}


def _singular(word: str) -> str:
    lower = word.lower()
    if lower in _SINGULAR:
        return word[: -len(lower)] + _SINGULAR[lower] if word.islower() else _SINGULAR[lower]
    if lower.endswith(("ss", "us", "is")) or not lower.endswith("s"):
        return word
    if lower.endswith("ies") and len(lower) > 4:
        return word[:-3] + "y"
    if lower.endswith(("sses", "shes", "ches", "xes")):
        return word[:-2]
    return word[:-1]


def _plural(word: str) -> str:
    lower = word.lower()
    if lower in _IRREGULAR:
        return _IRREGULAR[lower]
    if lower in _SINGULAR or lower.endswith("s"):
        return word
    if lower.endswith("y") and lower[-2:-1] not in ("a", "e", "i", "o", "u"):
        return word[:-1] + "ies"
    if lower.endswith(("x", "ch", "sh")):
        return word + "es"
    return word + "s"


def unit_for(value: float, unit: str) -> str:
    """``unit`` in the number that suits ``value``: "1 program", "3 programs", "1 person".

    Only a unit whose last word is a word (letters, three or more, not all capitals) is
    inflected: "%", "NPS", "ms", "USD" or "km/h" stay as they are. Plus or minus one takes
    the singular, any other value the plural.
    """
    head, _, last = unit.rpartition(" ")
    if len(last) < 3 or not last.isalpha() or last.isupper():
        return unit
    word = _singular(last) if abs(value) == 1 else _plural(last)
    return f"{head} {word}" if head else word


_RATING: Final = re.compile(r"^(?:/|out of |of )\s*(\d+(?:\.\d+)?)$")
_OF: Final = gettext_noop("%(value)s of %(scale)s")


def quantity(
    value: float,
    unit: str,
    write: Callable[[float], str] = number,
    translate: Callable[[str], str] = _identity,
) -> str:
    """A value with its unit, in the right number (``40%``, ``8.25 NPS``, ``1 program``);
    `write` writes the number (the reader's decimal separator). The unit is the KR's own text,
    inflected by English rules ("program" → "programs") and kept as it is otherwise; a rating's
    scale ("/5", "out of 5") reads "4 of 5" (`translate` says "of" in the reader's language)."""
    text = write(value)
    if not unit:
        return text
    rating = _RATING.match(unit.strip())
    if rating:
        return translate(_OF) % {"value": text, "scale": write(float(rating.group(1)))}
    return f"{text}{unit}" if unit == "%" else f"{text} {unit_for(value, unit)}"


def _plural_count(count: int, noun: str) -> str:
    return f"{count} {unit_for(count, noun)}"


def counted(words: Words, count: int, one: str, many: str) -> str:
    """`count` things in words: `one` for one, `many` otherwise (both `%(count)s` templates;
    the plural of another language follows its translation of `many`)."""
    return words.say(one if count == 1 else many, count=words.number(count))


@dataclass(frozen=True, slots=True)
class _Frame:
    """Maps dates and values onto the plot area ``left..width-right``, ``top..bottom``."""

    day0: date
    day1: date
    low: float
    high: float
    left: float
    right: float
    top: float
    bottom: float

    def x(self, day: date) -> float:
        span = max(1, (self.day1 - self.day0).days)
        return self.left + (self.right - self.left) * (day - self.day0).days / span

    def y(self, value: float) -> float:
        return self.top + (self.bottom - self.top) * (self.high - value) / (self.high - self.low)


def _month_starts(first: date, last: date) -> list[date]:
    days = []
    day = date(first.year, first.month, 1)
    while day <= last:
        if day >= first:
            days.append(day)
        day = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return days


def _x_ticks(frame: _Frame, font: int) -> list[date]:
    """Start, end and the first of each month between, leaving out ticks whose labels would
    touch their neighbour's (the end tick wins over the one before it)."""
    candidates = sorted({frame.day0, frame.day1, *_month_starts(frame.day0, frame.day1)})
    room = text_width("Mmm 30", font) + 8
    ticks: list[date] = []
    for day in candidates:
        close = ticks and frame.x(day) - frame.x(ticks[-1]) < room
        if close and day == frame.day1:
            ticks[-1] = day
        elif not close:
            ticks.append(day)
    return ticks


@dataclass(frozen=True, slots=True)
class _Legend:
    kind: str  # values, expected, band, deadline, today
    text: str


_LEGEND_SAMPLE: Final = 22
_LEGEND_GAP: Final = 18


def _legend_rows(items: Sequence[_Legend], size: Size, left: float) -> list[list[_Legend]]:
    """The legend's items in rows that fit the drawing's width."""
    rows: list[list[_Legend]] = [[]]
    x = left
    for item in items:
        width = _LEGEND_SAMPLE + 6 + text_width(item.text, size.font)
        if rows[-1] and x + width > size.width - 8:
            rows.append([])
            x = left
        rows[-1].append(item)
        x += width + _LEGEND_GAP
    return [row for row in rows if row]


_STROKES: Final = {
    "values": 'stroke="#0b5cad" stroke-width="2.5"',
    "expected": 'stroke="#57606a" stroke-width="2" stroke-dasharray="6 4"',
    "deadline": 'stroke="#cf222e" stroke-width="1.5"',
    "today": 'stroke="#1b1f24" stroke-width="1.5" stroke-dasharray="2 3"',
}


def _draw_legend(rows: list[list[_Legend]], size: Size, left: float, top: float) -> list[str]:
    parts = [f'<g class="legend" font-size="{size.font}" fill="#57606a">']
    for index, row in enumerate(rows):
        y = top + index * (size.font + 8)
        x = left
        for item in row:
            mid = _f(y - size.font * 0.35)
            if item.kind == "band":
                parts.append(
                    f'<rect class="legend-band" fill="#1a7f37" fill-opacity="0.15"'
                    f' x="{_f(x)}" y="{_f(y - size.font * 0.8)}" width="{_LEGEND_SAMPLE}"'
                    f' height="{_f(size.font * 0.9)}"/>'
                )
            else:
                parts.append(
                    f'<line class="legend-{item.kind}" {_STROKES[item.kind]} x1="{_f(x)}"'
                    f' x2="{_f(x + _LEGEND_SAMPLE)}" y1="{mid}" y2="{mid}"/>'
                )
            css = f"{item.kind}-label" if item.kind in ("deadline", "today") else "legend-text"
            parts.append(
                f'<text class="{css}" x="{_f(x + _LEGEND_SAMPLE + 6)}" y="{_f(y)}">'
                f"{esc(item.text)}</text>"
            )
            x += _LEGEND_SAMPLE + 6 + text_width(item.text, size.font) + _LEGEND_GAP
    parts.append("</g>")
    return parts


@dataclass(frozen=True, slots=True)
class _Plot:
    """What a line chart draws: the values, the expected line, an optional target band, the
    value axis's ticks with their labels, and the days marked."""

    css: str
    title: str
    description: str
    chart_id: str
    points: Sequence[tuple[date, float]]
    point_text: Callable[[float], str]
    expected: Sequence[tuple[date, float]]
    expected_text: str
    expected_legend: str
    band: tuple[float, float] | None
    band_text: str
    ticks: Sequence[tuple[float, str]]
    day0: date
    day1: date
    deadline: date | None
    today: date | None
    values_text: str
    empty_text: str
    words: Words = ENGLISH


def _line_chart(plot: _Plot, size: Size) -> str:
    """A line chart of ``plot`` at ``size``, every text inside the drawing: the margins are
    sized from the longest label at each side."""
    font = size.font
    span = (plot.day0, max(plot.day1, plot.day0 + timedelta(days=1)))
    words = plot.words
    first_label, last_label = words.day(span[0]), words.day(span[1])
    left = max(
        36.0,
        8 + max(text_width(text, font) for _, text in plot.ticks) + 8,
        text_width(first_label, font) / 2 + 4,
    )
    right = max(16.0, text_width(last_label, font) / 2 + 6)
    years = span[0].year != span[1].year
    legend_items = [_Legend("values", plot.values_text)]
    if plot.expected:
        legend_items.append(_Legend("expected", plot.expected_legend))
    if plot.band is not None:
        legend_items.append(_Legend("band", plot.band_text))
    in_view = [d for d in (plot.deadline, plot.today) if d is not None and span[0] <= d <= span[1]]
    if plot.deadline in in_view and plot.deadline is not None:
        legend_items.append(
            _Legend(
                "deadline",
                words.say(gettext_noop("Deadline %(day)s"), day=words.day(plot.deadline)),
            )
        )
    if plot.today in in_view and plot.today is not None:
        legend_items.append(
            _Legend("today", words.say(gettext_noop("Today %(day)s"), day=words.day(plot.today)))
        )
    rows = _legend_rows(legend_items, size, 8)
    axis_height = font + 10 + (font + 4 if years else 0)
    legend_height = len(rows) * (font + 8) + 6
    frame = _Frame(
        day0=span[0],
        day1=span[1],
        low=plot.ticks[0][0],
        high=plot.ticks[-1][0],
        left=left,
        right=size.width - right,
        top=font,
        bottom=size.height - axis_height - legend_height,
    )
    ident = esc(plot.chart_id)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart {plot.css}" role="img"'
        f' viewBox="0 0 {size.width} {size.height}" width="{size.width}"'
        f' aria-labelledby="{ident}-title {ident}-desc" preserveAspectRatio="xMidYMid meet">',
        f'<title id="{ident}-title">{esc(plot.title)}</title>',
        f'<desc id="{ident}-desc">{esc(plot.description)}</desc>',
    ]
    parts += _value_axis(frame, plot.ticks, font)
    parts += _time_axis(frame, font, years, words)
    if plot.band is not None:
        low, high = plot.band
        parts.append(
            f'<rect class="target-band" fill="#1a7f37" fill-opacity="0.1"'
            f' x="{_f(frame.left)}" y="{_f(frame.y(high))}"'
            f' width="{_f(frame.right - frame.left)}" height="{_f(frame.y(low) - frame.y(high))}">'
            f"<title>{esc(plot.band_text)}</title></rect>"
        )
    if plot.expected:
        coords = " ".join(f"{_f(frame.x(d))},{_f(frame.y(v))}" for d, v in plot.expected)
        parts.append(
            f'<polyline class="expected" fill="none" {_STROKES["expected"]} points="{coords}">'
            f"<title>{esc(plot.expected_text)}</title></polyline>"
        )
    for kind, day in (("deadline", plot.deadline), ("today", plot.today)):
        if day is not None and day in in_view:
            x = _f(frame.x(day))
            parts.append(
                f'<line class="{kind}" {_STROKES[kind]} x1="{x}" x2="{x}" y1="{_f(frame.top)}"'
                f' y2="{_f(frame.bottom)}"/>'
            )
    parts += _value_line(frame, plot, font)
    parts += _draw_legend(rows, size, 8, size.height - legend_height + font + 2)
    parts.append("</svg>")
    return "\n".join(parts)


def _value_axis(frame: _Frame, ticks: Sequence[tuple[float, str]], font: int) -> list[str]:
    parts = [f'<g class="axis axis-values" font-size="{font}" fill="#57606a">']
    for tick, text in ticks:
        y = _f(frame.y(tick))
        parts.append(
            f'<line class="grid" stroke="#d0d7de" x1="{_f(frame.left)}" x2="{_f(frame.right)}"'
            f' y1="{y}" y2="{y}"/>'
            f'<text x="{_f(frame.left - 8)}" y="{y}" text-anchor="end"'
            f' dominant-baseline="middle">{esc(text)}</text>'
        )
    parts.append("</g>")
    return parts


def _time_axis(frame: _Frame, font: int, years: bool, words: Words = ENGLISH) -> list[str]:
    """Day ticks along the bottom; when the axis spans years, the year under the first tick
    and under the first tick of each new year."""
    base = frame.bottom
    parts = [
        f'<g class="axis axis-time" font-size="{font}" fill="#57606a">',
        f'<line stroke="#57606a" x1="{_f(frame.left)}" x2="{_f(frame.right)}"'
        f' y1="{_f(base)}" y2="{_f(base)}"/>',
    ]
    year_labels = []
    last_year = None
    for day in _x_ticks(frame, font):
        x = _f(frame.x(day))
        parts.append(
            f'<line stroke="#57606a" x1="{x}" x2="{x}" y1="{_f(base)}" y2="{_f(base + 4)}"/>'
            f'<text x="{x}" y="{_f(base + font + 4)}" text-anchor="middle">'
            f"{esc(words.day(day))}</text>"
        )
        if years and day.year != last_year:
            year_labels.append(
                f'<text class="year" x="{x}" y="{_f(base + 2 * font + 8)}" text-anchor="middle"'
                f' font-weight="600">{day.year}</text>'
            )
        last_year = day.year
    parts += year_labels
    parts.append("</g>")
    return parts


def _value_line(frame: _Frame, plot: _Plot, font: int) -> list[str]:
    if not plot.points:
        return [
            f'<text class="no-data" x="{_f((frame.left + frame.right) / 2)}"'
            f' y="{_f((frame.top + frame.bottom) / 2)}" text-anchor="middle"'
            f' font-size="{font + 1}" fill="#57606a">{esc(plot.empty_text)}</text>'
        ]
    coords = " ".join(f"{_f(frame.x(d))},{_f(frame.y(v))}" for d, v in plot.points)
    parts = [
        f'<polyline class="values" fill="none" {_STROKES["values"]} points="{coords}"/>',
        '<g class="points" fill="#0b5cad">',
    ]
    for day, value in plot.points:
        parts.append(
            f'<circle class="point" cx="{_f(frame.x(day))}" cy="{_f(frame.y(value))}" r="4">'
            f"<title>{esc(plot.words.long_day(day))}: {esc(plot.point_text(value))}</title>"
            "</circle>"
        )
    parts.append("</g>")
    return parts


def _describe(
    points: Sequence[tuple[date, float]],
    baseline: float,
    target: float | None,
    target_high: float | None,
    deadline: date,
    unit: str,
    milestone: bool,
    words: Words = ENGLISH,
) -> str:
    def say(value: float) -> str:
        return words.milestone(value) if milestone else words.quantity(value, unit)

    due = words.long_day(deadline)
    if points:
        day, value = max(points, key=lambda p: p[0])
        latest = words.say(
            gettext_noop("Latest value %(value)s on %(day)s"),
            value=say(value),
            day=words.long_day(day),
        )
        count = counted(
            words,
            len(points),
            gettext_noop("%(count)s check-in"),
            gettext_noop("%(count)s check-ins"),
        )
    else:
        latest = words.gettext(gettext_noop("No check-in yet"))
        count = words.gettext(gettext_noop("no values"))
    if milestone:
        return words.say(
            gettext_noop("%(latest)s; to be done by %(day)s; %(count)s."),
            latest=latest,
            day=due,
            count=count,
        )
    if target is None:
        goal = words.say(gettext_noop("deadline %(day)s"), day=due)
    elif target_high is not None:
        goal = words.say(
            gettext_noop("target between %(low)s and %(high)s by %(day)s"),
            low=say(target),
            high=say(target_high),
            day=due,
        )
    else:
        goal = words.say(gettext_noop("target %(target)s by %(day)s"), target=say(target), day=due)
    return words.say(
        gettext_noop("%(latest)s; %(goal)s; baseline %(baseline)s; %(count)s."),
        latest=latest,
        goal=goal,
        baseline=say(baseline),
        count=count,
    )


def milestone_text(value: float) -> str:
    """A milestone's value in words: done (1 or more) or not done."""
    return gettext_noop("done") if value >= 1 else gettext_noop("not done")


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
    today: date | None = None,
    milestone: bool = False,
    size: Size = WIDE,
    words: Words = ENGLISH,
) -> str:
    """The values of a key result over time against its expected progress, as SVG text.

    The values are a line with a dot per check-in (in date order), each dot titled with its
    day and value. The expected-progress line (dashed) runs from ``baseline`` on ``start``
    to ``target`` on ``deadline`` (none when ``target`` is None); a range's upper bound
    ``target_high`` shades the band between the two bounds. Vertical lines mark the deadline
    and ``today`` (when on the axis); a legend under the axis names each line. The time axis
    runs from ``start`` to ``end``, widened to take in check-ins outside it; the value axis
    takes in every value, the baseline and the targets. A ``milestone`` has two values, not
    done (0) and done (1), and says so on its axis. ``chart_id`` keeps ids unique on a page.
    ``words`` say it in the reader's language.
    """
    ordered = sorted(points, key=lambda p: p[0])
    values = [v for _, v in ordered] + [baseline]
    values += [t for t in (target, target_high) if t is not None]
    if not all(math.isfinite(v) for v in values):
        raise ValueError("chart values must be finite numbers")
    if milestone:
        ticks = [
            (0.0, words.gettext(gettext_noop("Not done"))),
            (1.0, words.gettext(gettext_noop("Done"))),
        ]
        low, high = min(0.0, *values), max(1.0, *values)
        if low < 0.0 or high > 1.0:
            ticks = [(t, words.milestone(t)) for t in nice_ticks(low, high)]
    else:
        ticks = [(t, words.quantity(t, unit)) for t in nice_ticks(min(values), max(values))]

    def say(value: float) -> str:
        return words.milestone(value) if milestone else words.quantity(value, unit)

    expected: list[tuple[date, float]] = []
    if target is not None:
        expected = [(start, baseline), (deadline, target)]
    plot = _Plot(
        css="kr-chart",
        title=title,
        description=_describe(
            ordered, baseline, target, target_high, deadline, unit, milestone, words
        ),
        chart_id=chart_id,
        points=ordered,
        point_text=say,
        expected=expected,
        expected_text=(
            words.say(
                gettext_noop("Expected: %(baseline)s on %(start)s to %(target)s on %(deadline)s"),
                baseline=say(baseline),
                start=words.long_day(start),
                target=say(target),
                deadline=words.long_day(deadline),
            )
            if target is not None
            else ""
        ),
        expected_legend=words.gettext(gettext_noop("Expected")),
        band=(target, target_high) if target is not None and target_high is not None else None,
        band_text=(
            words.say(
                gettext_noop("Target range %(low)s to %(high)s"),
                low=say(target),
                high=say(target_high),
            )
            if target is not None and target_high is not None
            else ""
        ),
        ticks=ticks,
        day0=min([start, *(d for d, _ in ordered)]),
        day1=max([end, deadline, *(d for d, _ in ordered)]),
        deadline=deadline,
        today=today,
        values_text=words.gettext(gettext_noop("Values")),
        empty_text=words.gettext(gettext_noop("No check-in yet")),
        words=words,
    )
    return _line_chart(plot, size)


def grade2(words: Words, value: float) -> str:
    """A grade with two decimals, with the reader's decimal separator ("0.50", "0,50")."""
    whole, _, decimals = f"{value:.2f}".partition(".")
    sep = words.number(1.5)[1:2] or "."
    return f"{whole}{sep}{decimals}"


GRADE_TICKS: Final = tuple((t / 4, f"{t / 4:.2f}") for t in range(5))


def trend_chart_svg(
    *,
    points: Sequence[tuple[date, float | None]],
    expected: Sequence[tuple[date, float]],
    start: date,
    end: date,
    title: str,
    subject: str,
    chart_id: str = "trend",
    today: date | None = None,
    size: Size = WIDE,
    words: Words = ENGLISH,
) -> str:
    """A grade over time (0 to 1) against the grade expected by then, as SVG text.

    ``points`` are (day, grade) samples in any order, None where nothing was graded yet (not
    drawn); ``expected`` the expected grade on the same or other days (dashed). ``subject``
    names what is graded in the description ("the objective", "Mozilla Reps").
    """
    graded = sorted(((d, g) for d, g in points if g is not None), key=lambda p: p[0])
    line = sorted(expected, key=lambda p: p[0])
    if not all(math.isfinite(v) for _, v in [*graded, *line]):
        raise ValueError("grades must be finite numbers")
    top = max([1.0, *(g for _, g in graded), *(v for _, v in line)])
    low = min([0.0, *(g for _, g in graded)])
    ticks = list(GRADE_TICKS)
    if top > 1.0 or low < 0.0:
        ticks = [(t, f"{t:.2f}") for t in nice_ticks(low, top)]
    ticks = [(t, grade2(words, t)) for t, _ in ticks]
    if graded:
        day, value = graded[-1]
        due = next((v for d, v in reversed(line) if d <= day), None)
        samples = counted(
            words, len(graded), gettext_noop("%(count)s sample"), gettext_noop("%(count)s samples")
        )
        if due is None:
            description = words.say(
                gettext_noop(
                    "Grade of %(subject)s over time: %(grade)s on %(day)s;"
                    " %(samples)s from %(first)s."
                ),
                subject=subject,
                grade=grade2(words, value),
                day=words.long_day(day),
                samples=samples,
                first=words.long_day(graded[0][0]),
            )
        else:
            description = words.say(
                gettext_noop(
                    "Grade of %(subject)s over time: %(grade)s on %(day)s, expected %(expected)s;"
                    " %(samples)s from %(first)s."
                ),
                subject=subject,
                grade=grade2(words, value),
                day=words.long_day(day),
                expected=grade2(words, due),
                samples=samples,
                first=words.long_day(graded[0][0]),
            )
    else:
        description = words.say(gettext_noop("No grade of %(subject)s yet."), subject=subject)
    plot = _Plot(
        css="trend-chart",
        title=title,
        description=description,
        chart_id=chart_id,
        points=graded,
        point_text=lambda g: words.say(gettext_noop("grade %(grade)s"), grade=grade2(words, g)),
        expected=line,
        expected_text=words.gettext(gettext_noop("Expected grade")),
        expected_legend=words.gettext(gettext_noop("Expected grade")),
        band=None,
        band_text="",
        ticks=ticks,
        day0=min([start, *(d for d, _ in graded)]),
        day1=max([end, *(d for d, _ in graded)]),
        deadline=None,
        today=today,
        values_text=words.gettext(gettext_noop("Grade")),
        empty_text=words.gettext(gettext_noop("No grade yet")),
        words=words,
    )
    return _line_chart(plot, size)


def values_table(*, caption: str, headings: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """A chart's values as an HTML table in a closed disclosure, for keyboard and screen
    reader users (text escaped)."""
    head = "".join(f'<th scope="col">{esc(h)}</th>' for h in headings)
    body = "".join(
        "<tr>" + "".join(f"<td>{esc(cell)}</td>" for cell in row) + "</tr>" for row in rows
    )
    return (
        f'<details class="chart-values"><summary>{esc(caption)}</summary>'
        f'<table><caption class="visually-hidden">{esc(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></details>"
    )


def responsive(wide: str, narrow: str) -> str:
    """Two drawings of one chart: the wide one for wide screens, the narrow for phones (the
    stylesheet shows one of them; the hidden one is out of the accessibility tree too)."""
    return f'<div class="chart-wide">{wide}</div><div class="chart-narrow">{narrow}</div>'


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


#: the fill of each grade bucket's bar: off track, at risk, on track (the site's status colours,
#: which the stylesheet maps to their dark-theme values)
BUCKET_FILLS: Final = ("#cf222e", "#9a6700", "#1a7f37")
HISTOGRAM_WIDE: Final = Size(560, 260)
HISTOGRAM_NARROW: Final = Size(340, 260)


def _inside(centre: float, width: float, span: float) -> float:
    """The centre of a middle-anchored text of `width`, moved so the text stays in 0..`span`."""
    half = width / 2 + 1
    return min(max(centre, half), span - half)


def histogram_svg(
    *,
    bars: Sequence[tuple[str, int]],
    title: str,
    chart_id: str = "histogram",
    fills: Sequence[str] = BUCKET_FILLS,
    size: Size = HISTOGRAM_WIDE,
    words: Words = ENGLISH,
) -> str:
    """A bar chart of labelled counts as SVG text: each bar carries its count above it and its
    label below, coloured by `fills` (one per bar, the last repeated); the left margin is sized
    from the longest count label, the bars share the rest. Drawn for `size` (the narrow one on
    a phone, at the same text size)."""
    if any(count < 0 for _, count in bars):
        raise ValueError("bar counts must not be negative")
    font = size.font
    top_count = max([1, *(count for _, count in bars)])
    step = max(1, math.ceil(top_count / 4))
    ticks = list(range(0, top_count + step, step))
    tick_texts = [words.number(t) for t in ticks]
    left = max(28.0, 8 + max(text_width(t, font) for t in tick_texts) + 6)
    right, top = 8.0, font + 12.0  # room for the tallest bar's count
    bottom = font * 2 + 10.0  # the labels under the bars
    plot_w = size.width - left - right
    plot_h = size.height - top - bottom
    slot = plot_w / max(1, len(bars))
    label_font = float(font)
    widest = max([1.0, *(text_width(label, font) for label, _ in bars)])
    if widest > slot - 4:  # labels never overlap: smaller text before they would
        label_font = max(9.0, font * (slot - 4) / widest)
    count_font = float(font)  # the same for the counts above the bars (10 bars on a phone)
    widest_count = max(text_width(words.number(count), font) for _, count in bars) if bars else 1.0
    if widest_count > slot - 2:
        count_font = max(8.0, font * (slot - 2) / widest_count)
    scale_max = float(ticks[-1])
    total = sum(count for _, count in bars)
    summary = "; ".join(f"{label}: {words.number(count)}" for label, count in bars)
    description = words.say(
        gettext_noop("%(total)s in all. %(summary)s."), total=words.number(total), summary=summary
    )
    ident = esc(chart_id)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart histogram" role="img"'
        f' viewBox="0 0 {size.width} {size.height}" width="{size.width}"'
        f' aria-labelledby="{ident}-title {ident}-desc" preserveAspectRatio="xMidYMid meet">',
        f'<title id="{ident}-title">{esc(title)}</title>',
        f'<desc id="{ident}-desc">{esc(description)}</desc>',
        f'<g class="axis axis-values" font-size="{font}" fill="#57606a">',
    ]
    for tick, text in zip(ticks, tick_texts, strict=True):
        tick_y = _f(top + plot_h * (1 - tick / scale_max))
        parts.append(
            f'<line class="grid" stroke="#d0d7de" x1="{_f(left)}" x2="{_f(size.width - right)}"'
            f' y1="{tick_y}" y2="{tick_y}"/><text x="{_f(left - 6)}" y="{tick_y}"'
            f' text-anchor="end" dominant-baseline="middle">{esc(text)}</text>'
        )
    parts.append("</g>")
    for index, (label, count) in enumerate(bars):
        fill = fills[min(index, len(fills) - 1)] if fills else "#0b5cad"
        bar_h = plot_h * count / scale_max
        x = left + slot * index + slot * 0.15
        y = top + plot_h - bar_h
        centre = x + slot * 0.35
        shown = f"{label}: {words.number(count)}"
        count_x = _inside(centre, text_width(words.number(count), count_font), size.width)
        label_x = _inside(centre, text_width(label, label_font), size.width)
        parts.append(
            f'<g class="bar"><rect class="bar-{index}" fill="{fill}" x="{_f(x)}" y="{_f(y)}"'
            f' width="{_f(slot * 0.7)}" height="{_f(bar_h)}" rx="2"><title>{esc(shown)}'
            f'</title></rect><text class="count" fill="#1b1f24" x="{_f(count_x)}" y="{_f(y - 5)}"'
            f' text-anchor="middle" font-size="{_f(count_font)}" font-weight="600">'
            f"{esc(words.number(count))}</text>"
            f'<text class="label" fill="#57606a" x="{_f(label_x)}"'
            f' y="{_f(top + plot_h + font + 6)}"'
            f' text-anchor="middle" font-size="{_f(label_font)}">{esc(label)}</text></g>'
        )
    parts.append("</svg>")
    return "\n".join(parts)
