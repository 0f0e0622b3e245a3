"""A page whose own script navigates to the page verify opens next (the g10new2 round).

Corpus: fastapi-todoapp-cookie-jwt signs in from a script (fetch, then `location.href = '/todos/todo-page'`,
after clearing its cookies with a `logout()` that sets location.href too). Verify opened the page under
test while the app's script was navigating to that same page, and Playwright reported the goto "is
interrupted by another navigation to" it (or, when Chromium aborts ours for the page's own,
`net::ERR_ABORTED` at it): the second user failed with "could not open". That navigation is the page
asked for: verify now waits for it (this test fails with ERR_ABORTED without the wait). A tiny app of our own makes the race
certain: the sign-in lands on a page that, 3.5 s later, sends itself to the page under test, which the
server answers slowly, while verify (after its 3 s wait for a boot there) is opening that page.
"""

from __future__ import annotations

import secrets
import time
from typing import Any

from conftest import SECRET, WORKSPACE_ID, threaded_server
from verify_support import ENDPOINT, SessionAppHandler, cookie_messenger_script, module_browser, report_evidence

from intercom_wizard.verify import Logout, SignIn, run_verification

USERS = {"ann": ("ann-password", "ann@example.com", "Ann Smith", "301"), "ben": ("ben-password", "ben@example.com", "Ben Jones", "302")}
MESSENGER = b'<script src="/intercom-messenger.js" defer></script>'
# Where the sign-in lands: no Messenger, and a script that moves on to the todos page by itself.
WELCOME = b"<!doctype html><html><body><p>Welcome</p><script>setTimeout(function () { location.href = '/todos/'; }, 3500);</script></body></html>"


browser = module_browser()


def self_navigating_app() -> Any:
    sessions: dict[str, str] = {}
    script = cookie_messenger_script()

    class Handler(SessionAppHandler):
        def do_GET(self) -> None:
            sid = self.session_id()
            user = sessions.get(sid or "")
            if self.path == "/intercom-messenger.js":
                self.send(200, script, "text/javascript")
            elif self.path == ENDPOINT:
                self.send_token(USERS[user] if user else None)
            elif self.path == "/login":
                form = b'<form method="post" action="/login"><input name="username"><input type="password" name="password"><button>Sign in</button></form>'
                self.send(200, b"<!doctype html><html><body>" + form + MESSENGER + b"</body></html>")
            elif self.path == "/welcome":
                self.send(200, WELCOME)
            elif self.path == "/logout":
                sessions.pop(sid or "", None)
                self.redirect("/login", sid="")
            elif self.path == "/todos/":
                time.sleep(1.5)  # slow enough that the page's own navigation starts while verify's is in flight
                who = (user or "visitor").encode()
                self.send(200, b"<!doctype html><html><body><h1>Todos of " + who + b"</h1>" + MESSENGER + b"</body></html>")
            else:
                self.send(404, b"not found")

        def do_POST(self) -> None:
            fields = self.form_fields()
            name = fields.get("username", [""])[0]
            if self.path == "/login" and name in USERS and fields.get("password", [""])[0] == USERS[name][0]:
                sid = secrets.token_hex(16)
                sessions[sid] = name
                self.redirect("/welcome", sid=sid)
            else:
                self.send(403, b"wrong password")

    return threaded_server(Handler)


def test_the_page_navigating_itself_to_the_page_under_test_is_waited_for(browser: Any) -> None:
    with self_navigating_app() as url:
        users = tuple(SignIn(login_url="/login", username=name, password=USERS[name][0]) for name in ("ann", "ben"))
        report = run_verification(url + "/todos/", workspace_id=WORKSPACE_ID, secret=SECRET, browser=browser, users=users, logout=Logout(url="/logout"))
    evidence = report_evidence(report)
    assert not any("interrupted by another navigation" in line for line in evidence), evidence
    assert report.passed, report.dumps()
    identity = "\n".join(report.check("identity").evidence)
    assert '"user_id": "301"' in identity and '"user_id": "302"' in identity
