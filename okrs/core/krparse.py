"""Key result sentence → structured key result.

Pure rules, no Django. ``parse_kr(text, period)`` reads one KR sentence as people write
it ("Core community sentiment > 11.5 NPS", "At least 50 Reps have given feedback",
"100% Reps watching both categories by the end of February", "The amount of mentor-less
Reps is reduced by 50%") and returns a ``ParsedKR``: direction (an
``okrs.core.scoring.Direction``), target, baseline, unit, deadline inside the period,
further milestones ("(90% by Nov 15)"), and the fields it could not decide, each with a
reason, in ``uncertain``.

Rules:

- Never invent a number: every number in the result appears in the sentence, as digits
  or as a number word ("two", "half" = 50 %). What the sentence does not say stays None
  and, when a saved KR would need it, is listed in ``uncertain``.
- No number at all → a milestone (done / not done). Without milestone wording ("is
  identified", "is in place", "launched", ...) the direction is marked uncertain.
- ``>`` / "more than" are strict comparisons; ``Direction`` has no strict variant, so they
  map to ``AT_LEAST`` with ``strict=True`` kept on the result for the caller to record.
- A relative change ("reduced by 50%", "increase X by 20%") has no absolute target: it
  is kept in ``change`` (signed percent) with direction DECREASE / INCREASE and the
  baseline is marked uncertain.
- Dates: "by the end of February", "by February", "by Nov 2nd", "by 15 March", "by the
  end of the quarter", "by Q4" resolve to a day of the period (the year is the one that
  puts the day inside the period); a date outside the period or a vague one ("by early
  Nov") is marked uncertain instead.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date

from okrs.core.scoring import Direction

__all__ = [
    "Milestone",
    "ParsedKR",
    "Period",
    "Uncertain",
    "numbers_in_text",
    "parse_kr",
    "period_from_slug",
]


@dataclass(frozen=True, slots=True)
class Period:
    """A span of days, both ends inclusive (a quarter)."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.start > self.end:
            raise ValueError(f"period start {self.start} is after its end {self.end}")

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


def period_from_slug(slug: str) -> Period:
    """``2017-Q1`` → 2017-01-01..2017-03-31; ``2017-H2`` → 2017-07-01..2017-12-31; ``2017``."""
    match = re.fullmatch(r"(\d{4})(?:-([QH])([1-4]))?", slug.strip(), re.IGNORECASE)
    if match is None:
        raise ValueError(f"period {slug!r}: expected a name like 2017-Q1, 2017-H2 or 2017")
    year = int(match.group(1))
    if match.group(2) is None:
        return Period(date(year, 1, 1), date(year, 12, 31))
    index = int(match.group(3))
    months = 3 if match.group(2).upper() == "Q" else 6
    if index * months > 12:
        raise ValueError(f"period {slug!r}: there is no {match.group(2).upper()}{index}")
    first = (index - 1) * months + 1
    last = first + months - 1
    return Period(date(year, first, 1), date(year, last, calendar.monthrange(year, last)[1]))


@dataclass(frozen=True, slots=True)
class Milestone:
    """An intermediate goal: ``value`` reached by ``deadline`` ("(90% by Nov 15)")."""

    value: float
    deadline: date


@dataclass(frozen=True, slots=True)
class Uncertain:
    """A field the parser could not decide, and why; a person must review it."""

    field: str
    reason: str


@dataclass(frozen=True, slots=True)
class ParsedKR:
    text: str
    direction: Direction
    target: float | None = None
    target_high: float | None = None
    baseline: float | None = None
    change: float | None = None
    unit: str = ""
    deadline: date | None = None
    milestones: tuple[Milestone, ...] = ()
    strict: bool = False
    uncertain: tuple[Uncertain, ...] = field(default=())

    def numbers(self) -> list[float]:
        """Every number this parse states (for the no-invention check)."""
        values = [self.target, self.target_high, self.baseline, self.change]
        found = [abs(v) for v in values if v is not None]
        return found + [m.value for m in self.milestones]

    def uncertain_fields(self) -> list[str]:
        return [u.field for u in self.uncertain]


# --- vocabulary -------------------------------------------------------------------------

_MONTHS = {
    name: index
    for index in range(1, 13)
    for name in (calendar.month_name[index].lower(), calendar.month_abbr[index].lower())
}
_MONTHS["sept"] = 9
_MONTH_RE = "|".join(sorted(_MONTHS, key=len, reverse=True))

