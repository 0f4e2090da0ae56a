from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def languages(request: HttpRequest) -> dict[str, list[tuple[str, str]]]:
    """The switcher's languages: the pseudo-locale only when OKRS_PSEUDO_LOCALE is on."""
    return {
        "okrs_languages": [
            (code, name)
            for code, name in settings.LANGUAGES
            if not code.startswith("qps") or settings.OKRS_PSEUDO_LOCALE
        ]
    }
