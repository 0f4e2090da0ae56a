"""Net Promoter Score: counts, score, standard error, 95% intervals and a verdict on a target.

Pure rules, no Django. Scores run 0 to 10: promoters answer 9 or 10, passives 7 or 8,
detractors 0 to 6. NPS = % promoters − % detractors, in points from −100 to +100.

The standard error treats each answer as +1 (promoter), 0 (passive) or −1 (detractor):
with p and q the shares of promoters and detractors, the variance of one answer is
``p + q − (p − q)²`` and the standard error of the NPS is ``sqrt(that / n)``.

Two 95% intervals:

- plain Wald: the point estimate ± z · SE, from the raw shares;
- adjusted-Wald (Rocks, 2016; the one okrs reports): add 3/4 of an answer to the promoters
  and to the detractors and 3 answers to n, then apply Wald. It keeps its coverage near 95%
  for small samples and extreme scores, where plain Wald is too narrow.

Published check (MeasuringU): n = 1162, 291 promoters, 476 passives, 395 detractors gives
−8.95 ± 4.39 (Wald) and −8.93 ± 4.38 (adjusted-Wald).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from okrs.core.messages import Message, gettext_noop

Z95 = 1.959963984540054
#: Below this many answers a verdict is reported with a warning: the interval is wide and
#: normal approximations are rough.
MIN_SAMPLE = 30
#: The adjusted-Wald pseudo-answers (Rocks 2016): added to promoters and to detractors, and to n.
ADJUST_EACH = 0.75
ADJUST_N = 3


class Category(StrEnum):
    PROMOTER = "promoter"
    PASSIVE = "passive"
    DETRACTOR = "detractor"


class Method(StrEnum):
    WALD = "wald"
    ADJUSTED_WALD = "adjusted_wald"


class Comparator(StrEnum):
    GT = ">"
    GE = ">="
    LT = "<"
    LE = "<="


class Verdict(StrEnum):
    MET = "met"  # the whole interval satisfies the target
    NOT_MET = "not_met"  # the whole interval fails it
    UNDECIDED = "undecided"  # the interval straddles the target (or there is no answer)


def check_score(score: int) -> int:
    """Return ``score`` if it is an integer 0 to 10, else raise ValueError."""
    if isinstance(score, bool) or not isinstance(score, int) or not 0 <= score <= 10:
        raise ValueError(f"an NPS score is an integer from 0 to 10, got {score!r}")
    return score


def category(score: int) -> Category:
    """Promoter (9–10), passive (7–8) or detractor (0–6)."""
    check_score(score)
    if score >= 9:
        return Category.PROMOTER
    if score >= 7:
        return Category.PASSIVE
    return Category.DETRACTOR


@dataclass(frozen=True, slots=True)
class NpsCounts:
    promoters: int
    passives: int
    detractors: int

    def __post_init__(self) -> None:
        for name in ("promoters", "passives", "detractors"):
            count = getattr(self, name)
            if isinstance(count, bool) or not isinstance(count, int) or count < 0:
                raise ValueError(f"{name}: must be a count (integer ≥ 0), got {count!r}")

    @property
    def n(self) -> int:
        return self.promoters + self.passives + self.detractors

    @classmethod
    def from_scores(cls, scores: Iterable[int]) -> NpsCounts:
        tally = dict.fromkeys(Category, 0)
        for score in scores:
            tally[category(score)] += 1
        return cls(tally[Category.PROMOTER], tally[Category.PASSIVE], tally[Category.DETRACTOR])


@dataclass(frozen=True, slots=True)
class NpsInterval:
    """An NPS estimate in points with its standard error and 95% interval."""

    method: Method
    nps: float
    standard_error: float
    margin: float

    @property
    def low(self) -> float:
        return max(-100.0, self.nps - self.margin)

    @property
    def high(self) -> float:
        return min(100.0, self.nps + self.margin)


def nps(counts: NpsCounts) -> float | None:
    """% promoters − % detractors, in points; None when nobody answered."""
    if counts.n == 0:
        return None
    return 100.0 * (counts.promoters - counts.detractors) / counts.n


def _wald(promoters: float, detractors: float, n: float, z: float, method: Method) -> NpsInterval:
    p, q = promoters / n, detractors / n
    variance = max(0.0, p + q - (p - q) ** 2)
    se = math.sqrt(variance / n)
    return NpsInterval(method=method, nps=100.0 * (p - q), standard_error=100.0 * se,
                       margin=100.0 * z * se)  # fmt: skip


def wald(counts: NpsCounts, z: float = Z95) -> NpsInterval | None:
    """The plain Wald interval around the observed NPS; None when nobody answered."""
    if counts.n == 0:
        return None
    return _wald(counts.promoters, counts.detractors, counts.n, z, Method.WALD)


def adjusted_wald(counts: NpsCounts, z: float = Z95) -> NpsInterval:
    """The adjusted-Wald interval: 3/4 added to promoters and to detractors, 3 to n.

    Defined even for n = 0 (then centred on 0 with a wide margin).
    """
    return _wald(
        counts.promoters + ADJUST_EACH,
        counts.detractors + ADJUST_EACH,
        counts.n + ADJUST_N,
        z,
        Method.ADJUSTED_WALD,
    )


def verdict(interval: NpsInterval | None, target: float, comparator: Comparator) -> Verdict:
    """Whether a target such as "> 11.5 NPS" is met with 95% confidence.

    Met when the whole interval satisfies the comparison, not met when none of it does,
    undecided otherwise or when there is no estimate.
    """
    if interval is None:
        return Verdict.UNDECIDED
    low, high = interval.low, interval.high
    comparator = Comparator(comparator)
    if comparator in (Comparator.GT, Comparator.GE):
        satisfied = low > target if comparator is Comparator.GT else low >= target
        failed = high <= target if comparator is Comparator.GT else high < target
    else:
        satisfied = high < target if comparator is Comparator.LT else high <= target
        failed = low >= target if comparator is Comparator.LT else low > target
    if satisfied:
        return Verdict.MET
    if failed:
        return Verdict.NOT_MET
    return Verdict.UNDECIDED


@dataclass(frozen=True, slots=True)
class NpsSummary:
    """Everything a page or report needs to show about an NPS measure."""

    counts: NpsCounts
    nps: float | None
    wald: NpsInterval | None
    adjusted: NpsInterval
    verdict: Verdict | None
    warning: str | None

    @property
    def n(self) -> int:
        return self.counts.n


def small_sample_warning(counts: NpsCounts, minimum: int = MIN_SAMPLE) -> str | None:
    """A warning when the sample is too small for the interval to mean much."""
    if counts.n == 0:
        return Message(gettext_noop("No answers yet: the NPS is unknown."))
    if counts.n < minimum:
        return Message(
            gettext_noop(
                "Only %(n)s answers (fewer than %(minimum)s): the interval is wide and only a"
                " rough guide."
            ),
            n=counts.n,
            minimum=minimum,
        )
    return None


def summarize(
    counts: NpsCounts, *, target: float | None = None, comparator: Comparator | None = None
) -> NpsSummary:
    """NPS, both intervals, the verdict on ``target`` (if given) and a small-sample warning."""
    adjusted = adjusted_wald(counts)
    decided: Verdict | None = None
    if target is not None and comparator is not None:
        decided = verdict(adjusted if counts.n else None, target, comparator)
    return NpsSummary(
        counts=counts,
        nps=nps(counts),
        wald=wald(counts),
        adjusted=adjusted,
        verdict=decided,
        warning=small_sample_warning(counts),
    )