_WORD_NUMBERS = {
    "two": 2.0,
    "three": 3.0,
    "four": 4.0,
    "five": 5.0,
    "six": 6.0,
    "seven": 7.0,
    "eight": 8.0,
    "nine": 9.0,
    "ten": 10.0,
    "twelve": 12.0,
    "twenty": 20.0,
    "fifty": 50.0,
    "hundred": 100.0,
}
_FRACTION_WORDS = {"half": 50.0, "a third": 100.0 / 3, "a quarter": 25.0}

_PEOPLE = (
    "people|persons|reps|rep|contributors|contributor|members|member|mentors|coaches|coachees|"
    "students|volunteers|employees|users|developers|participants|attendees|leaders|"
    "influencers|authors|maintainers|mozillians|mobilizers|speakers|organizers|organisers|"
    "ambassadors|newcomers|reviewers|mentees|champions|learners|allies|customers|signups"
)
_TIME_UNITS = {
    "day": "days",
    "days": "days",
    "week": "weeks",
    "weeks": "weeks",
    "hour": "hours",
    "hours": "hours",
    "month": "months",
    "months": "months",
    "minute": "minutes",
    "minutes": "minutes",
}
_CURRENCY_SYMBOLS = {"$": "USD", "€": "EUR", "£": "GBP"}
_CURRENCY_WORDS = {
    "usd": "USD",
    "dollars": "USD",
    "eur": "EUR",
    "euros": "EUR",
    "euro": "EUR",
    "gbp": "GBP",
    "pounds": "GBP",
}
_FILLER = {"new", "unique", "active", "more", "additional", "diverse", "distinct", "of", "the"}

_MILESTONE_WORDS = re.compile(
    r"\b(identified|finished|finalized|finalised|launched|in place|published|completed|"
    r"complete|done|opened|open for|agreed|created|delivered|updated|tested|documented|"
    r"defined|shipped|released|approved|accepted|established|implemented|set up|"
    r"executed|graduated|produced|ready|available|drafted|written|signed|adopted|"
    r"have a|has a|we have|there is|there are|understand|introduce|launch|publish|"
    r"develop|maintain|share|deliver|inventory|plan|strategy|proposal|draft|roadmap)\b",
    re.IGNORECASE,
)

_COMPARATIVE = re.compile(r"\b(more|less|fewer|higher|lower|faster|slower|better)\b", re.I)

_NUMBER = r"\d+(?:[.,]\d+)*"


def _to_float(token: str) -> float | None:
    """``12``, ``11.5``, ``11,5``, ``20,000`` → a number; ``1.2.3`` (a version) → None."""
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", token):
        token = token.replace(",", "")
    try:
        return float(token.replace(",", "."))
    except ValueError:
        return None


def numbers_in_text(text: str) -> set[float]:
    """Every number written in ``text``: digits, number words and fractions ("half" = 50)."""
    found = {v for v in map(_to_float, re.findall(_NUMBER, text)) if v is not None}
    lowered = text.lower()
    for word, value in {**_WORD_NUMBERS, **_FRACTION_WORDS}.items():
        if re.search(rf"\b{word}\b", lowered):
            found.add(value)
    return found


# --- deadlines --------------------------------------------------------------------------


def _day_in_period(month: int, day: int | None, period: Period) -> date | None:
    """The date with this month (and day, else the month's last day) inside the period."""
    for year in range(period.start.year, period.end.year + 1):
        last = calendar.monthrange(year, month)[1]
        if day is not None and day > last:
            return None
        candidate = date(year, month, day if day is not None else last)
        if period.contains(candidate):
            return candidate
    return None


def _quarter_end(quarter: int, period: Period) -> date | None:
    for year in range(period.start.year, period.end.year + 1):
        month = quarter * 3
        candidate = date(year, month, calendar.monthrange(year, month)[1])
        if period.contains(candidate):
            return candidate
    return None


