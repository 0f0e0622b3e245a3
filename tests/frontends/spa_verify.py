"""Serve a built single-page app with the stand-in API and verify it in Chromium, as a user would:
sign in through /login, navigate client-side to `navigate`, sign out with the app's #logout button."""

import sys
from pathlib import Path

from conftest import SECRET, WORKSPACE_ID
from rich.console import Console

from intercom_wizard.localserver import free_port, running_server
from intercom_wizard.verify import Logout, Report, SignIn, run_verification

SERVER = Path(__file__).with_name("spa_server.py")


def verify_built_app(dist: Path, cwd: Path, navigate: str = "/about") -> tuple[Report, str]:
    """The report and its text (for assertion messages)."""
    port = free_port()
    command = [sys.executable, str(SERVER), str(dist), "--port", str(port)]
    with running_server(command, cwd, port, {"INTERCOM_IDENTITY_SECRET": SECRET}):
        report = run_verification(
            f"http://127.0.0.1:{port}/",
            workspace_id=WORKSPACE_ID,
            secret=SECRET,
            sign_in=SignIn(login_url="/login", username="grace", password="hopper-1906"),
            logout=Logout(selectors=("#logout",)),
            navigate=navigate,
        )
    console = Console(record=True, width=160)
    report.render(console)
    return report, console.export_text()
