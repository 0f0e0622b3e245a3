"""Debian's Chromium driven by Playwright (sync API), set up for verification.

We never download a browser (`playwright install` cannot work offline or in CI here): the
verifier uses /usr/bin/chromium from Debian and says how to install it when it is missing,
instead of failing with a stack trace. Each visit gets a fresh context with the call recorder
and, unless --live, the offline stand-in routes.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from intercom_wizard.errors import WizardError
from intercom_wizard.verify.observe import Observations, Observer
from intercom_wizard.verify.standin import install_standin, observe_live_pings

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


class BrowserUnavailable(WizardError):
    """No browser to verify with: a setup problem on this machine, not a failed check."""


def chromium_available() -> bool:
    return CHROMIUM.exists()


def _require_chromium() -> None:
    if not chromium_available():
        raise BrowserUnavailable(
            f"Chromium is not installed ({CHROMIUM} is missing): verify drives Debian's Chromium.",
            hint="Install it with: apt-get install -y chromium   (as root; no `playwright install` is needed)",
        )


@contextmanager
def launched_browser() -> Iterator[Browser]:
    """Start headless Chromium for one verification (or for a whole test module) and stop it after."""
    _require_chromium()
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise BrowserUnavailable(
            "The Playwright Python package is not installed.",
            hint="pip install playwright   (the package only: the browser is Debian's Chromium)",
        ) from None
    with sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        except PlaywrightError as error:
            first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            raise BrowserUnavailable(
                f"Chromium did not start: {first_line}",
                hint="Check that `chromium --headless --no-sandbox --version` runs; reinstall with apt-get install -y chromium.",
            ) from None
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def visit_context(browser: Browser, observations: Observations, *, storage_state: Path | None = None) -> Iterator[BrowserContext]:
    """A fresh, isolated browser profile whose Intercom traffic is recorded (and, offline, stood in for)."""
    context = browser.new_context(storage_state=str(storage_state) if storage_state else None, ignore_https_errors=False)
    try:
        Observer(observations).attach(context)
        if observations.options.live:
            observe_live_pings(context, observations)
        else:
            install_standin(context, observations)
        yield context
    finally:
        context.close()
