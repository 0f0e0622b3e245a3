"""Flask: user_id only from evidence, email and name looked up at run time when the model is not certain (issue 9).

- flask_session_flag_app (ours): `session["logged_in"] = True` beside `session["user_id"] = row["id"]`
  (SQLite, no Flask-Login, no g.user): the id key is used, never the flag; two users over HTTP.
- the same app without the id line: incomplete (exit 4), the adapter answers 401, a manual step
  names intercom_jwt.py, signed_in_user_claims and its line.
- flask_tuple_model_app (ours): Flask-Login with `self.id, self.email, ... = row` and the display
  name a property of a mixin: the token still carries email and name, read at run time.
- flask_login_app and the flask_notes sample: two users, distinct and stable ids.
"""

import json
import sys
from pathlib import Path

from conftest import SECRET, copy_app, install_quietly, line_of
from identity_checks import AppUser, assert_signed_out, check_two_users

from intercom_wizard.localserver import BrowserlessClient, free_port, running_server

PY = sys.executable
GINA = AppUser("gina", "gina-pass-1", "gina@example.com", "gina")
HANK = AppUser("hank", "hank-pass-2", "hank@example.com", "hank")


def _serve(root: Path, app: str = "app"):
    port = free_port()
    command = [PY, "-m", "flask", "--app", app, "run", "--host", "127.0.0.1", "--port", str(port)]
    return port, running_server(command, root, port, {"INTERCOM_IDENTITY_SECRET": SECRET})


def _sign_in_username(client: BrowserlessClient, user: AppUser) -> None:
    client.post_form("/login", {"username": user.login, "password": user.password})


def _sign_in_email(client: BrowserlessClient, user: AppUser) -> None:
    client.post_form("/login", {"email": user.login, "password": user.password})


def _sign_out(client: BrowserlessClient) -> None:
    client.get("/logout")


def test_session_flag_beside_the_id_uses_the_id(tmp_path, cli):
    root = copy_app("flask_session_flag_app", tmp_path)
    result = install_quietly(cli, root)
    assert result.exit_code == 0, result.stderr
    module = (root / "intercom_jwt.py").read_text()
    assert '    if session.get("user_id") is None:\n        return None\n' in module
    assert '"user_id": str(session["user_id"]),' in module
    assert '"email": session.get("email"),' in module and '"name": session.get("username"),' in module
    assert "logged_in" not in module


def test_session_flag_only_is_incomplete_with_the_adapter(tmp_path, cli):
    root = copy_app("flask_session_flag_app", tmp_path, commit=False)
    app_py = root / "app.py"
    app_py.write_text(app_py.read_text().replace('            session["user_id"] = row["id"]\n', ""))
    result = cli("install", str(root), "--workspace-id", "abc12345", "--yes", "--no-install", "--json")
    assert result.exit_code == 4, result.stderr
    module = (root / "intercom_jwt.py").read_text()
    line = module.splitlines().index("def signed_in_user_claims() -> dict[str, str | None] | None:") + 1
    [step] = [s for s in json.loads(result.stdout)["manual_steps"] if s["file"] == "intercom_jwt.py"]
    assert f"signed_in_user_claims() in intercom_jwt.py (line {line})" in step["instruction"]
    flag = line_of((root / "app.py").read_text(), 'session["logged_in"] = True')  # as the install wrote app.py, below its blueprint import
    assert f"app.py:{flag}: session key 'logged_in' is a flag" in step["instruction"]
    assert 'session["user_id"] = user["id"]' in step["snippet"]
    assert "logged_in" not in module and "username" not in module
    port, server = _serve(root)
    with server:
        client = BrowserlessClient(f"http://127.0.0.1:{port}")
        _sign_in_username(client, GINA)
        assert_signed_out(client)


def test_runtime_session_flag_app_two_users(tmp_path, cli):
    root = copy_app("flask_session_flag_app", tmp_path)
    assert install_quietly(cli, root).exit_code == 0
    port, server = _serve(root)
    with server:
        a, b = check_two_users(f"http://127.0.0.1:{port}", SECRET, GINA, HANK, _sign_in_username, _sign_out)
    assert (a["user_id"], b["user_id"]) == ("1", "2")


