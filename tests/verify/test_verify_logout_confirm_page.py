"""Signing out through a confirmation page reached by a link: two `--logout-selector` clicks, no `--logout-url`.

Corpus: django-custom-email-user (h10new3) links "Logout User" to `GET /customUser/logout/`, a page of the
app's layout (so with the Messenger) that only shows a POST form; the user is still signed in there and the
Messenger rightly boots with their JWT. Only the form's button signs out. verify counted that identified
boot on the confirmation page as "an identity was still sent after signing out". A tiny app of our own has
that shape; the control's confirmation form does not sign out, which must still fail.
"""

from __future__ import annotations

import secrets
from typing import Any

from conftest import SECRET, WORKSPACE_ID, threaded_server
from verify_support import ENDPOINT, SessionAppHandler, cookie_messenger_script, module_browser

from intercom_wizard.verify import Logout, SignIn, Status, run_verification

USERS = {"ann": ("ann-password", "ann@example.com", "Ann Smith", "301"), "ben": ("ben-password", "ben@example.com", "Ben Jones", "302")}
LINK = "a[href='/logout/']"
CONFIRM = "form[method='post'] button"
MESSENGER = b'<script src="/intercom-messenger.js" defer></script>'

browser = module_browser()


def confirm_page_app(*, signs_out: bool) -> Any:
    sessions: dict[str, str] = {}  # sid -> user
    script = cookie_messenger_script()

    class Handler(SessionAppHandler):
        def page(self, body: bytes) -> None:
            self.send(200, b"<!doctype html><html><body>" + body + MESSENGER + b"</body></html>")

        def do_GET(self) -> None:
            user = sessions.get(self.session_id() or "")
            if self.path == "/intercom-messenger.js":
                self.send(200, script, "text/javascript")
            elif self.path == ENDPOINT:
                self.send_token(USERS[user] if user else None)
            elif self.path == "/login/":
                self.page(
                    b'<form method="post" action="/login/"><input name="username"><input type="password" name="password"><button type="submit">Sign in</button></form>'
                )
            elif self.path == "/logout/":  # the confirmation page: still signed in here
                self.page(b'<form method="post" action="/logout/"><button type="submit">Logout User</button></form>')
            else:
                self.page(b'<h1>Home</h1><a href="/logout/">Logout User</a>' if user else b'<h1>Home</h1><a href="/login/">Login</a>')

        def do_POST(self) -> None:
            fields = self.form_fields()
            if self.path == "/login/":
                name = fields.get("username", [""])[0]
                if name in USERS and fields.get("password", [""])[0] == USERS[name][0]:
                    sid = secrets.token_hex(16)
                    sessions[sid] = name
                    self.redirect("/", sid=sid)
                else:
                    self.send(403, b"wrong password")
            elif self.path == "/logout/":
                if signs_out:
                    sessions.pop(self.session_id() or "", None)
                self.redirect("/")
            else:
                self.send(404, b"not found")

    return threaded_server(Handler)


def _verify(browser: Any, url: str) -> Any:
    users = tuple(SignIn(login_url="/login/", username=name, password=USERS[name][0]) for name in ("ann", "ben"))
    return run_verification(url + "/", workspace_id=WORKSPACE_ID, secret=SECRET, browser=browser, users=users, logout=Logout(selectors=(LINK, CONFIRM)))


def test_an_identified_boot_on_the_confirmation_page_is_not_after_signing_out(browser: Any) -> None:
    with confirm_page_app(signs_out=True) as url:
        report = _verify(browser, url)
    assert report.passed, report.dumps()
    identity = "\n".join(report.check("identity").evidence)
    assert '"user_id": "301"' in identity and '"user_id": "302"' in identity
    assert report.check("logout").status is Status.PASS


def test_a_confirmation_form_that_does_not_sign_out_still_fails(browser: Any) -> None:
    """The control: after the last click the user is still signed in, and that identity is seen."""
    with confirm_page_app(signs_out=False) as url:
        report = _verify(browser, url)
    assert report.check("logout").status is Status.FAIL
    assert any("an identity was still sent" in line for line in report.check("logout").evidence), report.dumps()
