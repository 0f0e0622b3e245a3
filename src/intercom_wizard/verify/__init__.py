"""`verify`: prove an installation in headless Chromium, offline, against a Messenger stand-in.

Layout: settings (validated inputs) -> browser + standin (Chromium, routes, the JWT-checking ping
handler) -> scenario (the visit, gathering observe.Observations) -> checks (pure rules; violations
tells which Content Security Policy violations concern the Messenger, and their fix) -> report.
"""

from intercom_wizard.verify.browser import BrowserUnavailable, chromium_available, launched_browser
from intercom_wizard.verify.report import CheckResult, Report, Status
from intercom_wizard.verify.runner import run_verification, verify_options
from intercom_wizard.verify.settings import Logout, SignIn, VerifyOptions

__all__ = [
    "BrowserUnavailable",
    "CheckResult",
    "Logout",
    "Report",
    "SignIn",
    "Status",
    "VerifyOptions",
    "chromium_available",
    "launched_browser",
    "run_verification",
    "verify_options",
]
