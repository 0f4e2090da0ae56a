""" "N of M measured" is said through Django's translation machinery (ngettext, the plural
following the number of key results), from the numbers of `okrs.core.rollup.Measured`."""

from __future__ import annotations

from typing import Any

import pytest

from okrs.core.rollup import Measured
from okrs.web.templatetags import okrs_format


def test_measured_is_said_in_the_readers_words_with_its_plural(monkeypatch: Any) -> None:
    asked: list[tuple[str, str, int]] = []

    def ngettext(singular: str, plural: str, number: int) -> str:
        asked.append((singular, plural, number))
        return "%(measured)s sur %(total)s mesurés"

    monkeypatch.setattr(okrs_format, "ngettext", ngettext)
    assert okrs_format.measured(Measured(1, 3)) == "1 sur 3 mesurés"
    assert asked == [("%(measured)s of %(total)s measured",) * 2 + (3,)]


@pytest.mark.parametrize(("counts", "text"), [(Measured(0, 0), "0 of 0 measured"),
                                              (Measured(2, 3), "2 of 3 measured"),
                                              (None, "")])  # fmt: skip
def test_measured_in_english(counts: Measured | None, text: str) -> None:
    assert okrs_format.measured(counts) == text
