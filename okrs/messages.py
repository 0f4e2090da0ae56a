"""The Django side of `okrs.core.messages`: a message of the core in the reader's language.

Outside okrs/web so that services and forms, which must not depend on the web layer, say the
core's messages the way the pages do (`okrs.web.words` takes `say` from here)."""

from __future__ import annotations

from django.utils.translation import gettext

from okrs.core.messages import Message


def say(text: str) -> str:
    """A message of the core (`okrs.core.messages.Message`) in the reader's language; other
    text as it is."""
    if isinstance(text, Message):
        return gettext(text.template) % text.values
    return text
