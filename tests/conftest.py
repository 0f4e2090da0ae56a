"""Shared fixtures: the people every permission test needs, and test-friendly settings."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def _var_dir(tmp_path_factory):  # type: ignore[no-untyped-def]
    return tmp_path_factory.mktemp("var")


@pytest.fixture(autouse=True)
def _site_language():  # type: ignore[no-untyped-def]
    """Every test starts in the site's language: a request in another language leaves that one
    active in the thread (LocaleMiddleware activates a language and does not deactivate it), and
    the next test in the same thread would read its words."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _plain_static_storage(settings, _var_dir):  # type: ignore[no-untyped-def]
    """Tests render templates without running collectstatic first."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # what the code keeps in OKRS_VAR_DIR at run time (the demo's password) stays out of ./var
    settings.VAR_DIR = _var_dir
    # webhook receivers in tests listen on 127.0.0.1 (tests/hooks/test_addresses.py turns
    # this off to test the refusal)
    settings.OKRS_WEBHOOK_ALLOW_PRIVATE = True
