"""Shared fixtures: the people every permission test needs, and test-friendly settings."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):  # type: ignore[no-untyped-def]
    """Tests render templates without running collectstatic first."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # webhook receivers in tests listen on 127.0.0.1 (tests/hooks/test_addresses.py turns
    # this off to test the refusal)
    settings.OKRS_WEBHOOK_ALLOW_PRIVATE = True
