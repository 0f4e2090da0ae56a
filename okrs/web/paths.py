"""Links for the hundreds of rows or boxes of a page, without a `reverse` per link."""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse


def path_to(pk: int, name: str) -> str:
    """`reverse(name, args=[pk])`: the route is reversed once (per name, script prefix and URL
    configuration), then the key is put in its place, at a fraction of `reverse`'s cost."""
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    before, after = _path_around_key(name, get_script_prefix(), urlconf)
    return f"{before}{int(pk)}{after}"


@lru_cache(maxsize=128)
def _path_around_key(name: str, prefix: str, urlconf: str) -> tuple[str, str]:
    sample = "987654321"
    before, found, after = reverse(name, args=[int(sample)], urlconf=urlconf).rpartition(sample)
    if not found:  # pragma: no cover - every route given here takes the key as is
        raise ValueError(f"the path of {name!r} does not hold its key")
    return before, after
