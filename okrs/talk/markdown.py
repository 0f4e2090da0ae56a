"""Comments are CommonMark rendered by markdown-it-py (raw HTML off), then cleaned by nh3 with an
allow-list: no script, no style, no event attributes, links only to http, https and mailto, each
with rel="nofollow noopener"."""

from __future__ import annotations

import re

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

_md = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable(["strikethrough"])

ALLOWED_TAGS = {
    "a",
    "p",
    "br",
    "strong",
    "em",
    "del",
    "s",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto"}

MENTION = re.compile(r"(?<![\w@/.])@([A-Za-z0-9_.+-]{1,150})")


def mentioned_usernames(text: str) -> list[str]:
    """The usernames written as `@name` in `text`, in order, once each (trailing dots dropped)."""
    seen: dict[str, None] = {}
    for match in MENTION.finditer(text or ""):
        seen.setdefault(match.group(1).rstrip("."), None)
    return list(seen)


def render(text: str) -> SafeString:
    """Safe HTML for a comment written in Markdown."""
    html = _md.render(text or "")
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener",
        strip_comments=True,
    )
    return mark_safe(cleaned)  # cleaned by nh3 just above
