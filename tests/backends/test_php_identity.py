"""Plain PHP: user_id only from evidence (issue 9).

php_login_flag_app (our own, in the shape of the "php-login-minimal" tutorials: SQLite users table
with a `user_id INTEGER PRIMARY KEY`, login storing user_name, user_email, a `user_login_status = 1`
flag and `$_SESSION['user_id'] = $result_row->user_id`) once produced an endpoint that sent the flag
as every user's id. These tests prove: the id key is chosen, never the flag; without the id line the
install is incomplete (exit 4) with an adapter that answers 401 and a manual step naming the file,
function and line; an app whose users table has only a unique email uses it, with a warning; and two
users signed in over HTTP get distinct, stable ids on both PHP fixtures.
"""

import json
import re
import shutil
import subprocess
from pathlib import Path

from conftest import SECRET, copy_app, install_quietly, snapshot, write_files
from identity_checks import AppUser, assert_signed_out, check_two_users

from intercom_wizard.localserver import BrowserlessClient, free_port, running_server

ENDPOINT_FILE = "api/intercom-jwt/index.php"
PHP = shutil.which("php") or "php"
ERIN = AppUser("erin", "erin-pass-1", "erin@example.com")
FRANK = AppUser("frank", "frank-pass-2", "frank@example.com")


def _serve(root: Path):
    port = free_port()
    sessions = root.parent / f"{root.name}-sessions"
    sessions.mkdir(exist_ok=True)
    command = [PHP, "-d", f"session.save_path={sessions}", "-S", f"127.0.0.1:{port}", "-t", str(root)]
    return port, running_server(command, root, port, {"INTERCOM_IDENTITY_SECRET": SECRET})


def _flag_app_sign_in(client: BrowserlessClient, user: AppUser) -> None:
    page = client.post_form("/login.php", {"user_name": user.login, "user_password": user.password})
    assert f"Hello {user.login}" in page.body, page.body


def _flag_app_sign_out(client: BrowserlessClient) -> None:
    client.get("/logout.php")


def _without_id_line(root: Path) -> None:
    """The tutorial's original login: the name, the email and the flag, but no id in the session."""
    login = root / "login.php"
    login.write_text("".join(line for line in login.read_text().splitlines(keepends=True) if "$_SESSION['user_id']" not in line))


def test_flag_beside_the_id_the_id_is_used_never_the_flag(tmp_path, cli):
    root = copy_app("php_login_flag_app", tmp_path)
    result = install_quietly(cli, root)
    assert result.exit_code == 0, result.stderr
    endpoint = (root / ENDPOINT_FILE).read_text()
    assert "'user_id' => (string) $_SESSION['user_id']," in endpoint
    assert "user_login_status" not in endpoint
    assert "'email' => $_SESSION['user_email'] ?? null," in endpoint
    assert "'name' => $_SESSION['user_name'] ?? null," in endpoint


def test_flag_only_login_is_incomplete_with_the_adapter_to_fill_in(tmp_path, cli):
    root = copy_app("php_login_flag_app", tmp_path, commit=False)
    _without_id_line(root)
    result = cli("install", str(root), "--workspace-id", "abc12345", "--yes", "--no-install", "--json")
    assert result.exit_code == 4, result.stderr
    plan = json.loads(result.stdout)
    endpoint = (root / ENDPOINT_FILE).read_text()
    assert "user_login_status" not in endpoint and "$_SESSION['user_name']" not in endpoint
    line = next(n for n, text in enumerate(endpoint.splitlines(), 1) if text.startswith("function intercom_signed_in_user_claims()"))
    body = endpoint.split("function intercom_signed_in_user_claims(): ?array\n{\n", 1)[1]
    assert body.startswith("    return null;\n}"), "the adapter fails closed"
    [step] = [s for s in plan["manual_steps"] if s["file"] == ENDPOINT_FILE]
    assert f"intercom_signed_in_user_claims() in {ENDPOINT_FILE} (line {line})" in step["instruction"]
    assert "login.php:16: session key 'user_login_status' is a flag" in step["instruction"]
    assert "login.php:14: session key 'user_name' holds a name or email address, not an id" in step["instruction"]
    assert "$_SESSION['user_id'] = $result_row->user_id;" in step["snippet"], "the same row's primary key, as the login code reads it"
    assert "keeps only the user's user_name (login.php:14), which is unique in table users, whose primary key is user_id" in step["instruction"]
    assert "'user_id' => (string) $_SESSION['user_id']," in step["snippet"]
    completed = subprocess.run([PHP, "-l", str(root / ENDPOINT_FILE)], capture_output=True, text=True, check=False)
    assert completed.returncode == 0, completed.stdout

    port, server = _serve(root)
    with server:
        client = BrowserlessClient(f"http://127.0.0.1:{port}")
        _flag_app_sign_in(client, ERIN)
        assert_signed_out(client)  # signed in, but the adapter is not filled in: nobody gets a token


