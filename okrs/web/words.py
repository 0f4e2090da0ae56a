"""The chart words (`okrs.core.charts.Words`) of the reader's language: messages through
gettext, numbers with the language's separators, days in its date formats."""

from __future__ import annotations

import datetime as dt

from django.utils.formats import date_format, get_format
from django.utils.translation import gettext, pgettext

from okrs.core import charts
from okrs.labels import status_label
from okrs.messages import say as say  # re-exported: the pages take it with their words


def number(value: float) -> str:
    """`okrs.core.charts.number` (at most two decimals, thousands grouped) with the reader's
    separators: 1,234.5 in English, 1.234,5 in Spanish."""
    text = charts.number(value)
    decimal, thousands = get_format("DECIMAL_SEPARATOR"), get_format("THOUSAND_SEPARATOR")
    return text.replace(",", "\x00").replace(".", decimal).replace("\x00", thousands)


def day(value: dt.date) -> str:
    """A short day for a chart's axis and legend: "Feb 1", "1 feb"."""
    return date_format(value, pgettext("a short day on a chart axis (a date format)", "M j"))


def long_day(value: dt.date) -> str:
    return date_format(value, "DATE_FORMAT")


def reader_words() -> charts.Words:
    """The words of the active language (English gives what `charts.ENGLISH` gives)."""
    return charts.Words(
        gettext=gettext, number=number, day=day, long_day=long_day, status=status_label
    )


def quantity(value: float, unit: str) -> str:
    """A value with its unit, its number as the reader writes it."""
    return charts.quantity(value, unit, number, gettext)


def milestone(value: float) -> str:
    return gettext(charts.milestone_text(value))
