"""Messages the pure core says to people, ready for translation without Django.

The core writes English; a `Message` is that English text (a `str`, so callers and tests that
compare text keep working) which also carries its `%(name)s` template and values, so the
Django side can say it in the reader's language: `gettext(message.template) % message.values`
(`okrs.messages.say`). `gettext_noop` marks templates for `makemessages`.
"""

from __future__ import annotations


def gettext_noop(text: str) -> str:
    """Marks `text` as a message for the translators (`makemessages` reads this name)."""
    return text


class Message(str):
    """English text made from `template` and `values`, which it keeps for translation."""

    template: str
    values: dict[str, object]

    def __new__(cls, template: str, **values: object) -> Message:
        self = super().__new__(cls, template % values)
        self.template = template
        self.values = values
        return self