def test_literal_assigned_to_an_id_key_is_not_evidence(tmp_path, cli):
    root = copy_app("php_login_flag_app", tmp_path, commit=False)
    login = root / "login.php"
    login.write_text(login.read_text().replace("$_SESSION['user_id'] = $result_row->user_id;", "$_SESSION['user_id'] = 1;"))
    result = cli("install", str(root), "--workspace-id", "abc12345", "--yes", "--no-install", "--json")
    assert result.exit_code == 4, result.stderr
    [step] = [s for s in json.loads(result.stdout)["manual_steps"] if s["file"] == ENDPOINT_FILE]
    assert "login.php:14: session key 'user_id' is assigned the literal 1" in step["instruction"]


def test_request_input_assigned_to_an_id_key_is_not_evidence(tmp_path, cli):
    root = copy_app("php_login_flag_app", tmp_path, commit=False)
    login = root / "login.php"
    login.write_text(login.read_text().replace("$result_row->user_id;", "$_POST['user_id'];"))
    result = cli("install", str(root), "--workspace-id", "abc12345", "--yes", "--no-install", "--json")
    assert result.exit_code == 4, result.stderr
    assert "assigned request input" in result.stdout


def test_runtime_two_users_get_distinct_stable_ids(tmp_path, cli):
    root = copy_app("php_login_flag_app", tmp_path)
    assert install_quietly(cli, root).exit_code == 0
    port, server = _serve(root)
    with server:
        first, second = check_two_users(f"http://127.0.0.1:{port}", SECRET, ERIN, FRANK, _flag_app_sign_in, _flag_app_sign_out)
    assert (first["user_id"], second["user_id"]) == ("1", "2"), "the rows' primary keys"
    assert (first["name"], second["name"]) == ("erin", "frank")


def test_runtime_two_users_on_the_session_record_app(tmp_path, cli):
    root = copy_app("php_session_app", tmp_path)
    assert install_quietly(cli, root).exit_code == 0
    port = free_port()
    sessions = tmp_path / "sessions"
    sessions.mkdir()
    command = [PHP, "-d", f"session.save_path={sessions}", "-S", f"127.0.0.1:{port}", "-t", str(root)]

    def sign_in(client: BrowserlessClient, user: AppUser) -> None:
        page = client.post_form("/login.php", {"email": user.login, "password": user.password}, csrf_from="/login.php")
        assert "Good to see you again" in page.body

    def sign_out(client: BrowserlessClient) -> None:
        client.post_form("/logout.php", {}, csrf_from="/")

    ada = AppUser("ada@example.com", "correct-horse-battery", "ada@example.com", "Ada Lovelace")
    grace = AppUser("grace@example.com", "tardis-blue-box", "grace@example.com", "Grace Hopper")
    with running_server(command, root, port, {"INTERCOM_IDENTITY_SECRET": SECRET}):
        check_two_users(f"http://127.0.0.1:{port}", SECRET, ada, grace, sign_in, sign_out)


UNIQUE_EMAIL_APP = {
    "schema.sql": """
        CREATE TABLE members (
            email TEXT NOT NULL UNIQUE,
            display_name TEXT NOT NULL,
            password_hash TEXT NOT NULL
        );
    """,
    "login.php": """
        <?php
        session_start();
        if ($_SERVER['REQUEST_METHOD'] === 'POST') {
            $pdo = new PDO('sqlite:' . __DIR__ . '/members.sqlite');
            $statement = $pdo->prepare('SELECT email, display_name, password_hash FROM members WHERE email = ?');
            $statement->execute([$_POST['email'] ?? '']);
            $member = $statement->fetch(PDO::FETCH_ASSOC);
            if ($member && password_verify($_POST['password'] ?? '', $member['password_hash'])) {
                $_SESSION['logged_in'] = true;
                $_SESSION['member_email'] = $member['email'];
                $_SESSION['display_name'] = $member['display_name'];
                header('Location: /index.php');
                exit;
            }
        }
        ?>
        <!DOCTYPE html>
        <html><body><form method="post"><input name="email"><input name="password" type="password"><button>Sign in</button></form></body></html>
    """,
    "index.php": """
        <?php session_start(); ?>
        <!DOCTYPE html>
        <html><body><p>Members only</p></body></html>
    """,
}


