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
    multiple: float | None = None
    band: float | None = None
    unit: str = ""
    deadline: date | None = None
    milestones: tuple[Milestone, ...] = ()
    strict: bool = False
    uncertain: tuple[Uncertain, ...] = field(default=())

    def numbers(self) -> list[float]:
        """Every number this parse states (for the no-invention check)."""
        values = [
            self.target,
            self.target_high,
            self.baseline,
            self.change,
            self.multiple,
            self.band,
        ]
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
    "zero": 0.0,
    "one": 1.0,
    "two": 2.0,
    "three": 3.0,
    "four": 4.0,
    "five": 5.0,
    "six": 6.0,
    "seven": 7.0,
    "eight": 8.0,
    "nine": 9.0,
    "ten": 10.0,
    "eleven": 11.0,
    "twelve": 12.0,
    "fifteen": 15.0,
    "twenty": 20.0,
    "thirty": 30.0,
    "forty": 40.0,
    "fifty": 50.0,
    "hundred": 100.0,
    "dozen": 12.0,
}
_MULTIPLE_WORDS = {"twice": 2.0, "double": 2.0, "triple": 3.0, "quadruple": 4.0, "halve": 0.5}
"""Multiplying verbs and adverbs ("triples", "twice as many", "halve"), by their stem."""
_FRACTION_WORDS = {"half": 50.0, "a third": 100.0 / 3, "a quarter": 25.0}

_PEOPLE = (
    "people|persons|reps|rep|contributors|contributor|members|member|mentors|coaches|coachees|"
    "students|volunteers|employees|users|developers|participants|attendees|leaders|"
    "influencers|authors|maintainers|mozillians|mobilizers|speakers|organizers|organisers|"
    "ambassadors|newcomers|reviewers|mentees|champions|learners|allies|customers|customer|"
    "signups|engineers|recruiters|hires|teammates|candidates|designers|managers|writers|"
    "sdrs|aes|heroes|directors|interns|translators|editors|committers|donors|visitors"
)
_TIME_UNITS = {
    "second": "seconds",
    "seconds": "seconds",
    "secs": "seconds",
    "sec": "seconds",
    "s": "seconds",
    "min": "minutes",
    "mins": "minutes",
    "hr": "hours",
    "hrs": "hours",
    "h": "hours",
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
    "ms": "milliseconds",
    "milliseconds": "milliseconds",
    "year": "years",
    "years": "years",
}
_SIZE_UNITS = {"kb": "KB", "mb": "MB", "gb": "GB", "tb": "TB", "pb": "PB"}
_RATE_UNITS = {"mbps": "Mbps", "gbps": "Gbps", "rps": "rps", "qps": "qps"}
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
_FILLER = {
    "new",
    "unique",
    "active",
    "more",
    "additional",
    "diverse",
    "distinct",
    "existing",
    "of",
    "the",
}

_MILESTONE_WORDS = re.compile(
    r"\b(identified|finished|finalized|finalised|launched|in place|published|completed|"
    r"complete|done|opened|open for|agreed|created|delivered|updated|tested|documented|"
    r"defined|shipped|released|approved|accepted|established|implemented|set up|"
    r"executed|graduated|produced|ready|available|drafted|written|signed|adopted|"
    r"have a|has a|we have|there is|there are|understand|introduce|launch|publish|"
    r"develop|maintain|share|deliver|inventory|plan|strategy|proposal|draft|roadmap|"
    r"hire|hired|build|commit|rolled out|rolling out|set up|adopt|migrated?|enabled|"
    r"merged|supported|decomposed|refactored|exists?|is (?:done|complete|finished)|"
    r"deployed|provided|we(?:'ve|’ve| have) \w+ed|define|design|create|roll out|enable|"
    r"convert|added|parallelized|has an|has its own|are set|is set)\b",
    re.IGNORECASE,
)

