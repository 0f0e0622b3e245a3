"""Signing out through an account menu: repeatable `--logout-selector`, clicked in order.

Corpus: Wagtail's admin (django-bakerydemo) signs out only by a POST from its sidebar's account menu
(`GET /admin/logout/` is refused), and the menu must be opened before its "Log out" button can be
clicked. A tiny app of our own has that shape: an admin page whose menu button reveals a POST form
with a CSRF token, a sign-out URL that refuses GET, and an admin login page without the Messenger.
Two users verify when both clicks are given; the control (only the hidden item) fails at the click.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs

import pytest
from conftest import SECRET, WORKSPACE_ID, threaded_server
from verify_support import require_chromium

from intercom_wizard.integrations.frontends.html import script_source
from intercom_wizard.options import InstallOptions, parse_workspace_id
from intercom_wizard.tokens import mint
from intercom_wizard.verify import Logout, SignIn, Status, launched_browser, run_verification

USERS = {"ann": ("ann-password", "ann@example.com", "Ann Smith", "201"), "ben": ("ben-password", "ben@example.com", "Ben Jones", "202")}
ENDPOINT = "/api/intercom-jwt"
MENU = "button.account-toggle"
LOG_OUT = "form[action='/admin/logout/'] button"
# The admin: no Messenger; the account menu is closed until its toggle is clicked (as a React sidebar renders it).
ADMIN = """<!doctype html><html><body><nav>
<button class="account-toggle" type="button" aria-expanded="false">Account</button>
<div class="account-menu" hidden><form method="post" action="/admin/logout/">
<input type="hidden" name="csrf" value="{csrf}"><button type="submit">Log out</button></form></div>
</nav><script>
document.querySelector('.account-toggle').addEventListener('click', function () {{
  document.querySelector('.account-menu').hidden = false;
}});
</script></body></html>"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    require_chromium()
    with launched_browser() as launched:
        yield launched


def admin_menu_app() -> Any:
    sessions: dict[str, tuple[str, str]] = {}  # sid -> (user, csrf token)
    script = script_source(InstallOptions(workspace=parse_workspace_id(WORKSPACE_ID)), token_url=ENDPOINT).encode()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def session(self) -> tuple[str | None, tuple[str, str] | None]:
            cookie = self.headers.get("Cookie", "")
            sid = next((part.split("=", 1)[1] for part in cookie.split("; ") if part.startswith("sid=")), None)
            return sid, sessions.get(sid or "")

        def send(self, status: int, body: bytes, content_type: str = "text/html; charset=utf-8", headers: dict[str, str] | None = None) -> None:
            self.send_response(status)
            for name, value in {"Content-Type": content_type, "Content-Length": str(len(body)), **(headers or {})}.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            _, session = self.session()
            if self.path == "/intercom-messenger.js":
                self.send(200, script, "text/javascript")
            elif self.path == ENDPOINT:
                if session is None:
                    self.send(401, b'{"error": "not signed in"}', "application/json", {"Cache-Control": "no-store"})
                    return
                _, email, name, user_id = USERS[session[0]]
                self.send(200, json.dumps({"token": mint(SECRET, user_id, email, name)}).encode(), "application/json", {"Cache-Control": "no-store"})
            elif self.path == "/admin/login/":
                form = b'<form method="post" action="/admin/login/"><input name="username"><input type="password" name="password"><button type="submit">Sign in</button></form>'
                self.send(200, b"<!doctype html><html><body>" + form + b"</body></html>")
            elif self.path == "/admin/logout/":
                self.send(405, b"sign out with POST", headers={"Allow": "POST"})
            elif self.path == "/admin/":
                if session is None:
                    self.send(302, b"", headers={"Location": "/admin/login/"})
                    return
                self.send(200, ADMIN.format(csrf=session[1]).encode())
            else:
                self.send(200, b'<!doctype html><html><body><h1>Bakery</h1><script src="/intercom-messenger.js" defer></script></body></html>')

        def do_POST(self) -> None:
            fields = parse_qs(self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode())
            sid, session = self.session()
            if self.path == "/admin/login/":
                name = fields.get("username", [""])[0]
                if name in USERS and fields.get("password", [""])[0] == USERS[name][0]:
                    new_sid = secrets.token_hex(16)
                    sessions[new_sid] = (name, secrets.token_hex(8))
                    self.send(302, b"", headers={"Location": "/admin/", "Set-Cookie": f"sid={new_sid}; Path=/; HttpOnly"})
                else:
                    self.send(403, b"wrong password")
            elif self.path == "/admin/logout/" and session is not None and fields.get("csrf", [""])[0] == session[1]:
                sessions.pop(sid or "", None)
                self.send(302, b"", headers={"Location": "/admin/login/", "Set-Cookie": "sid=; Path=/; Max-Age=0"})
            else:
                self.send(403, b"CSRF verification failed")

    return threaded_server(Handler)


def _verify(browser: Any, url: str, logout: Logout) -> Any:
    users = tuple(SignIn(login_url="/admin/login/", username=name, password=USERS[name][0]) for name in ("ann", "ben"))
    return run_verification(url + "/", workspace_id=WORKSPACE_ID, secret=SECRET, browser=browser, users=users, logout=logout)


def test_an_account_menu_then_its_log_out_button_signs_out_two_users(browser: Any) -> None:
    with admin_menu_app() as url:
        report = _verify(browser, url, Logout(url="/admin/", selectors=(MENU, LOG_OUT)))
    assert report.passed, report.dumps()
    identity = "\n".join(report.check("identity").evidence)
    assert '"user_id": "201"' in identity and '"user_id": "202"' in identity
    assert report.check("logout").status is Status.PASS


def test_the_menu_item_alone_cannot_be_clicked_while_the_menu_is_closed(browser: Any) -> None:
    """The control: without opening the menu first, the hidden Log out button is never clicked."""
    with admin_menu_app() as url:
        report = _verify(browser, url, Logout(url="/admin/", selectors=(LOG_OUT,)))
    assert not report.passed
    evidence = [line for check in json.loads(report.dumps())["checks"] for line in check["evidence"]]
    assert any(f"could not click {LOG_OUT!r}" in line for line in evidence), evidence
