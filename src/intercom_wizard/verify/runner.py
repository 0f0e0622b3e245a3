"""run_verification: the Python API behind `intercom-wizard verify` (and what `demo` calls).

A caller that verifies many sites (the tests) passes its own launched browser so Chromium starts
once; otherwise one is started and stopped here.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from intercom_wizard.options import Region
from intercom_wizard.verify.api import check_api
from intercom_wizard.verify.browser import launched_browser
from intercom_wizard.verify.checks import csp_notes, evaluate
from intercom_wizard.verify.report import Report
from intercom_wizard.verify.scenario import run_scenario
from intercom_wizard.verify.settings import Logout, SignIn, VerifyOptions

if TYPE_CHECKING:
    from playwright.sync_api import Browser


def verify_options(options: VerifyOptions, *, browser: Browser | None = None) -> Report:
    if browser is None:
        with launched_browser() as launched:
            observations = run_scenario(launched, options)
    else:
        observations = run_scenario(browser, options)
    report = Report(
        url=options.url,
        workspace_id=options.workspace_id,
        region=options.region.value,
        mode="live" if options.live else "offline",
        checks=evaluate(observations) + [check_api(observations)],
        screenshot=str(options.screenshot) if options.screenshot and options.screenshot.exists() else None,
    )
    if not options.live:
        report.notes.append("offline: the Messenger was the intercom-wizard stand-in; its pings were judged as enforced identity verification would")
    report.notes.append("enforce identity verification in the Messenger Security settings: until it is enforced, Intercom accepts unverified boots")
    report.notes += csp_notes(observations)
    return report


def run_verification(
    url: str,
    *,
    workspace_id: str,
    secret: str,
    region: Region = Region.US,
    endpoint: str = "/api/intercom-jwt",
    sign_in: SignIn | None = None,
    logout: Logout | None = None,
    navigate: str | None = None,
    visits: tuple[str, ...] = (),
    live: bool = False,
    api_token: str | None = None,
    screenshot: Path | None = None,
    browser: Browser | None = None,
    users: tuple[SignIn, ...] = (),
) -> Report:
    """Visit `url` in headless Chromium (signed out, signed in, navigating, signing out) and check the Messenger.

    Raises BadInput for unusable options and BrowserUnavailable when Chromium or Playwright is missing.
    """
    options = VerifyOptions(
        url=url,
        workspace_id=workspace_id,
        secret=secret,
        region=region,
        endpoint=endpoint,
        sign_in=sign_in or (users[0] if users else SignIn()),
        logout=logout or Logout(),
        navigate=navigate,
        visits=visits,
        live=live,
        api_token=api_token,
        screenshot=screenshot,
        users=users,
    )
    return verify_options(options, browser=browser)
