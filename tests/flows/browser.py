"""Playwright for Python driving Debian's chromium (never a downloaded browser build): the
``page`` fixture of the browser tests, at a cheap phone's 360 px, and where screenshots go."""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Without these the browser reaches for Google's hosts, which this machine's closed network
# refuses, many at a time.
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 360, "height": 740}
# Test artifacts (gitignored): each browser test leaves its 360-px screenshot here.
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"

if os.environ.get("CI"):  # under CI a missing Playwright fails the browser tests, not skips them
    import playwright.async_api as playwright_api
else:
    playwright_api = pytest.importorskip("playwright.async_api")


@pytest.fixture
async def page() -> AsyncIterator[Any]:
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail("chromium is missing: .ci/run installs Debian's chromium")
        pytest.skip("Debian's chromium is not installed")
    async with playwright_api.async_playwright() as driver:
        browser = await driver.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        context = await browser.new_context(viewport=PHONE, accept_downloads=True)
        context.set_default_timeout(10_000)  # a missing element fails in seconds, not half a minute
        opened = await context.new_page()
        try:
            yield opened
        finally:
            await browser.close()


async def screenshot(page: Any, name: str, element: Any = None, *, full_page: bool = True) -> Path:
    """The whole page (or one element of it, whole) at 360 px, kept as a test artifact."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}-360.png"
    if element is not None:
        # An element taller than the screen inside a scrolling chat: a taller window (the
        # same 360 px wide) so the picture holds all of it.
        box = await element.bounding_box()
        tall = max(PHONE["height"], int(box["height"]) + 200) if box else PHONE["height"]
        await page.set_viewport_size({"width": PHONE["width"], "height": tall})
        await element.scroll_into_view_if_needed()
        await element.screenshot(path=str(path))
        await page.set_viewport_size(PHONE)
    else:
        await page.screenshot(path=str(path), full_page=full_page)
    return path