_COMPARATIVE = re.compile(
    r"\b(more|less|fewer|higher|lower|faster|slower|better|increas\w*|decreas\w*|"
    r"improv\w*|grow\w*|reduc\w*|maximi[sz]e\w*|minimi[sz]e\w*)\b",
    re.I,
)

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
    """Every number written in ``text``: digits (with their magnitude: "40k", "$2.5M",
    "1.2 million"), number words, fractions ("half" = 50) and multiples ("triples" = 3)."""
    found = {v for v in map(_to_float, re.findall(_NUMBER, text)) if v is not None}
    for match in _TOKEN.finditer(text):
        value = _to_float(match.group("num"))
        if value is None:
            continue
        found.add(value)
        scale = _magnitude(match)
        if scale != 1.0:
            found.add(value * scale)
    for match in _TENS_OF.finditer(text):
        found.add(float(match.group(1)) * _MAGNITUDE_WORDS[match.group(2).lower().rstrip("s")])
    for match in re.finditer(rf"[$€£]({_NUMBER})(MM|[kKmM]|bn|B)", text):  # "$1m" anywhere
        value = _to_float(match.group(1))
        if value is not None:
            found.add(value * {"k": 1e3, "K": 1e3, "bn": 1e9, "B": 1e9}.get(match.group(2), 1e6))
    lowered = text.lower()
    for word, value in {**_WORD_NUMBERS, **_FRACTION_WORDS}.items():
        if re.search(rf"\b{word}\b", lowered):
            found.add(value)
    for stem, value in _MULTIPLE_WORDS.items():
        if re.search(rf"\b{stem}", lowered):
            found.add(value)
    return found


_MAGNITUDE_WORDS = {"thousand": 1e3, "million": 1e6, "billion": 1e9}
_TOKEN = re.compile(
    r"(?<![\w.,])(?P<cur>[$€£])?\s?(?P<num>\d+(?:[.,]\d+)*)"
    r"(?:(?P<mag>[kK]|MM|[mM]|bn|B)(?![A-Za-z])|\s+(?P<magword>thousand|million|billion)\b)?"
    r"(?P<plus>\+)?(?P<pct>\s*(?:%|percent\b|per cent\b))?(?P<x>[xX](?![A-Za-z]))?"
)
_TENS_OF = re.compile(r"\b(\d+)s of (thousands|millions|billions)\b", re.I)


def _magnitude(match: re.Match[str]) -> float:
    """The factor a magnitude suffix or word multiplies the digits by ("k" = 1,000)."""
    word = match.group("magword")
    if word:
        return _MAGNITUDE_WORDS[word.lower()]
    suffix = match.group("mag")
    if not suffix:
        return 1.0
    if suffix in {"k", "K"}:
        return 1e3
    if suffix in {"M", "MM"}:
        return 1e6
    glued = bool(re.match(r"[$€£]\d", match.group(0)))  # "$5m", not "$ (…) 5m"
    if suffix == "m" and glued:  # "$5m"; a bare "5m" may be minutes
        return 1e6
    if suffix == "bn" or (suffix == "B" and glued):
        return 1e9
    return 1.0


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
    ("iso", re.compile(r"\b(?:by|before|until|on)\s+(\d{4})-(\d{2})-(\d{2})\b", re.I)),
    ("quarter", re.compile(r"\bby (?:the )?end of (?:the |this )?(?:quarter|period)\b", re.I)),
    ("q", re.compile(r"\b(?:by|until|before) (?:the )?(?:end (?:of )?)?q([1-4])\b", re.I)),
    ("quarter", re.compile(r"\bby (?:the )?eoq\b", re.I)),
    ("vague", re.compile(rf"\b(?:by|in) (?:early|mid|late|mid-)[ -]?({_MONTH_RE})\.?\b", re.I)),
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
    # "deployed in June" as the sentence's last words: done within that month
    ("month", re.compile(rf"\bin ({_MONTH_RE})\.?(?:,? \d{{4}})?\s*\.?\s*$", re.I)),
]


