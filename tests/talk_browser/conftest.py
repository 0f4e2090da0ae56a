"""Reuse the Chromium/Playwright fixtures of tests/browser (owned by the browser-test work).

Playwright's sync API runs one instance per thread. When tests/browser already holds its
session-wide Chromium (the whole suite in one run), these tests borrow that browser instead of
starting a second Playwright; run alone, they start their own and close it after the module.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, _require_browser, page  # noqa: F401


def _running_browser() -> Any:
    from playwright.sync_api import Browser

    for candidate in gc.get_objects():
        # type(), not isinstance(): isinstance reads __class__, which evaluates lazy objects
        # left by earlier tests (a test client's resolver_match resolves under a urlconf
        # that is gone by now)
        if issubclass(type(candidate), Browser) and candidate.is_connected():
            return candidate
    return None


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is not installed"
        if _require_browser():
            pytest.fail(f"{message} and OKRS_REQUIRE_BROWSER=1 asks for browser tests")
        pytest.skip(message)
    shared = _running_browser()
    if shared is not None:
        yield shared
        return
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()