_DAY = r"(\d{1,2})(?:st|nd|rd|th)?"
_DEADLINE_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("quarter", re.compile(r"\bby (?:the )?end of (?:the |this )?(?:quarter|period)\b", re.I)),
    ("q", re.compile(r"\b(?:by|until|before) (?:the )?(?:end (?:of )?)?q([1-4])\b", re.I)),
    ("vague", re.compile(rf"\bby (?:early|mid|late|mid-)[ -]?({_MONTH_RE})\.?\b", re.I)),
    (
        "month_day",
        re.compile(rf"\b(?:by|before|until|on) ({_MONTH_RE})\.? {_DAY}(?:,? \d{{4}})?\b", re.I),
    ),
    (
        "day_month",
        re.compile(rf"\b(?:by|before|until|on) (?:the )?{_DAY} (?:of )?({_MONTH_RE})\b", re.I),
    ),
    (
        "month",
        re.compile(
            rf"\b(?:by|before|until) (?:the )?(?:end of )?({_MONTH_RE})\b(?:,? \d{{4}})?",
            re.I,
        ),
    ),
]


def _resolve(kind: str, match: re.Match[str], period: Period) -> date | str:
    """A day of the period, or a reason (str) why the phrase cannot be one."""
    phrase = match.group(0)
    if kind == "quarter":
        return period.end
    if kind == "q":
        return _quarter_end(int(match.group(1)), period) or f"{phrase!r} is outside the period"
    if kind == "vague":
        return f"{phrase!r} names no day"
    if kind == "month_day":
        month, day = _MONTHS[match.group(1).lower()], int(match.group(2))
    elif kind == "day_month":
        day, month = int(match.group(1)), _MONTHS[match.group(2).lower()]
    else:
        month, day = _MONTHS[match.group(1).lower()], None
    found = _day_in_period(month, day, period)
    if found is None:
        return f"{phrase!r} does not fall inside the period ({period.start} to {period.end})"
    return found


@dataclass
class _Reading:
    text: str
    deadline: date | None = None
    milestones: list[Milestone] = field(default_factory=list)
    uncertain: list[Uncertain] = field(default_factory=list)

    def doubt(self, name: str, reason: str) -> None:
        if name not in {u.field for u in self.uncertain}:
            self.uncertain.append(Uncertain(name, reason))


def _take_milestones(reading: _Reading, period: Period) -> None:
    """ "(90% by Nov 15)": a second milestone; removed from the text."""
    pattern = re.compile(rf"\(\s*({_NUMBER})\s*%?\s+(by [^)]*)\)", re.I)
    for match in list(pattern.finditer(reading.text)):
        for kind, date_pattern in _DEADLINE_PATTERNS:
            found = date_pattern.search(match.group(2))
            if found is None:
                continue
            day = _resolve(kind, found, period)
            value = _to_float(match.group(1))
            if isinstance(day, date) and value is not None:
                reading.milestones.append(Milestone(value, day))
            elif isinstance(day, str):
                reading.doubt("milestones", day)
            break
        reading.text = reading.text.replace(match.group(0), " ")


def _take_deadline(reading: _Reading, period: Period) -> None:
    for kind, pattern in _DEADLINE_PATTERNS:
        match = pattern.search(reading.text)
        if match is None:
            continue
        day = _resolve(kind, match, period)
        if isinstance(day, date):
            reading.deadline = day
        else:
            reading.doubt("deadline", day)
        reading.text = reading.text[: match.start()] + " " + reading.text[match.end() :]
        return


# --- numbers ----------------------------------------------------------------------------


_NOISE = [
    re.compile(r"\([^)]*\)"),  # explanations: "(Net Promoter Score)", "(e.g. ...)"
    re.compile(r"\[[^\]]*\]"),  # "[shared with MoFo]"
    re.compile(r"\b(?:19|20)\d{2}\b(?!\s*%)"),  # years
    re.compile(r"\b\d+\s+(?:years?|months?|weeks?|days?)\s+ago\b", re.I),
    re.compile(r"\bq[1-4]\b", re.I),  # quarter names
    re.compile(r"\b[a-z]+\d+[a-z0-9]*(?:[.,]\d+[a-z0-9]*)*\b", re.I),  # codes: L3, O2KR2, KR1.2
    re.compile(rf"\b(?:{_MONTH_RE})\.? \d{{1,2}}(?:st|nd|rd|th)?\b", re.I),  # stray dates
    re.compile(r"\bscale of \d+\s*(?:-|to)\s*\d+\b", re.I),
    re.compile(r"\b(?:per|a|each|every)\s+(?:year|quarter|month|week)\b", re.I),
]


def _clean(text: str) -> str:
    for pattern in _NOISE:
        text = pattern.sub(" ", text)
    return re.sub(r"\s+", " ", text).strip()


