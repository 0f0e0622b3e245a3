"""`verify`: prove an installation in headless Chromium, offline, against a Messenger stand-in.

Layout: settings (validated inputs) -> browser + standin (Chromium, routes, the JWT-checking ping
handler) -> scenario (the visit, gathering observe.Observations) -> checks (pure rules; violations
tells which Content Security Policy violations concern the Messenger, and their fix) -> report.

The names below are imported on first use (PEP 562), so that importing `verify.command` or
`verify.settings` for the CLI does not load the browser side.
"""

from importlib import import_module
from typing import Any

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
