"""Chat messages in the formats of Slack, Mattermost, Discord and Matrix (hookshot) incoming
webhooks. Pure: a note (a sentence, optional lines, a link) in, the JSON body out.

Every text okrs writes into a message is escaped for the format, and mentions are defused
(`@channel`, `@everyone`, `<!here>`), so an objective's title cannot ping a whole community.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any

KINDS = ("slack", "mattermost", "discord", "matrix")
LIMITS = {"slack": 3900, "mattermost": 3900, "discord": 1990, "matrix": 3900}
_ZWSP = "\u200b"  # after "@": shown the same, never a mention
_MARKDOWN_SPECIAL = "\\`*_~[]()<>#|"


@dataclass(frozen=True)
class Note:
    text: str
    link: str = ""
    link_label: str = ""
    lines: tuple[str, ...] = field(default_factory=tuple)


def _defuse(text: str) -> str:
    return text.replace("@", "@" + _ZWSP)


def _slack(text: str) -> str:
    return _defuse(text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))


def _markdown(text: str) -> str:
    escaped = "".join("\\" + c if c in _MARKDOWN_SPECIAL else c for c in text)
    return _defuse(escaped)


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def render(kind: str, note: Note) -> dict[str, Any]:
    """The JSON body for a `kind` webhook. Raises ValueError for an unknown kind."""
    if kind not in KINDS:
        raise ValueError(f"unknown chat kind {kind!r}: expected one of {', '.join(KINDS)}")
    limit = LIMITS[kind]
    if kind == "slack":
        body = [_slack(note.text), *("• " + _slack(line) for line in note.lines)]
        if note.link:
            label = _slack(note.link_label or note.link).replace("|", "¦")
            body.append(f"<{note.link}|{label}>")
        return {"text": _cut("\n".join(body), limit)}
    if kind in ("mattermost", "discord"):
        body = [_markdown(note.text), *("- " + _markdown(line) for line in note.lines)]
        if note.link:  # Discord's <…> around the address: no preview card under the message
            target = f"<{note.link}>" if kind == "discord" else note.link
            body.append(f"[{_markdown(note.link_label or note.link)}]({target})")
        text = _cut("\n".join(body), limit)
        if kind == "discord":
            return {"content": text, "allowed_mentions": {"parse": []}}
        return {"text": text}
    plain = [note.text, *("• " + line for line in note.lines)]
    rich = [html.escape(note.text)]
    if note.lines:
        rich.append("<ul>" + "".join(f"<li>{html.escape(x)}</li>" for x in note.lines) + "</ul>")
    if note.link:
        plain.append(note.link)
        label = html.escape(note.link_label or note.link)
        rich.append(f'<a href="{html.escape(note.link, quote=True)}">{label}</a>')
    return {"text": _cut("\n".join(plain), limit), "html": _cut("<br>".join(rich), limit * 2)}
