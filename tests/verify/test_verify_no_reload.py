"""`verify --no-reload`: an app that keeps its sign-in only in memory (vue3-fastapi-cookie-jwt's Vuex store,
react-fastapi-jwt-memory's React state, docs/corpus.md) shows its sign-out control only while that memory
holds the user; verify's page load after the sign-in signs the app's view out, so the sign-out click
timed out ("could not click 'text=Log Out'"). With --no-reload the signed-in page is the one the sign-in
left, and every check runs there.

A tiny app of ours: one page whose login form signs in with fetch (a session cookie) and then shows a
"Sign out" button from a JavaScript flag; its sign-out calls the server's /api/logout. The control without
--no-reload fails exactly as the corpus row did.
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
from test_verify_identity import ENDPOINT, USERS
from verify_support import require_chromium

from intercom_wizard.integrations.frontends.html import script_source
from intercom_wizard.options import InstallOptions, parse_workspace_id
from intercom_wizard.tokens import mint
from intercom_wizard.verify import Logout, SignIn, Status, launched_browser
from intercom_wizard.verify.runner import verify_options
from intercom_wizard.verify.settings import VerifyOptions

PAGE = b"""<!doctype html>
<html>
  <body>
    <form id="login"><input name="username" required><input type="password" name="password"><button type="submit">Sign in</button></form>
    <div id="account" hidden><button id="logout">Sign out</button></div>
    <script src="/intercom-messenger.js" defer></script>
    <script>
      const login = document.getElementById('login');
      const account = document.getElementById('account');
      login.addEventListener('submit', async (event) => {
        event.preventDefault();
        const answer = await fetch('/api/login', { method: 'POST', body: new URLSearchParams(new FormData(login)) });
        if (answer.ok) {
          login.hidden = true;
          account.hidden = false;
          window.intercomMessenger.login();
        }
      });
      document.getElementById('logout').addEventListener('click', async () => {
        await fetch('/api/logout', { method: 'POST' });
        account.hidden = true;
        login.hidden = false;
        window.intercomMessenger.logout();
      });
    </script>
  </body>
</html>
"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    require_chromium()
    with launched_browser() as launched:
        yield launched


def in_memory_app() -> Any:
    sessions: dict[str, str] = {}
    script = script_source(InstallOptions(workspace=parse_workspace_id(WORKSPACE_ID)), token_url=ENDPOINT).encode()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def sid(self) -> str:
            cookie = self.headers.get("Cookie", "")
            return next((part.split("=", 1)[1] for part in cookie.split("; ") if part.startswith("sid=")), "")

        def send(self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None) -> None:
            self.send_response(status)
            for name, value in {"Content-Type": content_type, "Content-Length": str(len(body)), **(headers or {})}.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            user = sessions.get(self.sid())
            if self.path == "/intercom-messenger.js":
                self.send(200, script, "text/javascript")
            elif self.path == ENDPOINT and user is None:
                self.send(401, b'{"error": "not signed in"}', "application/json", {"Cache-Control": "no-store"})
            elif self.path == ENDPOINT:
                _, email, name, user_id = USERS[user]
                self.send(200, json.dumps({"token": mint(SECRET, user_id, email, name)}).encode(), "application/json", {"Cache-Control": "no-store"})
            else:  # the page never shows who is signed in after a load: that lives in its memory only
                self.send(200, PAGE, "text/html; charset=utf-8")

        def do_POST(self) -> None:
            fields = parse_qs(self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode())
            name = fields.get("username", [""])[0]
            if self.path == "/api/login" and name in USERS and fields.get("password", [""])[0] == USERS[name][0]:
                sid = secrets.token_hex(16)
                sessions[sid] = name
                self.send(200, b"{}", "application/json", {"Set-Cookie": f"sid={sid}; Path=/; HttpOnly"})
            elif self.path == "/api/logout":
                sessions.pop(self.sid(), None)
                self.send(200, b"{}", "application/json", {"Set-Cookie": "sid=; Path=/; Max-Age=0"})
            else:
                self.send(403, b"{}", "application/json")

    return threaded_server(Handler)


def _options(url: str, *, no_reload: bool, names: tuple[str, ...] = ("ann", "ben")) -> VerifyOptions:
    users = tuple(SignIn(login_url="/", username=name, password=USERS[name][0]) for name in names)
    return VerifyOptions(url=url + "/", workspace_id=WORKSPACE_ID, secret=SECRET, sign_in=users[0], users=users,
                         logout=Logout(selectors=("#logout",)), no_reload=no_reload)


def test_no_reload_checks_the_page_the_in_memory_sign_in_left(browser: Any) -> None:
    with in_memory_app() as url:
        report = verify_options(_options(url, no_reload=True), browser=browser)
        control = verify_options(_options(url, no_reload=False, names=("ann",)), browser=browser)
    statuses = {check.id: check.status for check in report.checks}
    for check in ("anonymous", "signed-in", "logout", "identity"):
        assert statuses[check] is Status.PASS, report.dumps()
    identity = "\n".join(report.check("identity").evidence)
    assert "user_id\": \"101\"" in identity and "user_id\": \"102\"" in identity, identity
    # The control: a page load after the sign-in, and the app's own view is signed out again.
    assert control.check("logout").status is Status.FAIL, control.dumps()
    assert any("could not click '#logout'" in line for line in control.check("logout").evidence), control.dumps()
