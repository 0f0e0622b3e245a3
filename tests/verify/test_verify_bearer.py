"""A single-page app whose API authenticates with a bearer token kept in localStorage (corpus:
cornflourblue's SPAs with their Node APIs): verify's own probe of the token endpoint sent only the
browser's cookies, so the signed-in check read 401 ("did the sign-in work?") although the page had
booted with a verified JWT. The probe now sends the Authorization header the page's own token
request carried in that phase, and nothing after sign-out (the page sends none then).

A tiny app of our own: the login form posts to /api/login from JavaScript, the page keeps
`{"token": ...}` under `user` in localStorage, sign-out removes it.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from typing import Any

import pytest
from conftest import SECRET, WORKSPACE_ID, threaded_server
from verify_support import require_chromium

from intercom_wizard.integrations.frontends.html import script_source
from intercom_wizard.options import ClientAuth, InstallOptions, parse_workspace_id
from intercom_wizard.tokens import mint
from intercom_wizard.verify import Logout, SignIn, Status, launched_browser, run_verification

USERS = {"ann": ("ann-password", "ann@example.com", "Ann Smith", "201"), "ben": ("ben-password", "ben@example.com", "Ben Jones", "202")}
ENDPOINT = "/api/intercom-jwt"
LOGIN_PAGE = b"""<!doctype html><html><head>PAGE_SCRIPT</head><body>
<form id="login"><input name="username"><input type="password" name="password"><button type="submit">Sign in</button></form>
<script>
document.getElementById('login').addEventListener('submit', async (event) => {
  event.preventDefault();
  const fields = new FormData(event.target);
  const body = JSON.stringify(Object.fromEntries(fields));
  const response = await fetch('/api/login', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
  if (response.ok) {
    localStorage.setItem('user', JSON.stringify(await response.json()));
    location.href = '/';
  }
});
</script>
<script src="/intercom-messenger.js" defer></script></body></html>"""
HOME_PAGE = b"""<!doctype html><html><head>PAGE_SCRIPT</head><body><h1>Home</h1>
<button id="logout" onclick="localStorage.removeItem('user'); location.href = '/login';">Sign out</button>
<script src="/intercom-messenger.js" defer></script></body></html>"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    require_chromium()
    with launched_browser() as launched:
        yield launched


def bearer_app(page_script: bytes = b"") -> Any:
    """The app on a test server; `page_script` goes into each page's head, before any other script."""
    login_page, home_page = (page.replace(b"PAGE_SCRIPT", page_script) for page in (LOGIN_PAGE, HOME_PAGE))
    access_tokens: dict[str, str] = {}
    options = InstallOptions(workspace=parse_workspace_id(WORKSPACE_ID), auth=ClientAuth.BEARER, token_storage_key="user", token_storage_field="token")
    script = script_source(options, token_url=ENDPOINT).encode()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def send(self, status: int, body: bytes, content_type: str = "text/html; charset=utf-8") -> None:
            self.send_response(status)
            for name, value in {"Content-Type": content_type, "Content-Length": str(len(body)), "Cache-Control": "no-store"}.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            if self.path == "/intercom-messenger.js":
                self.send(200, script, "text/javascript")
            elif self.path == ENDPOINT:
                # The API knows users by their access token only: cookies mean nothing to it.
                scheme, _, token = self.headers.get("Authorization", "").partition(" ")
                user = access_tokens.get(token) if scheme == "Bearer" else None
                if user is None:
                    self.send(401, b'{"message": "Invalid Token"}', "application/json")
                    return
                _, email, name, user_id = USERS[user]
                self.send(200, json.dumps({"token": mint(SECRET, user_id, email, name)}).encode(), "application/json")
            else:
                self.send(200, login_page if self.path == "/login" else home_page)

        def do_POST(self) -> None:
            fields = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))) or b"{}")
            name = fields.get("username", "")
            if self.path == "/api/login" and name in USERS and fields.get("password") == USERS[name][0]:
                token = secrets.token_hex(16)
                access_tokens[token] = name
                self.send(200, json.dumps({"username": name, "token": token}).encode(), "application/json")
            else:
                self.send(400, b'{"message": "Username or password is incorrect"}', "application/json")

    return threaded_server(Handler)


def test_bearer_token_app_passes_signed_in_logout_and_identity(browser: Any) -> None:
    with bearer_app() as url:
        report = run_verification(
            url + "/", workspace_id=WORKSPACE_ID, secret=SECRET, browser=browser,
            users=(SignIn(login_url="/login", username="ann", password="ann-password"), SignIn(login_url="/login", username="ben", password="ben-password")),
            logout=Logout(selectors=("#logout",)),
        )
    assert report.passed, report.dumps()
    signed_in = "\n".join(report.check("signed-in").evidence)
    assert "GET " in signed_in and "-> 200" in signed_in and "endpoint token" in signed_in
    # After sign-out the page sends no Authorization header, so neither does the probe: 401.
    assert any("-> 401 after signing out" in line for line in report.check("logout").evidence), report.dumps()
    identity = "\n".join(report.check("identity").evidence)
    assert report.check("identity").status is Status.PASS
    assert '"user_id": "201"' in identity and '"user_id": "202"' in identity
