"""Real Chromium through Playwright's sync API, against pytest-django's live server.

The browser is the system's `/usr/bin/chromium` (never downloaded). Without it the browser tests
are skipped, unless OKRS_REQUIRE_BROWSER=1 asks for them (CI): then they fail. Screenshots go to
test-artifacts/screenshots/ (not committed) at desktop and phone width.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}

# Playwright's sync API keeps an event loop running in this thread; the test's own ORM calls
# (fixtures, assertions) are plain synchronous code, so Django's async guard is lifted here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _require_browser() -> bool:
    return os.environ.get("OKRS_REQUIRE_BROWSER", "") == "1"


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """A headless Chromium for the whole session (skipped, or failed on demand, without it)."""
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is not installed"
        if _require_browser():
            pytest.fail(f"{message} and OKRS_REQUIRE_BROWSER=1 asks for browser tests")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    """A fresh browser context (no cookies) at desktop size; `page.base` is the server's URL."""
    context = browser.new_context(viewport=DESKTOP, locale="en-US")
    context.set_default_timeout(15_000)
    tab = context.new_page()
    tab.base = live_server.url
    try:
        yield tab
    finally:
        context.close()


def log_in_as(page: Any, user: User) -> None:
    """Give the browser the session of `user` (for tests that are not about logging in)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies["sessionid"]
    page.context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": page.base}])


def screenshot(page: Any, name: str) -> list[Path]:
    """Save full-page screenshots of the current page at desktop and phone width."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    paths = []
    for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        path = SCREENSHOTS / f"{name}-{label}.png"
        page.screenshot(path=str(path), full_page=True)
        paths.append(path)
    page.set_viewport_size(DESKTOP)
    return paths


def stylesheet_applied(page: Any) -> bool:
    """Whether site.css reached the page (the header gets its panel background from it)."""
    colour = page.eval_on_selector(".site-header", "e => getComputedStyle(e).backgroundColor")
    return bool(colour == "rgb(246, 248, 250)")