def test_tuple_assigned_model_sends_email_and_name(tmp_path, cli):
    root = copy_app("flask_tuple_model_app", tmp_path)
    assert install_quietly(cli, root).exit_code == 0
    module = (root / "intercom_jwt.py").read_text()
    assert '"email": user_attribute(current_user, "email"),' in module
    arguments = ("current_user", '"name"', '"full_name"', '"get_full_name"', '"display_name"', '"username"')
    assert '"name": user_attribute(\n' + "".join(f"            {a},\n" for a in arguments) + "        )," in module
    ivy = AppUser("ivy@example.com", "ivy-pass-1", "ivy@example.com", "Ivy Chen")
    jon = AppUser("jon@example.com", "jon-pass-2", "jon@example.com", "Jon Snow")
    port, server = _serve(root)
    with server:
        a, b = check_two_users(f"http://127.0.0.1:{port}", SECRET, ivy, jon, _sign_in_email, _sign_out)
    assert (a["user_id"], b["user_id"]) == ("21", "22")


def test_runtime_flask_login_app_two_users(tmp_path, cli):
    root = copy_app("flask_login_app", tmp_path)
    assert install_quietly(cli, root).exit_code == 0
    bob = AppUser("bob@example.com", "canwefixit", "bob@example.com", "Bob Builder")
    wendy = AppUser("wendy@example.com", "yes-we-can", "wendy@example.com", "Wendy Testaburger")
    port, server = _serve(root)
    with server:
        check_two_users(f"http://127.0.0.1:{port}", SECRET, bob, wendy, _sign_in_email, _sign_out)


def test_jwt_identity_that_is_an_email_is_no_evidence(tmp_path, cli):
    root = copy_app("flask_jwt_api", tmp_path, commit=False)
    app_py = root / "app.py"
    app_py.write_text(app_py.read_text().replace("create_access_token(identity=str(user.id))", "create_access_token(identity=user.email)"))
    result = cli("install", str(root), "--workspace-id", "abc12345", "--yes", "--no-install", "--json", "--auth", "bearer", "--frontend-origin", "http://localhost:5173")
    assert result.exit_code == 4, result.stderr
    [step] = [s for s in json.loads(result.stdout)["manual_steps"] if s["file"] == "intercom_jwt.py"]
    token = line_of((root / "app.py").read_text(), "create_access_token(identity=user.email)")  # as the install wrote app.py
    assert f"app.py:{token}: the access token's identity is assigned the user's email (user.email), not an id" in step["instruction"]
    assert "create_access_token(identity=str(user.id))" in step["snippet"]
    assert "get_jwt_identity" not in (root / "intercom_jwt.py").read_text()


def test_runtime_flask_tutorial_g_user_two_users(tmp_path, cli):
    """The Flask tutorial shape (the bundled flask_notes sample): g.user is a SQLite row whose id is the
    schema's PRIMARY KEY."""
    root = copy_app("flask_notes", tmp_path)
    assert install_quietly(cli, root).exit_code == 0
    assert '"user_id": str(user["id"]),' in (root / "flaskr/intercom_jwt.py").read_text()

    def sign_in(client: BrowserlessClient, user: AppUser) -> None:
        client.post_form("/auth/login", {"username": user.login, "password": user.password})

    alice = AppUser("alice", "wonderland", "alice@example.com", "Alice Liddell")
    hatter = AppUser("hatter", "tea-party", "hatter@example.com", "Mad Hatter")
    port = free_port()
    command = [PY, "-m", "flask", "--app", "flaskr", "run", "--host", "127.0.0.1", "--port", str(port)]
    with running_server(command, root, port, {"INTERCOM_IDENTITY_SECRET": SECRET}):
        a, b = check_two_users(f"http://127.0.0.1:{port}", SECRET, alice, hatter, sign_in, lambda client: client.get("/auth/logout"))
    assert (a["user_id"], b["user_id"]) == ("1", "2")