def test_unique_email_without_an_id_is_the_user_id_with_a_warning(tmp_path, cli):
    root = tmp_path / "members"
    write_files(root, UNIQUE_EMAIL_APP)
    result = cli("install", str(root), "--workspace-id", "abc12345", "--yes", "--no-install")
    assert result.exit_code == 0, result.stderr
    endpoint = (root / ENDPOINT_FILE).read_text()
    assert "'user_id' => (string) $_SESSION['member_email']," in endpoint
    assert "'email' => $_SESSION['member_email'] ?? null," in endpoint
    assert "'name' => $_SESSION['display_name'] ?? null," in endpoint
    assert "logged_in" not in endpoint
    assert re.search(r"The users table has no id, so Intercom's user_id is the user's\s+member_email", result.stderr)


def test_email_is_not_the_id_when_the_table_has_one_or_it_is_not_unique(tmp_path, cli):
    for schema in ("CREATE TABLE members (id INTEGER PRIMARY KEY, email TEXT UNIQUE, display_name TEXT, password_hash TEXT);",
                   "CREATE TABLE members (email TEXT, display_name TEXT, password_hash TEXT);"):
        root = tmp_path / f"members-{len(schema)}"
        write_files(root, UNIQUE_EMAIL_APP | {"schema.sql": schema})
        before = snapshot(root)
        result = cli("install", str(root), "--workspace-id", "abc12345", "--yes", "--no-install", "--json")
        assert result.exit_code == 4, result.stderr
        assert "session key 'member_email' holds a name or email address, not an id" in result.stdout
        assert "member_email" not in (root / ENDPOINT_FILE).read_text()
        assert set(snapshot(root)) > set(before)


def test_record_without_a_known_name_field_reads_the_usual_fields_at_run_time(tmp_path, cli):
    write_files(
        tmp_path,
        {
            "login.php": """
                <?php
                session_start();
                $member = Member::authenticate($_POST['email'] ?? '', $_POST['password'] ?? '');
                if ($member) {
                    $_SESSION['member'] = $member;
                    echo 'Welcome ' . $_SESSION['member']->id;
                }
            """,
            "index.php": "<?php session_start(); ?>\\n<html><body>Hi</body></html>\\n",
        },
    )
    result = install_quietly(cli, tmp_path)
    assert result.exit_code == 0, result.stderr
    endpoint = (tmp_path / ENDPOINT_FILE).read_text()
    assert "'user_id' => (string) $user->id," in endpoint
    assert "'email' => $user->email ?? null," in endpoint
    assert "'name' => $user->name ?? $user->full_name ?? $user->display_name ?? $user->username ?? null," in endpoint
    completed = subprocess.run([PHP, "-l", str(tmp_path / ENDPOINT_FILE)], capture_output=True, text=True, check=False)
    assert completed.returncode == 0, completed.stdout


def test_id_traced_through_a_variable_assigned_outside_the_if_block(tmp_path, cli):
    def variant(name: str, value: str) -> Path:
        root = copy_app("php_login_flag_app", tmp_path / name, commit=False)
        login = root / "login.php"
        text = login.read_text().replace(
            "    $result_row = $statement->fetchObject();\n", f"    $result_row = $statement->fetchObject();\n    $member_id = {value};\n"
        )
        login.write_text(text.replace("$_SESSION['user_id'] = $result_row->user_id;", "$_SESSION['user_id'] = $member_id;"))
        return root

    traced = variant("traced", "$result_row->user_id")
    assert install_quietly(cli, traced).exit_code == 0
    assert "'user_id' => (string) $_SESSION['user_id']," in (traced / ENDPOINT_FILE).read_text()
    conditional = variant("conditional", "$result_row ? $result_row->user_id : null")
    assert install_quietly(cli, conditional).exit_code == 4, "a conditional expression is not traced: fail closed"
    assert "$_SESSION['user_id']" not in (conditional / ENDPOINT_FILE).read_text()