@dataclass
class _Number:
    value: float
    start: int
    end: int
    percent: bool = False


def _numbers(text: str) -> list[_Number]:
    found: list[_Number] = []
    for match in re.finditer(rf"(?<![\w.,])({_NUMBER})(\s*(?:%|percent\b|per cent\b))?", text):
        if re.search(r"(?:out of|/)\s*$", text[: match.start()], re.I):
            continue  # the scale of a rating ("4 out of 5"), not a target
        value = _to_float(match.group(1))
        if value is not None:
            found.append(_Number(value, match.start(), match.end(), bool(match.group(2))))
    for word, value in _WORD_NUMBERS.items():
        for match in re.finditer(rf"\b{word}\b", text, re.I):
            found.append(_Number(value, match.start(), match.end()))
    for word, value in _FRACTION_WORDS.items():
        for match in re.finditer(rf"\b{word}\b(?: of)?", text, re.I):
            found.append(_Number(value, match.start(), match.end(), percent=True))
    return sorted(found, key=lambda n: n.start)


def _unit(text: str, number: _Number, whole: str) -> str:
    if re.search(r"\bnps\b|net promoter", whole, re.I):
        return "NPS"
    if number.percent:
        return "%"
    before = text[max(0, number.start - 2) : number.start]
    for symbol, code in _CURRENCY_SYMBOLS.items():
        if symbol in before:
            return code
    after = text[number.end :].lower().split()
    words = [w.strip(".,;:") for w in after[:4]]
    while words and words[0] in _FILLER:
        words.pop(0)
    if words:
        first = words[0]
        if first in _CURRENCY_WORDS:
            return _CURRENCY_WORDS[first]
        if first in _TIME_UNITS:
            return _TIME_UNITS[first]
        if first in {"out", "/"} and len(words) >= 3 and words[1] == "of":
            return f"/{words[2]}"
        if any(re.fullmatch(_PEOPLE, word) for word in words[:3]):
            return "people"
    of_scale = re.match(r"\s*/\s*(\d+)", text[number.end :])
    if of_scale:
        return f"/{of_scale.group(1)}"
    if re.search(rf"\bnumber of (?:\w+ )?(?:{_PEOPLE})\b", text, re.I):
        return "people"
    return ""


_AT_LEAST = re.compile(
    r"(?:at least|a minimum of|minimum of|no less than|not less than|≥|>=|=>)\s*$", re.I
)
_MORE_THAN = re.compile(r"(?:more than|over|greater than|above|>)\s*$", re.I)
_AT_MOST = re.compile(
    r"(?:at most|a maximum of|maximum of|max\.?|no more than|not more than|up to|"
    r"fewer than|less than|under|below|within|≤|<=|<)\s*$",
    re.I,
)
_OR_MORE = re.compile(r"^\s*(?:\+|or more\b|or higher\b|or above\b|and above\b)", re.I)
_OR_LESS = re.compile(r"^\s*(?:or less\b|or fewer\b|or lower\b|and below\b)", re.I)
_STRICT_AT_MOST = re.compile(r"(?:fewer than|less than|under|below|<)\s*$", re.I)
_DECREASE_VERB = re.compile(
    r"\b(reduc\w*|decreas\w*|lower\w*|cut\w*|shrink\w*|drop\w*|fall\w*|down)\b", re.I
)
_INCREASE_VERB = re.compile(
    r"\b(increas\w*|grow\w*|rais\w*|improv\w*|boost\w*|doubl\w*|up)\b", re.I
)


def _direction_of(text: str, number: _Number) -> tuple[Direction, bool] | None:
    before = text[: number.start]
    after = text[number.end :]
    if _AT_MOST.search(before) or _OR_LESS.match(after):  # before "more than": "no more than"
        return Direction.AT_MOST, bool(_STRICT_AT_MOST.search(before))
    if _MORE_THAN.search(before):
        return Direction.AT_LEAST, True
    if _AT_LEAST.search(before) or _OR_MORE.match(after):
        return Direction.AT_LEAST, False
    return None


