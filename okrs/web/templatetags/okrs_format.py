"""Formatting of grades, progress and values for the reader."""

from __future__ import annotations

from typing import Any

import nh3
from django import template
from django.template.defaultfilters import urlencode
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext, pgettext
from markdown_it import MarkdownIt

from okrs.accounts.services import FORMER_MEMBER
from okrs.labels import label, status_label
from okrs.org.access import can_read_team
from okrs.web import words
from okrs.web.paths import path_to

register = template.Library()
_MARKDOWN = MarkdownIt("commonmark", {"html": False, "linkify": False})


@register.filter
def grade(value: float | None) -> str:
    """A grade on Google's scale with two decimals, or an em dash when there is none."""
    if value is None or value == "":
        return "—"
    return number_format(value, 2)  # the reader's decimal separator: 0.50, 0,50


@register.simple_tag(takes_context=True)
def kr_table(context: template.Context) -> dict[str, str]:
    """What every row of a key result table shares, worked out once a table instead of once a
    row: the words of its head and cells (each cell's `data-label` is the heading a phone shows
    beside its value) and `next`, the way back after a check-in (`back`, else this page), as a
    query value. `{% kr_table as table %}`"""
    request = context.get("request")
    back = context.get("back") or (request.get_full_path() if request is not None else "")
    return {
        "key_result": gettext("Key result"),
        "value": gettext("Value"),
        "target": gettext("Target"),
        "progress": gettext("Progress"),
        "grade": gettext("Grade"),
        "expected": gettext("Expected"),
        "status": gettext("Status"),
        "checkin": gettext("Check-in"),
        "check_in": gettext("Check in"),
        "checkin_page": gettext("Check in on the key result's page"),
        "next": urlencode(back),
    }


@register.filter
def percent(value: float | None) -> str:
    """A fraction as a whole percentage (progress may exceed 100% or be negative)."""
    if value is None or value == "":
        return "—"
    return pgettext("a percentage", "%(number)s%%") % {"number": number_format(value * 100, 0)}


def _pace(message: str, progress: float | None, expected: float | None) -> str:
    return message % {"progress": percent(progress), "expected": percent(expected)}


@register.simple_tag
def pace_line(progress: float | None, expected: float | None) -> str:
    """ "Progress 91% · expected 70%": the line under an objective's grade (a board shows one
    an objective; a tag costs a fraction of `blocktranslate`)."""
    return _pace(gettext("Progress %(progress)s · expected %(expected)s"), progress, expected)


@register.simple_tag
def pace_bar_label(progress: float | None, expected: float | None) -> str:
    """ "Progress 91%, expected 70%": what a progress bar says to a screen reader."""
    return _pace(gettext("Progress %(progress)s, expected %(expected)s"), progress, expected)


@register.filter
def expected_mark(expected: float | None) -> str:
    """ "Expected 70%": the title of a progress bar's expected-progress mark."""
    return gettext("Expected %(expected)s") % {"expected": percent(expected)}


@register.filter
def measured(counts: Any) -> str:
    """ "2 of 3 measured" in the reader's language, from the numbers of a
    `okrs.core.rollup.Measured` (the plural follows the number of key results)."""
    if counts is None or counts == "":
        return ""
    total = counts.total
    return ngettext(
        "%(measured)s of %(total)s measured", "%(measured)s of %(total)s measured", total
    ) % {"measured": number_format(counts.measured), "total": number_format(total)}


# a status (`okrs.core.pacing.Status` or its value) in the reader's language
register.filter("status_label", status_label)


@register.filter
def status_badge(status: Any) -> SafeString:
    """A status as the pages show it: a labelled badge coloured by its value (a filter, not an
    included template: a board shows one a row)."""
    value = str(getattr(status, "value", status))
    return format_html('<span class="status status-{}">{}</span>', value, status_label(value))


@register.filter
def role_label(role: str) -> str:
    """A team role ("lead", "member", "viewer") in the reader's words."""
    from okrs.org.models import Role

    return str(dict(Role.choices).get(role, role))


@register.filter
def say(text: Any) -> Any:
    """A message of the pure core (`okrs.core.messages.Message`) in the reader's language."""
    return words.say(text) if isinstance(text, str) else text


@register.filter
def bar_width(value: float | None) -> str:
    """The width of a progress bar: the fraction clamped to 0–100, as a CSS percentage."""
    if value is None:
        return "0%"
    return f"{max(0.0, min(1.0, value)) * 100:.1f}%"


