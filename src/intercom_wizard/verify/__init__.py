"""`verify`: prove an installation in headless Chromium, offline, against a Messenger stand-in.

Layout: settings (validated inputs) -> browser + standin (Chromium, routes, the JWT-checking ping
handler) -> scenario (the visit, gathering observe.Observations) -> checks (pure rules; violations
tells which Content Security Policy violations concern the Messenger, and their fix) -> report.

The names below are imported on first use (PEP 562), so that importing `verify.command` or
`verify.settings` for the CLI does not load the browser side.
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the real types for the type checker; at run time __getattr__ imports on first use
    from intercom_wizard.verify.browser import BrowserUnavailable as BrowserUnavailable
    from intercom_wizard.verify.browser import chromium_available as chromium_available
    from intercom_wizard.verify.browser import launched_browser as launched_browser
    from intercom_wizard.verify.report import CheckResult as CheckResult
    from intercom_wizard.verify.report import Report as Report
    from intercom_wizard.verify.report import Status as Status
    from intercom_wizard.verify.runner import run_verification as run_verification
    from intercom_wizard.verify.runner import verify_options as verify_options
    from intercom_wizard.verify.settings import Logout as Logout
    from intercom_wizard.verify.settings import SignIn as SignIn
    from intercom_wizard.verify.settings import VerifyOptions as VerifyOptions

_HOMES = {
    "BrowserUnavailable": "browser",
    "chromium_available": "browser",
    "launched_browser": "browser",
    "CheckResult": "report",
    "Report": "report",
    "Status": "report",
    "run_verification": "runner",
    "verify_options": "runner",
    "Logout": "settings",
    "SignIn": "settings",
    "VerifyOptions": "settings",
}

__all__ = sorted(_HOMES)


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(import_module(f"{__name__}.{_HOMES[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