def _parse_numbers(reading: _Reading, whole: str) -> ParsedKR:
    text = _clean(reading.text)
    numbers = _numbers(text)
    if not numbers:
        if _COMPARATIVE.search(whole):
            reading.doubt(
                "direction", "asks for more or less of something but names no number or target"
            )
        elif not _MILESTONE_WORDS.search(whole):
            reading.doubt(
                "direction", "no number and no milestone wording: say what 'done' looks like"
            )
        return _result(reading, whole, Direction.MILESTONE)

    span = re.search(rf"\bfrom\s+\$?({_NUMBER})\s*(%|\w+)?\s+to\s+\$?({_NUMBER})", text, re.I)
    low, high = (_to_float(span.group(1)), _to_float(span.group(3))) if span else (None, None)
    if span and low is not None and high is not None:
        target_number = next((n for n in numbers if n.start >= span.start(3) - 1), None)
        if low == high:
            reading.doubt("direction", "the start and the target are the same number")
            direction = Direction.AT_LEAST
        else:
            direction = Direction.INCREASE if high > low else Direction.DECREASE
        return _result(
            reading,
            whole,
            direction,
            target=high,
            baseline=low,
            unit=_unit(text, target_number, whole) if target_number else "",
        )

    between = re.search(
        rf"(?:\bbetween\s+({_NUMBER})\s*%?\s+and\s+({_NUMBER})|(?<![\w.])({_NUMBER})\s*(?:-|–|to)\s*({_NUMBER})(?![\w.]))",
        text,
        re.I,
    )
    if between:
        low_text = between.group(1) or between.group(3)
        high_text = between.group(2) or between.group(4)
        low, high = _to_float(low_text), _to_float(high_text)
        upper = next((n for n in numbers if n.start >= between.end() - len(high_text) - 1), None)
        if low is not None and high is not None and low < high and upper is not None:
            return _result(
                reading,
                whole,
                Direction.RANGE,
                target=low,
                target_high=high,
                unit=_unit(text, upper, whole),
            )

    relative = re.search(rf"\bby\s+({_NUMBER})\s*(%|percent\b|per cent\b)", text, re.I)
    amount = _to_float(relative.group(1)) if relative else None
    if relative and amount is not None:
        before = text[: relative.start()]
        if _DECREASE_VERB.search(before):
            direction, change = Direction.DECREASE, -amount
        elif _INCREASE_VERB.search(before):
            direction, change = Direction.INCREASE, amount
        else:
            direction, change = Direction.INCREASE, amount
            reading.doubt("direction", f"'by {amount:g}%' names no direction (up or down?)")
        reading.doubt(
            "baseline",
            f"a change of {change:+g}% needs the current value as baseline; measure it first",
        )
        return _result(
            reading,
            whole,
            direction,
            change=change,
            unit="%",
        )

    distinct = sorted({n.value for n in numbers})
    main = numbers[0]
    for number in numbers:
        if _direction_of(text, number) is not None:
            main = number
            break
    if len(distinct) > 1:
        others = ", ".join(f"{v:g}" for v in distinct if v != main.value)
        reading.doubt(
            "target", f"several numbers in the sentence; took {main.value:g}, not {others}"
        )
    found = _direction_of(text, main)
    strict = False
    if found is not None:
        direction, strict = found
    elif _DECREASE_VERB.search(text[: main.start]):
        direction = Direction.DECREASE
        reading.doubt("baseline", "a decrease needs the current value as baseline")
    else:
        direction = Direction.INCREASE
        if _INCREASE_VERB.search(text[: main.start]):
            reading.doubt("baseline", "an increase without 'from': the starting value is unknown")
    return _result(
        reading,
        whole,
        direction,
        target=main.value,
        unit=_unit(text, main, whole),
        strict=strict,
    )


def _result(
    reading: _Reading,
    whole: str,
    direction: Direction,
    *,
    target: float | None = None,
    target_high: float | None = None,
    baseline: float | None = None,
    change: float | None = None,
    unit: str = "",
    strict: bool = False,
) -> ParsedKR:
    return ParsedKR(
        text=whole,
        direction=direction,
        target=target,
        target_high=target_high,
        baseline=baseline,
        change=change,
        unit=unit,
        deadline=reading.deadline,
        milestones=tuple(reading.milestones),
        strict=strict,
        uncertain=tuple(reading.uncertain),
    )


def parse_kr(text: str, period: Period) -> ParsedKR:
    """Read one key result sentence; see the module docstring for the rules."""
    whole = re.sub(r"\s+", " ", text).strip()
    reading = _Reading(text=whole)
    _take_milestones(reading, period)
    _take_deadline(reading, period)
    return _parse_numbers(reading, whole)
