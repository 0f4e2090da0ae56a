"""Reuse the Chromium/Playwright fixtures of tests/browser (owned by the browser-test work)."""

from tests.browser.conftest import browser, page  # noqa: F401