def _resolve(kind: str, match: re.Match[str], period: Period) -> date | str:
    """A day of the period, or a reason (str) why the phrase cannot be one."""
    phrase = match.group(0)
    if kind == "quarter":
        return period.end
    if kind == "q":
        if 85 <= (period.end - period.start).days <= 95:  # a quarter's post names its own
            return period.end  # quarter, even where the fiscal year does not start in January
        return _quarter_end(int(match.group(1)), period) or f"{phrase!r} is outside the period"
    if kind == "vague":
        return f"{phrase!r} names no day"
    if kind == "iso":
        try:
            day_of = date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        except ValueError:
            return f"{phrase!r} is not a date"
        if not period.contains(day_of):
            return f"{phrase!r} does not fall inside the period ({period.start} to {period.end})"
        return day_of
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
    # a date in brackets explains ("as reforecast on Feb 15"); the deadline is outside them
    outside = re.sub(r"\([^)]*\)", lambda m: " " * len(m.group(0)), reading.text)
    for kind, pattern in _DEADLINE_PATTERNS:
        match = pattern.search(outside)
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
    re.compile(r"\b\d{4}-\d{2}-\d{2}\b"),  # ISO dates
    re.compile(r"\b(?:19|20)\d{2}\b(?!\s*%)"),  # years
    re.compile(r"\b\d+\s+(?:years?|months?|weeks?|days?)\s+ago\b", re.I),
    re.compile(r"\bq[1-4]\b", re.I),  # quarter names
    re.compile(r"\b[a-z]+\d+[a-z0-9]*(?:[.,]\d+[a-z0-9]*)*\b", re.I),  # codes: L3, O2KR2, KR1.2
    re.compile(rf"\b(?:{_MONTH_RE})\.? \d{{1,2}}(?:st|nd|rd|th)?\b", re.I),  # stray dates
    re.compile(r"\bscale of \d+\s*(?:-|to)\s*\d+\b", re.I),
    re.compile(r"\b(?:per|a|each|every)\s+(?:year|quarter|month|week)\b", re.I),
    re.compile(r"\b\d+(?:st|nd|rd|th)\b", re.I),  # ordinals: "the 1st CAB event"
    re.compile(r"(?<=[a-z] )101\b", re.I),  # "interviewing 101": an introduction, not a count
    re.compile(r"#\w+"),  # channels and issue numbers: "#rfh", "#536"
    # names with a number: "version 1", "phase 1", "Tier 2", "support for TLS 1.0 and 1.1"
    re.compile(
        r"\b(?:version|v|phase|step|stage|tier|level|release|round|wave|part|milestone)\.?\s*"
        r"\d+(?:\.\d+)*\b",
        re.I,
    ),
    re.compile(
        r"\b(?:support for|deprecate|upgrade|migrate to|drop|enable|disable)\s+[A-Za-z]+\s+"
        r"\d+(?:\.\d+)+(?:\s*(?:and|or|,)\s*\d+(?:\.\d+)+)*",
        re.I,
    ),
    # "a 12 month roadmap", "3-day workshop": a length that describes a thing, not a target
    re.compile(
        r"\b(?!1\b)\d+[- ](?:day|week|month|year|hour|minute)\b(?=\s+[a-z])(?!\s+(?:of|to|for)\b)",
        re.I,
    ),
]


def _clean(text: str) -> str:
    for pattern in _NOISE:
        text = pattern.sub(" ", text)
    # "alerted if it increases above 1.5MB": a number in a condition clause is not a target
    text = re.sub(r"\b(?:if|unless|whenever)\b[^,;.]*", " ", text, flags=re.I)
    return re.sub(r"\s+", " ", text).strip()


@dataclass
class _Number:
    value: float
    start: int
    end: int
    percent: bool = False
    currency: str = ""
    times: bool = False  # "3x"
    plus: bool = False  # "100k+"
    approx: bool = False  # "10s of thousands"


def _numbers(text: str) -> list[_Number]:
    found: list[_Number] = []
    taken: list[tuple[int, int]] = []
    for match in _TENS_OF.finditer(text):
        scale = _MAGNITUDE_WORDS[match.group(2).lower().rstrip("s")]
        found.append(
            _Number(float(match.group(1)) * scale, match.start(), match.end(), approx=True)
        )
        taken.append(match.span())
    for match in _TOKEN.finditer(text):
        if any(a <= match.start() < b for a, b in taken):
            continue
        if re.search(r"(?:out of|/)\s*$", _before(text, match.start()), re.I):
            continue  # the scale of a rating ("4 out of 5"), not a target
        value = _to_float(match.group("num"))
        if value is None or _glued_code(text, match):
            continue
        end = match.end()
        while end > match.start() and text[end - 1] == " ":
            end -= 1
        found.append(
            _Number(
                value * _magnitude(match),
                match.start(),
                end,
                percent=bool(match.group("pct")),
                currency=_CURRENCY_SYMBOLS.get(match.group("cur") or "", ""),
                times=bool(match.group("x")),
                plus=bool(match.group("plus")),
            )
        )
    for word, value in _WORD_NUMBERS.items():
        for match in re.finditer(rf"\b{word}\b(?!-)", text, re.I):
            if word == "one" and re.match(r"\s+(?:of|another)\b", _after(text, match.end()), re.I):
                continue  # "one of the ...": a pick, not a count
            found.append(_Number(value, match.start(), match.end()))
    for word, value in _FRACTION_WORDS.items():
        for match in re.finditer(rf"\b{word}\b(?: of)?", text, re.I):
            found.append(_Number(value, match.start(), match.end(), percent=True))
    return sorted(found, key=lambda n: n.start)


