"""`verify --user NAME:` (an empty password): the login form has a name field and no password field,
as in iron-session's examples (corpus: iron-session-next), so nothing is typed into a password field.

- two users sign in through a name-only form and pass `identity` (exit 0 through the command line);
- the control: the same form with `NAME:PASSWORD` finds no password field and fails (exit 1), at once
  (the page's only login form has no password field: no 10 s wait for one per sign-in, nor for the
  sign-out control of a user who never signed in: that ran 77 s);
- a name-only account on a form that has a password field fails too (the form is not the one meant);
- `--user NAME` without the colon is still bad input (exit 2, test_verify_identity.py).
"""

from __future__ import annotations

import json

from conftest import SECRET, WORKSPACE_ID
from test_verify_identity import tiny_app
from typer.testing import CliRunner
from verify_support import require_chromium

from intercom_wizard.cli import app as cli_app
from intercom_wizard.verify.settings import SignIn, parse_user


def _verify(url: str, *users: str) -> tuple[int, dict[str, dict[str, object]], str]:
    argv = ["verify", url + "/", "--workspace-id", WORKSPACE_ID, "--login-url", "/login", "--logout-selector", "#logout button", "--json"]
    for user in users:
        argv += ["--user", user]
    result = CliRunner().invoke(cli_app, argv, env={"INTERCOM_IDENTITY_SECRET": SECRET, "INTERCOM_ACCESS_TOKEN": ""}, catch_exceptions=False)
    checks = {check["id"]: check for check in json.loads(result.stdout)["checks"]}
    return result.exit_code, checks, result.stdout


def test_an_empty_password_is_a_name_only_account() -> None:
    assert parse_user("ann:") == ("ann", "")
    assert SignIn(login_url="/login", username="ann", password="").name_only
    assert not SignIn(login_url="/login", username="ann", password="x").name_only


def test_two_users_sign_in_through_a_form_with_no_password_field() -> None:
    require_chromium()
    with tiny_app(shared_user_id=False, name_only=True) as url:
        exit_code, checks, output = _verify(url, "ann:", "ben:")
    assert exit_code == 0, output
    assert checks["identity"]["status"] == "pass", output
    evidence = "\n".join(str(line) for line in checks["identity"]["evidence"])  # type: ignore[attr-defined]
    assert '"user_id": "101"' in evidence and '"user_id": "102"' in evidence


def test_a_password_for_a_name_only_form_fails_for_want_of_the_field() -> None:
    require_chromium()
    with tiny_app(shared_user_id=False, name_only=True) as url:
        exit_code, checks, output = _verify(url, "ann:ann-password", "ben:ben-password")
    assert exit_code == 1, output
    # Said at once, not after waiting out the fill's timeout for a password field that is not coming.
    assert "no login form with a username and a password field at /login: the page's login form has no password field" in output
    assert "Timeout" not in output, output
    # Nobody signed in: the sign-outs are not attempted (no control to wait for), and their checks fail.
    assert checks["logout"]["status"] == "fail" and "not attempted: the sign-in before it failed" in output


def test_a_name_only_account_on_a_password_form_fails() -> None:
    require_chromium()
    with tiny_app(shared_user_id=False) as url:
        exit_code, checks, output = _verify(url, "ann:", "ben:")
    assert exit_code == 1, output
    assert "no login form with a name field (and no password field) at /login: the page's login form has a password field" in output
    assert "Timeout" not in output, output


def test_every_value_of_a_name_only_account_fills_its_field() -> None:
    assert SignIn(login_url="/login", username="ann@example.com| Ann ", password="").name_values == ("ann@example.com", "Ann")
    assert SignIn(login_url="/login", username="a|b", password="pw").name_values == ("a|b",)  # a password form: NAME is one value


def test_a_two_field_name_only_form_gets_both_values() -> None:
    """next14-jose-login's shape: two required text fields and no password. Before, only the first was
    typed into, so the browser never submitted the form and every sign-in failed."""
    require_chromium()
    with tiny_app(shared_user_id=False, name_only=True, second_field="room") as url:
        exit_code, checks, output = _verify(url, "ann|ann-room:", "ben|ben-room:")
    assert exit_code == 0, output
    assert checks["identity"]["status"] == "pass", output


def test_one_value_fills_every_required_field_and_the_app_decides() -> None:
    """The control: with NAME alone the second required field gets NAME too; this app wants its own room
    value there, refuses the sign-in, and verify fails (exit 1)."""
    require_chromium()
    with tiny_app(shared_user_id=False, name_only=True, second_field="room") as url:
        exit_code, checks, output = _verify(url, "ann:", "ben:")
    assert exit_code == 1, output
    assert checks["identity"]["status"] != "pass", output
    # The app's 403 answer is the sign-in refused, said as such; no sign-out is waited for after it.
    assert "the login form was answered 403" in output and "not attempted: the sign-in before it failed" in output, output
