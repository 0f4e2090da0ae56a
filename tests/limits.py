"""Test helpers for the shared rate limiter."""

from __future__ import annotations

import pytest


def clear_rate_limits(request: pytest.FixtureRequest) -> None:
    """Forget the rate limits' counts (kept in the database cache: okrs.security.cache) for a
    test that uses the database; a test without one has nothing counted."""
    if {"db", "transactional_db"} & set(request.fixturenames) or request.node.get_closest_marker(
        "django_db"
    ):
        request.getfixturevalue("db")
        from django.core.cache import cache

        cache.clear()