_GLUED_UNITS = re.compile(
    r"(?:kb|mb|gb|tb|pb|mbps|gbps|rps|qps|h|hr|hrs|min|mins|ms|s|st|nd|rd|th)\b", re.I
)


CONTEXT = 160
"""How far before a number its verb or comparison is looked for (characters): a KR clause is
shorter, and a bounded window keeps a pasted wall of text from taking quadratic time."""


def _before(text: str, start: int) -> str:
    return text[max(0, start - CONTEXT) : start]


def _after(text: str, end: int) -> str:
    return text[end : end + CONTEXT]


def _glued_code(text: str, match: re.Match[str]) -> bool:
    """ "the 5C model", "3D prints": digits glued to letters that are no unit or suffix."""
    rest = _after(text, match.end())
    return bool(re.match(r"[A-Za-z]", rest)) and not _GLUED_UNITS.match(rest)


def _unit(text: str, number: _Number, whole: str) -> str:
    if re.search(r"\bnps\b|net promoter", whole, re.I):
        return "NPS"
    if number.percent:
        return "%"
    if number.currency:
        return number.currency
    word_before = re.search(r"\b([a-z]{3})\s*$", _before(text, number.start), re.I)
    if word_before and word_before.group(1).lower() in _CURRENCY_WORDS:
        return _CURRENCY_WORDS[word_before.group(1).lower()]
    if number.times:
        return "x"
    before = text[max(0, number.start - 2) : number.start]
    for symbol, code in _CURRENCY_SYMBOLS.items():
        if symbol in before:
            return code
    attached = re.match(r"([A-Za-z]+)\b", _after(text, number.end))
    if attached:
        letters = attached.group(1).lower()
        for table in (_SIZE_UNITS, _RATE_UNITS):
            if letters in table:
                return table[letters]
        if letters in {"h", "hr", "hrs", "min", "mins", "ms"}:
            return _TIME_UNITS[letters]
    after = _after(text, number.end).lower().split()
    words = [w.strip(".,;:") for w in after[:4]]
    while words and words[0] in _FILLER:
        words.pop(0)
    if words:
        first = words[0]
        if first in _CURRENCY_WORDS:
            return _CURRENCY_WORDS[first]
        if first in _TIME_UNITS and first not in {"s", "h"}:
            return _TIME_UNITS[first]
        if first in _SIZE_UNITS:
            return _SIZE_UNITS[first]
        if first in _RATE_UNITS:
            return _RATE_UNITS[first]
        if first in {"out", "/"} and len(words) >= 3 and words[1] == "of":
            return f"/{words[2]}"
        if _people_head(words[:4], number.value):
            return "people"
    of_scale = re.match(r"\s*/\s*(\d+)", _after(text, number.end))
    if of_scale:
        return f"/{of_scale.group(1)}"
    if re.search(rf"\bnumber\W+(?:\w+\W+){{0,3}}?(?:of )?(?:\w+ )?(?:{_PEOPLE})\b", text, re.I):
        return "people"
    return ""


def _people_head(words: list[str], value: float) -> bool:
    """Whether the noun counted is people: "2 new full time contributors" yes, "3 additional
    ways users can ..." and "5 risks to customer data" no (the first plural is the head)."""
    for word in words:
        if word in {"with", "to", "for", "of", "in", "on", "from", "at", "by", "that", "who"}:
            return False
        if re.fullmatch(_PEOPLE, word):
            return word.endswith("s") or word in {"people", "staff"} or value == 1
        if word.endswith("s") and len(word) > 3:
            return False
    return False


