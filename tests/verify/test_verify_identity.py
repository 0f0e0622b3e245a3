"""`verify --user A --user B`: the `identity` check signs in as A, out, in as B, out, and in as A
again, in one browser, and compares the user_id of each boot's token.

- A tiny app of our own whose token endpoint gives everyone the same user_id must fail `identity`,
  and the failure prints both tokens' claims (also through the command line, exit code 1).
- The same tiny app with a correct endpoint (each user's own id) passes: the control.
- The php_session_app fixture (two club members, ada and grace) installed by the wizard passes
  every check including `identity`, served by PHP's own server.
"""

from __future__ import annotations

import json
import secrets
import shutil
from pathlib import Path
from typing import Any

import pytest
from conftest import SECRET, WORKSPACE_ID, copy_app, threaded_server
from typer.testing import CliRunner
from verify_support import ENDPOINT, SessionAppHandler, cookie_messenger_script, module_browser, require_chromium

from intercom_wizard.apply import apply_changes
from intercom_wizard.cli import app as cli_app
from intercom_wizard.localserver import free_port, running_server
from intercom_wizard.options import InstallOptions, Region, parse_workspace_id
from intercom_wizard.planner import make_plan
from intercom_wizard.project import detect
from intercom_wizard.verify import Logout, SignIn, Status, run_verification

USERS = {"ann": ("ann-password", "ann@example.com", "Ann Smith", "101"), "ben": ("ben-password", "ben@example.com", "Ben Jones", "102")}


browser = module_browser()


def tiny_app(*, shared_user_id: bool, name_only: bool = False, second_field: str | None = None, token_url: str | None = None, sessions: dict[str, str] | None = None,
             username_type: str | None = None) -> Any:
    """A server-rendered app with real sessions; `shared_user_id` makes its endpoint sign "1" for everyone;
    `name_only`: its login form has a name field and no password field (iron-session's examples);
    `second_field`: a second required text field, which must hold "<user>-<field>" (a name + room form);
    `token_url`: the pages ask their token there (an API on another origin, sharing `sessions`), and this
    server has no token endpoint of its own; `username_type`: the name field's `type` attribute."""
    sessions = {} if sessions is None else sessions
    script = cookie_messenger_script(token_url or ENDPOINT)

    class Handler(SessionAppHandler):
        def do_GET(self) -> None:
            user = sessions.get(self.session_id() or "")
            if self.path == "/intercom-messenger.js":
                self.send(200, script, "text/javascript")
            elif self.path == ENDPOINT and token_url is None:
                self.send_token(USERS[user] if user else None, user_id="1" if shared_user_id else None)
            elif self.path == ENDPOINT:
                self.send(404, b"no token endpoint here: the API is elsewhere", "text/plain")
            elif self.path == "/login":
                password = b"" if name_only else b'<input type="password" name="password">'
                second = f'<input name="{second_field}" required>'.encode() if second_field else b""
                name_type = f' type="{username_type}"'.encode() if username_type else b""
                form = b'<form method="post" action="/login"><input' + name_type + b' name="username" required>' + second + password + b'<button type="submit">Sign in</button></form>'
                self.send(200, b"<!doctype html><html><body>" + form + b'<script src="/intercom-messenger.js" defer></script></body></html>')
            else:
                logout = b'<form id="logout" method="post" action="/logout"><button type="submit">Sign out</button></form>' if user else b""
                self.send(200, b"<!doctype html><html><body><h1>Home</h1>" + logout + b'<script src="/intercom-messenger.js" defer></script></body></html>')

        def do_POST(self) -> None:
            fields = self.form_fields()
            if self.path == "/login":
                name = fields.get("username", [""])[0]
                second_ok = second_field is None or fields.get(second_field, [""])[0] == f"{name}-{second_field}"
                if name in USERS and second_ok and (name_only or fields.get("password", [""])[0] == USERS[name][0]):
                    sid = secrets.token_hex(16)
                    sessions[sid] = name
                    self.redirect("/", status=303, sid=sid)
                else:
                    self.send(403, b"wrong password")
            elif self.path == "/logout":
                sessions.pop(self.session_id() or "", None)
                self.redirect("/", status=303, sid="")
            else:
                self.send(404, b"no")

    return threaded_server(Handler)


def two_users(login_url: str, first: tuple[str, str], second: tuple[str, str]) -> tuple[SignIn, SignIn]:
    return SignIn(login_url=login_url, username=first[0], password=first[1]), SignIn(login_url=login_url, username=second[0], password=second[1])


