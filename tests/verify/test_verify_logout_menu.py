"""Signing out through an account menu: repeatable `--logout-selector`, clicked in order.

Corpus: Wagtail's admin (django-bakerydemo) signs out only by a POST from its sidebar's account menu
(`GET /admin/logout/` is refused), and the menu must be opened before its "Log out" button can be
clicked. A tiny app of our own has that shape: an admin page whose menu button reveals a POST form
with a CSRF token, a sign-out URL that refuses GET, and an admin login page without the Messenger.
Two users verify when both clicks are given; the control (only the hidden item) fails at the click.
"""

from __future__ import annotations

import secrets
from typing import Any

from conftest import SECRET, WORKSPACE_ID, threaded_server
from verify_support import ENDPOINT, SessionAppHandler, cookie_messenger_script, module_browser, report_evidence

from intercom_wizard.verify import Logout, SignIn, Status, run_verification

USERS = {"ann": ("ann-password", "ann@example.com", "Ann Smith", "201"), "ben": ("ben-password", "ben@example.com", "Ben Jones", "202")}
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


browser = module_browser()


def admin_menu_app() -> Any:
    sessions: dict[str, tuple[str, str]] = {}  # sid -> (user, csrf token)
    script = cookie_messenger_script()

    class Handler(SessionAppHandler):
        def do_GET(self) -> None:
            session = sessions.get(self.session_id() or "")
            if self.path == "/intercom-messenger.js":
                self.send(200, script, "text/javascript")
            elif self.path == ENDPOINT:
                self.send_token(USERS[session[0]] if session else None)
            elif self.path == "/admin/login/":
                form = b'<form method="post" action="/admin/login/"><input name="username"><input type="password" name="password"><button type="submit">Sign in</button></form>'
                self.send(200, b"<!doctype html><html><body>" + form + b"</body></html>")
            elif self.path == "/admin/logout/":
                self.send(405, b"sign out with POST", headers={"Allow": "POST"})
            elif self.path == "/admin/":
                if session is None:
                    self.redirect("/admin/login/")
                    return
                self.send(200, ADMIN.format(csrf=session[1]).encode())
            else:
                self.send(200, b'<!doctype html><html><body><h1>Bakery</h1><script src="/intercom-messenger.js" defer></script></body></html>')

        def do_POST(self) -> None:
            fields = self.form_fields()
            sid = self.session_id()
            session = sessions.get(sid or "")
            if self.path == "/admin/login/":
                name = fields.get("username", [""])[0]
                if name in USERS and fields.get("password", [""])[0] == USERS[name][0]:
                    new_sid = secrets.token_hex(16)
                    sessions[new_sid] = (name, secrets.token_hex(8))
                    self.redirect("/admin/", sid=new_sid)
                else:
                    self.send(403, b"wrong password")
            elif self.path == "/admin/logout/" and session is not None and fields.get("csrf", [""])[0] == session[1]:
                sessions.pop(sid or "", None)
                self.redirect("/admin/login/", sid="")
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
    evidence = report_evidence(report)
    assert any(f"could not click {LOG_OUT!r}" in line for line in evidence), evidence