_AT_LEAST = re.compile(
    r"(?:at least|a minimum of|minimum of|no less than|not less than|no fewer than|≥|>=|=>)"
    r"\s*$",
    re.I,
)
_MORE_THAN = re.compile(r"(?:more than|over|greater than|above|exceeds?|>)\s*$", re.I)
_AT_MOST = re.compile(
    r"(?:at most|a maximum of|maximum of|max\.?|no more than|not more than|fewer than|"
    r"less than|under|below|within(?: the)?(?: first| next)?|no later than|≤|<=|<)\s*$",
    re.I,
)
_UP_TO = re.compile(r"\bup to\s*$", re.I)
_OR_MORE = re.compile(r"^\s*(?:\+|or more\b|or higher\b|or above\b|and above\b|plus\b)", re.I)
_OR_LESS = re.compile(r"^\s*(?:or less\b|or fewer\b|or lower\b|and below\b)", re.I)
_STRICT_AT_MOST = re.compile(r"(?:fewer than|less than|under|below|<)\s*$", re.I)
_DECREASE_VERB = re.compile(
    r"\b(reduc\w*|decreas\w*|lower\w*|cut\w*|shrink\w*|drop\w*|fall\w*|minimi[sz]\w*)\b", re.I
)
_INCREASE_VERB = re.compile(
    r"\b(increas\w*|grow\w*|rais\w*|improv\w*|boost\w*|doubl\w*|expand\w*|maximi[sz]\w*)\b", re.I
)
_HOLD_VERB = re.compile(r"\b(maintain\w*|keep\w*|sustain\w*|stay\w*|remain\w*)\b", re.I)
_COMPARATOR_WORDS = (
    r"(?:at least|at most|up to|no more than|no less than|not more than|more than|less than|"
    r"fewer than|greater than|a minimum of|a maximum of|over|under|above|below|within|"
    r"[<>≤≥~]=?|about|around|approximately|roughly|some|the|a|an|first|next|only)"
)
_CONDITION = re.compile(
    rf"\b(?:with|within|in|per|for|on|after|across|during|inside|of|from|via|using|"
    rf"while|where|top)\s+(?:{_COMPARATOR_WORDS}\s+)*$",
    re.I,
)
_CHANGE_TO = re.compile(
    r"\b(?:increas\w*|grow\w*|rais\w*|improv\w*|boost\w*|reduc\w*|decreas\w*|lower\w*|cut\w*|"
    r"bring\w*|brought|driv\w*|drove|move\w*|get|gets|getting|shrink\w*|push\w*|expand\w*)\b"
    rf"[^,;.]*?\bto\s+(?:{_COMPARATOR_WORDS}\s+)*$",
    re.I,
)
_REACH = re.compile(
    r"\b(?:reach\w*|achiev\w*|hit|hits|attain\w*|scor\w*|rated?|rating)\b"
    rf"(?:\s+[\w/-]+){{0,4}}?\s+(?:(?:of|to|at)\s+)?(?:{_COMPARATOR_WORDS}\s+)*$",
    re.I,
)
_RANK = re.compile(r"\btop[- ](\d+|three|five|ten)\b", re.I)
_RANK_PLACE_BEFORE = re.compile(
    r"(?:\brank\w*|\bhits?|\breach\w*|\bin(?:to)? the|\bamong the|\bmake the|\bis in|\bare in|"
    r"\bbe in|\bstays? in)\s*(?:the\s*)?$",
    re.I,
)
_RANK_PLACE_AFTER = re.compile(r"^\s*(?:posts?|positions?|spots?|places?|rank\w*|results?)\b", re.I)
_RATIO_NOUN = re.compile(
    r"^\s*(?:(?:[\w-]+\s+){0,3}?(?:coverage|ratio|roas|return)|(?:the\s+|of\s+)?"
    r"(?:target|plan|quota|goal|budget|baseline))\b",
    re.I,
)
"""After "3x": a ratio to a reference level ("3x pipeline coverage", "1.8X target"), which is
the level to reach, not a change of the start."""
_RELATIVE_AFTER = re.compile(
    r"^\s*(?P<kind>reduction|decrease|drop|cut|fewer|less|lower|increase|growth|lift|uplift|"
    r"more|higher|improvement|boost|faster|slower|(?:mom|qoq|yoy|m/m|q/q|y/y|w/w)\b)",
    re.I,
)
_DOWN_WORDS = {"reduction", "decrease", "drop", "cut", "fewer", "less", "lower", "slower"}
_BAND = re.compile(r"(?:\+/-|±|\+-|plus or minus)\s*(" + _NUMBER + r")\s*(%|percent\b)?", re.I)
_DURATION_UNITS = {
    "milliseconds",
    "seconds",
    "minutes",
    "hours",
    "days",
    "weeks",
    "months",
    "years",
}