def test_command_line_user_option_fails_with_the_identity_check() -> None:
    """Run first in its own browser (the command starts one; no other may be running in this thread)."""
    require_chromium()
    with tiny_app(shared_user_id=True) as url:
        result = CliRunner().invoke(
            cli_app,
            ["verify", url + "/", "--workspace-id", WORKSPACE_ID, "--login-url", "/login", "--user", "ann:ann-password",
             "--user", "ben:ben-password", "--logout-selector", "#logout button", "--json"],
            env={"INTERCOM_IDENTITY_SECRET": SECRET, "INTERCOM_ACCESS_TOKEN": ""},
            catch_exceptions=False,
        )
    assert result.exit_code == 1, result.output
    checks = {check["id"]: check for check in json.loads(result.stdout)["checks"]}
    assert checks["identity"]["status"] == "fail"
    assert any("both got user_id '1'" in line for line in checks["identity"]["evidence"])


def test_the_same_user_id_for_everyone_fails_identity(browser: Any) -> None:
    with tiny_app(shared_user_id=True) as url:
        report = run_verification(
            url + "/", workspace_id=WORKSPACE_ID, secret=SECRET, browser=browser,
            users=two_users("/login", ("ann", "ann-password"), ("ben", "ben-password")), logout=Logout(selectors=("#logout button",)),
        )
    identity = report.check("identity")
    assert identity.status is Status.FAIL, report.dumps()
    text = "\n".join(identity.evidence)
    assert "ann and ben both got user_id '1'" in text
    assert 'ann\'s token claims: {"email": "ann@example.com"' in text and 'ben\'s token claims: {"email": "ben@example.com"' in text
    assert not report.passed


def test_each_user_their_own_id_passes_identity(browser: Any) -> None:
    """The control: the same app, its endpoint signing each user's own id."""
    with tiny_app(shared_user_id=False) as url:
        report = run_verification(
            url + "/", workspace_id=WORKSPACE_ID, secret=SECRET, browser=browser,
            users=two_users("/login", ("ann", "ann-password"), ("ben", "ben-password")), logout=Logout(selectors=("#logout button",)),
        )
    identity = report.check("identity")
    assert identity.status is Status.PASS, report.dumps()
    text = "\n".join(identity.evidence)
    assert '"user_id": "101"' in text and '"user_id": "102"' in text
    assert "shutdown between ann's boot and ben's" in text and "shutdown between ben's boot and ann's" in text


def test_two_users_need_a_way_to_sign_out() -> None:
    result = CliRunner().invoke(
        cli_app,
        ["verify", "http://127.0.0.1:9/", "--workspace-id", WORKSPACE_ID, "--login-url", "/login", "--user", "ann:x", "--user", "ben:y"],
        env={"INTERCOM_IDENTITY_SECRET": SECRET},
    )
    assert result.exit_code == 2 and "--logout-url" in result.output


def test_user_without_a_password_is_bad_input() -> None:
    result = CliRunner().invoke(
        cli_app, ["verify", "http://127.0.0.1:9/", "--workspace-id", WORKSPACE_ID, "--login-url", "/login", "--user", "ann"],
        env={"INTERCOM_IDENTITY_SECRET": SECRET},
    )
    assert result.exit_code == 2 and "NAME:PASSWORD" in result.output


@pytest.mark.skipif(shutil.which("php") is None, reason="needs PHP")
def test_php_fixture_with_two_members_passes_every_check(tmp_path: Path, browser: Any) -> None:
    root = copy_app("php_session_app", tmp_path, commit=False)
    plan = make_plan(detect(root), InstallOptions(workspace=parse_workspace_id(WORKSPACE_ID), region=Region.US), SECRET)
    assert plan.result == "complete", plan.manual_steps
    apply_changes(detect(root).tree, plan.changes)
    sessions = tmp_path / "sessions"
    sessions.mkdir()
    port = free_port()
    command = ["php", "-d", f"session.save_path={sessions}", "-S", f"127.0.0.1:{port}", "-t", str(root)]
    with running_server(command, root, port, {"INTERCOM_IDENTITY_SECRET": SECRET}):
        report = run_verification(
            f"http://127.0.0.1:{port}/", workspace_id=WORKSPACE_ID, secret=SECRET, browser=browser,
            users=two_users("/login.php", ("ada@example.com", "correct-horse-battery"), ("grace@example.com", "tardis-blue-box")),
            logout=Logout(selectors=("form[action='/logout.php'] button",)),
        )
    assert report.passed, report.dumps()
    assert report.check("identity").status is Status.PASS
    text = "\n".join(report.check("identity").evidence)
    assert '"user_id": "3"' in text and '"user_id": "8"' in text and "grace@example.com" in text