@register.filter
def quantity(value: float | None, unit: str = "") -> str:
    """A measured value with its unit in the right number ("1 program", "3 programs"),
    without needless decimals."""
    if value is None:
        return "—"
    return words.quantity(value, unit)


@register.filter
def kr_value(value: float | None, key_result: Any) -> str:
    """A key result's value as its reader says it: a milestone is done or not done, any other
    value has its unit."""
    if value is None:
        return "—"
    if getattr(key_result, "direction", "") == "milestone":
        return words.milestone(value)
    return quantity(value, getattr(key_result, "unit", ""))


@register.filter
def kr_target(key_result: Any) -> str:
    """A key result's target as its reader says it: "done" for a milestone, "low–high" for a
    range, else the target with its unit."""
    if key_result.direction == "milestone":
        return gettext("done")
    if key_result.direction == "range":
        return f"{quantity(key_result.target)}–{quantity(key_result.target_high, key_result.unit)}"
    return quantity(key_result.target, key_result.unit)


@register.filter
def check_in_on(title: str) -> str:
    """ "on TITLE", said after "Check in" to a screen reader, which hears which key result
    the button is for."""
    return gettext("on %(kr)s") % {"kr": title}


# `{% url name pk %}` for the rows of a page: `{{ pk|path_to:'web:objective' }}`
register.filter("path_to", path_to)


@register.filter
def readable_parent(team: Any, user: Any) -> Any:
    """`team`'s parent team if `user` may read it, else None: a private parent's name is not
    shown under a public team."""
    parent = getattr(team, "parent", None)
    return parent if parent is not None and can_read_team(user, parent) else None


@register.filter
def person(user: object) -> str:
    """A person's display name, else their username; "—" for nobody.

    Reads the profile only when the query already loaded it (``select_related("…__profile")``),
    so a list of people never costs a query per row.
    """
    if user is None:
        return "—"
    if str(getattr(user, "username", "")).startswith(FORMER_MEMBER + "-") and not getattr(
        user, "is_active", True
    ):
        return gettext("former member")  # a deleted account (okrs.accounts.services)
    cache = getattr(getattr(user, "_state", None), "fields_cache", {})
    profile = cache.get("profile")
    name = getattr(profile, "display_name", "") if profile is not None else ""
    return name or str(getattr(user, "username", user))


@register.filter
def markdown(text: str) -> SafeString:
    """User-written Markdown as HTML, sanitized (nh3) so no script or style gets through."""
    html = _MARKDOWN.render(str(text or ""))  # str: a translated default is lazy
    return mark_safe(nh3.clean(html, link_rel="nofollow noopener"))


@register.filter
def diff_value(value: object) -> str:
    """A value in the history of changes."""
    if value is None or value == "":
        return "—"
    if isinstance(value, float):
        return quantity(value)
    return str(value)


@register.filter
def field_label(name: str) -> str:
    """A field's name in the history of changes, in the reader's words (`okrs.labels`)."""
    return str(label(name))


@register.filter
def make_list_words(text: str) -> list[str]:
    """Split words, for small loops in templates: ``"up down"|make_list_words``."""
    return str(text).split()


AVATAR_COLOURS = 8
"""Initials avatars come in this many colours (classes avatar-0 … avatar-7 in site.css)."""


def initials(name: str) -> str:
    """Up to two initials of a name: "Kestrel Example" -> "KE", "juniper" -> "J"."""
    words = [w for w in name.replace("_", " ").replace(".", " ").split() if w[:1].isalnum()]
    return "".join(w[0] for w in words[:2]).upper() or "?"


@register.filter
def avatar(user: object) -> SafeString:
    """A person's initials in a coloured circle (decorative: the name is beside it), the
    colour fixed by the username so a person keeps theirs on every page."""
    if user is None:
        return mark_safe("")
    name = person(user)
    username = str(getattr(user, "username", name))
    colour = sum(username.encode()) % AVATAR_COLOURS
    return format_html(
        '<span class="avatar avatar-{}" aria-hidden="true">{}</span>', colour, initials(name)
    )


@register.filter
def named(user: object) -> SafeString:
    """A person shown by name with their initials avatar."""
    if user is None:
        return mark_safe("—")
    return format_html('<span class="who">{}{}</span>', avatar(user), person(user))