def _direction_of(text: str, number: _Number) -> tuple[Direction, bool] | None:
    before = _before(text, number.start)[-40:]  # a comparison sits right before its number
    after = _after(text, number.end)
    if _AT_MOST.search(before) or _OR_LESS.match(after):  # before "more than": "no more than"
        return Direction.AT_MOST, bool(_STRICT_AT_MOST.search(before))
    if _MORE_THAN.search(before):
        return Direction.AT_LEAST, True
    if _AT_LEAST.search(before) or _OR_MORE.match(after) or number.plus:
        return Direction.AT_LEAST, False
    return None


def _is_condition(text: str, number: _Number) -> bool:
    """A number that qualifies the measure ("resolved within 5 mins", "with at least 5
    merged MRs", "top 5"), not the amount to reach."""
    return bool(_CONDITION.search(_before(text, number.start)[-64:]))


def _governed(text: str, number: _Number) -> bool:
    """The number the verb aims at: "reach a CSAT of 4.5", "increase authors to 10"."""
    before = _before(text, number.start)
    near = before[-48:]  # cheap test first: only a "to"/"of"/"at" or a reach verb close by
    if not re.search(
        r"\b(?:to|of|at|reach\w*|achiev\w*|hits?|attain\w*|scor\w*|rat\w*)\b", near, re.I
    ):
        return False
    return bool(_CHANGE_TO.search(before) or _REACH.search(before))


def _share(text: str, number: _Number) -> bool:
    """ "95% of all issues ...": the share is what the KR counts."""
    return number.percent and bool(re.match(r"\s*of\b", _after(text, number.end), re.I))


def _relative_direction(
    reading: _Reading, text: str, amount: str, *, down: bool | None
) -> Direction:
    if down is None:
        before = text
        if _DECREASE_VERB.search(before):
            down = True
        elif _INCREASE_VERB.search(before):
            down = False
        else:
            reading.doubt("direction", f"'{amount}' names no direction (up or down?)")
            down = False
    return Direction.DECREASE if down else Direction.INCREASE


