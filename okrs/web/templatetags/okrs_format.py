"""Formatting of grades, progress and values for the reader."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def grade(value: float | None) -> str:
    """A grade on Google's scale with two decimals, or an em dash when there is none."""
    return "—" if value is None else f"{value:.2f}"


@register.filter
def percent(value: float | None) -> str:
    """A fraction as a whole percentage (progress may exceed 100% or be negative)."""
    return "—" if value is None else f"{value * 100:.0f}%"


@register.filter
def bar_width(value: float | None) -> str:
    """The width of a progress bar: the fraction clamped to 0–100, as a CSS percentage."""
    if value is None:
        return "0%"
    return f"{max(0.0, min(1.0, value)) * 100:.1f}%"


@register.filter
def quantity(value: float | None, unit: str = "") -> str:
    """A measured value with its unit, without needless decimals."""
    if value is None:
        return "—"
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    if not unit:
        return text
    return f"{text}{unit}" if unit == "%" else f"{text} {unit}"
