"""The KR sentence parser against real KR sentences from public OKR posts (corpus.yaml)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from okrs.core.krparse import ParsedKR, Period, parse_kr, period_from_slug

CORPUS = Path(__file__).with_name("corpus.yaml")
WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "ten": 10, "twenty": 20, "half": 50}


def _period(name: str) -> Period:
    if ".." in name:
        start, end = name.split("..")
        return Period(dt.date.fromisoformat(start), dt.date.fromisoformat(end))
    return period_from_slug(name)


def _cases() -> list[tuple[str, str, Period, dict[str, Any]]]:
    cases = []
    for post in yaml.safe_load(CORPUS.read_text(encoding="utf-8")):
        for item in post["items"]:
            cases.append(
                (post["source"], item["text"], _period(str(post["period"])), item["expect"])
            )
    return cases


def _as_expected(parsed: ParsedKR) -> dict[str, Any]:
    return {
        "direction": parsed.direction.value,
        "target": parsed.target,
        "target_high": parsed.target_high,
        "baseline": parsed.baseline,
        "change": parsed.change,
        "unit": parsed.unit,
        "deadline": parsed.deadline,
        "strict": parsed.strict,
        "uncertain": sorted(parsed.uncertain_fields()),
    }


def _normalise(expect: dict[str, Any]) -> dict[str, Any]:
    return {
        "direction": expect["direction"],
        "target": _float(expect.get("target")),
        "target_high": _float(expect.get("target_high")),
        "baseline": _float(expect.get("baseline")),
        "change": _float(expect.get("change")),
        "unit": expect.get("unit", ""),
        "deadline": expect.get("deadline"),
        "strict": expect.get("strict", False),
        "uncertain": sorted(expect.get("uncertain", [])),
    }


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def _numbers_written(text: str) -> set[float]:
    """Numbers in the sentence, found independently of the parser."""
    found = {float(n.replace(",", "")) for n in re.findall(r"\d+(?:[.,]\d+)?", text)}
    found |= {float(v) for w, v in WORDS.items() if re.search(rf"\b{w}\b", text, re.I)}
    return found


def test_corpus_is_large_and_sourced() -> None:
    cases = _cases()
    assert len(cases) >= 60
    assert all(source.startswith("https://") for source, *_ in cases)
    assert len({text for _, text, *_ in cases}) == len(cases), "duplicate sentences"


def test_corpus_share_parsed_exactly_right() -> None:
    cases = _cases()
    wrong = []
    for source, text, period, expect in cases:
        got, want = _as_expected(parse_kr(text, period)), _normalise(expect)
        if got != want:
            diff = {k: (got[k], want[k]) for k in want if got[k] != want[k]}
            wrong.append(f"{text[:70]!r} ({source}): got/expected {diff}")
    share = 1 - len(wrong) / len(cases)
    print(f"\nKR corpus: {len(cases) - len(wrong)}/{len(cases)} parsed exactly right ({share:.1%})")
    for line in wrong:
        print("  MISS", line)
    assert share >= 0.90


@pytest.mark.parametrize(("source", "text", "period", "expect"), _cases())
def test_no_parse_invents_a_number(
    source: str, text: str, period: Period, expect: dict[str, Any]
) -> None:
    parsed = parse_kr(text, period)
    written = _numbers_written(text)
    for number in parsed.numbers():
        assert number in written, f"{number} is not in {text!r} ({source})"
    if parsed.deadline is not None:
        assert period.contains(parsed.deadline)