def _parse_numbers(reading: _Reading, whole: str) -> ParsedKR:
    text = _clean(reading.text)
    numbers = _numbers(text)
    if not numbers:
        multiple = _multiple_word(text)
        if multiple is not None:
            return _multiple_result(reading, whole, text, multiple)
        if _COMPARATIVE.search(whole):
            reading.doubt(
                "direction", "asks for more or less of something but names no number or target"
            )
        elif not _MILESTONE_WORDS.search(whole):
            reading.doubt(
                "direction", "no number and no milestone wording: say what 'done' looks like"
            )
        return _result(reading, whole, Direction.MILESTONE)

    span = re.search(rf"\bfrom\s+[$€£]?({_NUMBER})\s*(%|\w+)?\s+to\s+[$€£]?({_NUMBER})", text, re.I)
    low, high = (_to_float(span.group(1)), _to_float(span.group(3))) if span else (None, None)
    if span and low is not None and high is not None:
        target_number = next((n for n in numbers if n.start >= span.start(3) - 1), None)
        if target_number is not None:
            scale = target_number.value / high if high else 1.0
            low, high = low * scale, target_number.value
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

    band = _BAND.search(text)
    band_value = _to_float(band.group(1)) if band else None
    if band and band_value is not None:
        return _result(
            reading, whole, Direction.RANGE, band=band_value, unit="%" if band.group(2) else ""
        )

    relative = _relative(reading, text, numbers, whole)
    if relative is not None:
        return relative

    between = re.search(
        rf"(?:\bbetween\s+({_NUMBER})\s*%?\s+and\s+({_NUMBER})|(?<![\w.,])({_NUMBER})\s*(?:-|–|to)\s*({_NUMBER})(?![\w.]|,\d))",
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

    ratios = [n for n in numbers if n.times and _RATIO_NOUN.match(_after(text, n.end))]
    times = next(
        (n for n in numbers if n.times and not _RATIO_NOUN.match(_after(text, n.end))), None
    )
    if times is not None and not ratios:  # "1.8X target and total pipeline at 2.2x": ratios
        return _multiple_result(reading, whole, text, times.value)
    word = _multiple_word(text)
    if word is not None and all(_is_condition(text, n) for n in numbers):
        # "Double lead flow to and from top 3 alliance partners": the 3 qualifies
        return _multiple_result(reading, whole, text, word)

    return _absolute(reading, text, numbers, whole)


def _multiple_word(text: str) -> float | None:
    for stem, value in _MULTIPLE_WORDS.items():
        if re.search(rf"\b{stem}", text, re.I):
            return value
    return None


def _multiple_result(reading: _Reading, whole: str, text: str, multiple: float) -> ParsedKR:
    """ "3x", "triples", "twice as many", "halve": a change by a factor of the start."""
    down = multiple < 1 or bool(_DECREASE_VERB.search(text))
    reading.doubt(
        "baseline", f"a change by a factor of {multiple:g} needs the current value as baseline"
    )
    return _result(
        reading,
        whole,
        Direction.DECREASE if down else Direction.INCREASE,
        multiple=multiple,
        unit="x",
    )


def _relative(reading: _Reading, text: str, numbers: list[_Number], whole: str) -> ParsedKR | None:
    """ "reduced by 50%", "a 75% reduction", "grows by 40 % over last year", "10% m/m",
    "a 15-20 % lift": a change in percent of the starting value."""
    by = re.search(
        rf"\bby\s+(?:up to\s+|at least\s+)?({_NUMBER})\s*(%|percent\b|per cent\b)", text, re.I
    )
    amount: float | None = None
    down: bool | None = None
    label = ""
    if by:
        amount = _to_float(by.group(1))
        label = f"by {by.group(1)}%"
        before = _before(text, by.start())
        down = (
            True
            if _DECREASE_VERB.search(before)
            else (False if _INCREASE_VERB.search(before) else None)
        )
    else:
        for number in numbers:
            if not number.percent:
                continue
            after = _RELATIVE_AFTER.match(_after(text, number.end))
            if after is None or _is_condition(text, number):
                continue
            kind = after.group("kind").lower()
            amount, label = number.value, f"{number.value:g}% {kind}"
            down = kind in _DOWN_WORDS or (
                kind
                not in {
                    "increase",
                    "growth",
                    "lift",
                    "uplift",
                    "more",
                    "higher",
                    "improvement",
                    "boost",
                    "faster",
                }
                and bool(_DECREASE_VERB.search(_before(text, number.start)))
            )
            written = re.escape(text[number.start : number.end].rstrip("% "))
            span = re.search(rf"({_NUMBER})\s*(?:-|–|to)\s*{written}\s*%?\s*$", text[: number.end])
            if span is not None:  # "a 15-20 % lift": the certain part is the lower end
                low = _to_float(span.group(1))
                if low is not None and low < number.value:
                    reading.doubt(
                        "target", f"a range of change ({span.group(0).strip()}): took the lower end"
                    )
                    amount, label = low, f"{low:g}% {kind}"
            break
    if amount is None:
        return None
    direction = _relative_direction(reading, text, label, down=down)
    baseline = _stated_baseline(text)
    if baseline is None:
        reading.doubt(
            "baseline",
            f"a change of {'-' if direction is Direction.DECREASE else '+'}{amount:g}% needs the "
            "current value as baseline; measure it first",
        )
    change = -amount if direction is Direction.DECREASE else amount
    return _result(reading, whole, direction, change=change, baseline=baseline, unit="%")


def _stated_baseline(text: str) -> float | None:
    """A starting value the sentence states beside a relative change: "from 1,200",
    "currently 300", "(today: 40)" is gone with the brackets."""
    match = re.search(
        rf"\b(?:from|currently(?: at)?|up from|down from)\s+[$€£]?({_NUMBER})", text, re.I
    )
    return _to_float(match.group(1)) if match else None


def _absolute(reading: _Reading, text: str, numbers: list[_Number], whole: str) -> ParsedKR:
    rank = _RANK.search(text)
    in_rank = [n for n in numbers if rank and rank.start() <= n.start < rank.end()]
    outside = [n for n in numbers if n not in in_rank]
    main_clause = [n for n in outside if not _is_condition(text, n)]
    if rank and in_rank and not main_clause:
        place = _RANK_PLACE_BEFORE.search(text[: rank.start()]) or _RANK_PLACE_AFTER.match(
            _after(text, rank.end())
        )
        if place or not outside:
            if place:
                return _result(
                    reading, whole, Direction.AT_MOST, target=in_rank[0].value, unit="rank"
                )
            main_clause = in_rank  # "identify the top 3 reasons": a count of 3
    candidates = main_clause or outside or numbers
    main, chosen_by = candidates[0], "first"
    governed = [n for n in outside or numbers if _governed(text, n)]
    shares = [n for n in candidates if _share(text, n)]
    bounded = [n for n in candidates if _direction_of(text, n) is not None]
    if governed:
        main, chosen_by = governed[0], "verb"
    elif shares:
        main, chosen_by = shares[0], "share"
    elif bounded and not main_clause:
        main = bounded[0]
    others = sorted({n.value for n in main_clause if n.value != main.value})
    if others and chosen_by == "first":
        listed = ", ".join(f"{v:g}" for v in others)
        reading.doubt(
            "target", f"several numbers in the sentence; took {main.value:g}, not {listed}"
        )
    if main.approx:
        reading.doubt(
            "target", f"'{text[main.start : main.end]}' names no exact number: took {main.value:g}"
        )
    unit = _unit(text, main, whole)
    changed = _DECREASE_VERB.search(_before(text, main.start)) or _INCREASE_VERB.search(
        _before(text, main.start)
    )
    if (
        changed
        and re.search(r"\bby\s+[$€£]?$", _before(text, main.start), re.I)
        and not main.percent
    ):
        # "reduce cloud spend by €5k": the change is stated, the level it leads to is not
        down = bool(_DECREASE_VERB.search(_before(text, main.start)))
        reading.doubt("target", f"'by {text[main.start : main.end]}' is a change, not a level")
        reading.doubt("baseline", "a change needs the current value as baseline")
        return _result(
            reading, whole, Direction.DECREASE if down else Direction.INCREASE, unit=unit
        )
    found = _direction_of(text, main)
    before = _before(text, main.start)
    strict = False
    if found is not None:
        direction, strict = found
    elif _UP_TO.search(before) and unit not in _DURATION_UNITS:
        direction = Direction.INCREASE  # "up to 90 % coverage": a raise to 90 %
        reading.doubt("baseline", "a raise 'up to' a level: the starting value is unknown")
    elif main.value == 0:
        direction = Direction.AT_MOST  # "zero critical incidents"
    elif _HOLD_VERB.search(before):
        direction = Direction.AT_LEAST
    elif _DECREASE_VERB.search(before):
        direction = Direction.DECREASE
        reading.doubt("baseline", "a decrease needs the current value as baseline")
    elif unit in _DURATION_UNITS and not _INCREASE_VERB.search(before):
        # "in 2 weeks", "a delay of 3 days": time is an upper bound, "runs for 10 days" a floor
        direction = (
            Direction.AT_LEAST if re.search(r"\bfor\s+$", before, re.I) else Direction.AT_MOST
        )
    else:
        direction = Direction.INCREASE
        if _INCREASE_VERB.search(before):
            reading.doubt("baseline", "an increase without 'from': the starting value is unknown")
    return _result(reading, whole, direction, target=main.value, unit=unit, strict=strict)


def _result(
    reading: _Reading,
    whole: str,
    direction: Direction,
    *,
    target: float | None = None,
    target_high: float | None = None,
    baseline: float | None = None,
    change: float | None = None,
    multiple: float | None = None,
    band: float | None = None,
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
        multiple=multiple,
        band=band,
        unit=unit,
        deadline=reading.deadline,
        milestones=tuple(reading.milestones),
        strict=strict,
        uncertain=tuple(reading.uncertain),
    )


MAX_SENTENCE = 2_000
"""Characters of a KR sentence that are read (the longest in the corpus has under 300)."""


def parse_kr(text: str, period: Period) -> ParsedKR:
    """Read one key result sentence; see the module docstring for the rules."""
    whole = re.sub(r"\s+", " ", text).strip()
    reading = _Reading(text=whole[:MAX_SENTENCE])
    if len(whole) > MAX_SENTENCE:  # a KR is a sentence: a wall of text is read in part, said so
        reading.doubt(
            "title", f"{len(whole):,} characters: only the first {MAX_SENTENCE:,} were read"
        )
    _take_milestones(reading, period)
    _take_deadline(reading, period)
    return _parse_numbers(reading, whole)
