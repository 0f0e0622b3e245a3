"""The manual step of a plain-PHP app without a provable user names only variables the login has (issue 10, i10php).

Seen on php-ltw-retreasure: its login (`actions/action_login.php`) calls `verify_user()` of another file
and keeps only the posted username; the users table's primary key is `username`. The step's example read
`$_SESSION['user_id'] = $row['username'];`, but the login has no `$row` (it lives inside `verify_user()`).
Now the example names the login's own row variable when the login checks that row's password itself
(`$found['id']`), and otherwise says in words what to keep and which function checks that row's password.
Fixtures of our own writing.
"""

import json
from pathlib import Path

from conftest import WORKSPACE_ID, snapshot, write_files


def _dry_run_step(cli, root: Path) -> dict:
    before = snapshot(root)
    result = cli("install", str(root), "--dry-run", "--yes", "--workspace-id", WORKSPACE_ID, "--json")
    assert result.exit_code == 4, result.stdout + result.stderr
    assert snapshot(root) == before
    plan = json.loads(result.stdout)
    assert plan["result"] == "incomplete"
    [step] = plan["manual_steps"]
    assert step["file"] == "api/intercom-jwt/index.php"
    return step


def _club(root: Path, login: str) -> Path:
    write_files(
        root,
        {
            "schema.sql": "CREATE TABLE users (nick TEXT PRIMARY KEY, pass_hash TEXT NOT NULL, email TEXT NOT NULL);\n",
            "lib/users.php": """
                <?php
                function check_login(PDO $db, string $nick, string $password): bool
                {
                    $query = $db->prepare('SELECT * FROM users WHERE nick = ?');
                    $query->execute([$nick]);
                    $row = $query->fetch();
                    if (!$row) {
                        return false;
                    }
                    return password_verify($password, $row['pass_hash']);
                }
            """,
            "actions/login.php": login,
            "index.php": """
                <?php session_start(); ?>
                <!DOCTYPE html>
                <html>
                <body>
                <?php if (isset($_SESSION['nick'])) { ?><a href="actions/logout.php">Sign out</a><?php } ?>
                <form method="post" action="actions/login.php"><input name="nick"><input type="password" name="password"></form>
                </body>
                </html>
            """,
            "actions/logout.php": "<?php\nsession_start();\nsession_destroy();\nheader('Location: /');\n",
        },
    )
    return root


def test_a_login_without_the_row_gets_the_step_in_words(tmp_path, cli):
    login = """
        <?php
        session_start();
        require_once __DIR__ . '/../lib/users.php';
        if (check_login(new PDO('sqlite:club.db'), $_POST['nick'], $_POST['password'])) {
            $_SESSION['nick'] = $_POST['nick'];
        }
        header('Location: /');
    """
    step = _dry_run_step(cli, _club(tmp_path / "club", login))
    assert "$row" not in step["snippet"], step["snippet"]  # was `$_SESSION['user_id'] = $row['nick'];`: no $row in the login
    assert (
        "keep the signed-in user's nick (the primary key of table users; check_login() in lib/users.php:10 checks that row's password)\n"
        "// in $_SESSION['user_id'] (not a flag)."
    ) in step["snippet"], step["snippet"]


# A login that reads its own row ($found) and checks that row's password.
LOGIN_CHECKING_ITS_ROW = """
    <?php
    session_start();
    $db = new PDO('sqlite:club.db');
    $query = $db->prepare('SELECT * FROM users WHERE nick = ?');
    $query->execute([$_POST['nick']]);
    $found = $query->fetch(PDO::FETCH_OBJ);
    if ($found && password_verify($_POST['password'], $found->pass_hash)) {
        $_SESSION['nick'] = $_POST['nick'];
    }
    header('Location: /');
"""


def test_a_login_that_checks_its_own_row_gets_that_variable(tmp_path, cli):
    login = LOGIN_CHECKING_ITS_ROW
    step = _dry_run_step(cli, _club(tmp_path / "club", login))
    assert "//     $_SESSION['user_id'] = $found->nick;" in step["snippet"], step["snippet"]  # was $row['nick']
    assert "$row" not in step["snippet"]


def test_the_login_is_preferred_to_a_change_password_page(tmp_path, cli):
    login = LOGIN_CHECKING_ITS_ROW
    root = _club(tmp_path / "club", login)
    # checks the current password too, and writes the session (a message): not where the user signs in
    write_files(
        root,
        {
            "account/password.php": """
                <?php
                session_start();
                $db = new PDO('sqlite:club.db');
                $me = $db->query('SELECT * FROM users WHERE nick = ' . $db->quote($_SESSION['nick']))->fetch();
                if (password_verify($_POST['current'], $me['pass_hash'])) {
                    $_SESSION['notice'] = 'Password changed';
                }
            """
        },
    )
    step = _dry_run_step(cli, root)
    assert "//     $_SESSION['user_id'] = $found->nick;" in step["snippet"], step["snippet"]
