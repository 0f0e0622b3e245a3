"""Plain PHP that keeps another thing's id in the session under a bare key (the h10php round).

Seen on php-ltw-retreasure (a 2024 course project): the item page's template runs
`<?php $_SESSION['id'] = $item->id; ?>` so that the buy and wishlist actions know which item was shown,
while the login keeps only `$_SESSION['username']`. The wizard took `$_SESSION['id']` for the user's id
(install `complete`): every visitor who had opened an item, signed in or not, would have got a token
naming that item's number as their Intercom identity. A bare `id` field is the user's only when the
variable is named for the user or its row, or holds a row that a query of the users table fetched.
Fixtures of our own writing.
"""

from pathlib import Path

from conftest import install_and_check_uninstall, install_quietly, write_files

ENDPOINT_FILE = "api/intercom-jwt/index.php"


def _shop(root: Path, *, item_page_store: str = "$_SESSION['id'] = $lamp->id;", login_store: str = "") -> Path:
    write_files(
        root,
        {
            "schema.sql": """
                CREATE TABLE customers (id INTEGER PRIMARY KEY, handle TEXT UNIQUE NOT NULL, pw TEXT NOT NULL);
                CREATE TABLE lamps (id INTEGER PRIMARY KEY, title TEXT NOT NULL);
            """,
            "signin.php": f"""
                <?php
                session_start();
                $pdo = new PDO('sqlite:shop.db');
                $query = $pdo->prepare('SELECT id, pw FROM customers WHERE handle = ?');
                $query->execute([$_POST['handle']]);
                $found = $query->fetch(PDO::FETCH_ASSOC);
                if ($found && password_verify($_POST['pw'], $found['pw'])) {{
                    $_SESSION['handle'] = $_POST['handle'];
                    {login_store}
                    header('Location: lamp.php');
                }}
            """,
            "lamp.php": f"""
                <?php
                session_start();
                $pdo = new PDO('sqlite:shop.db');
                $lamp = $pdo->query('SELECT * FROM lamps WHERE id = ' . (int) $_GET['id'])->fetchObject();
                {item_page_store}
                ?>
                <!DOCTYPE html>
                <html>
                <body>
                  <h1><?= htmlspecialchars($lamp->title) ?></h1>
                  <?php if (isset($_SESSION['handle'])) {{ ?><a href="signout.php">Sign out</a><?php }} ?>
                </body>
                </html>
            """,
            "signout.php": """
                <?php
                session_start();
                session_destroy();
                header('Location: lamp.php');
            """,
        },
    )
    return root


def test_an_items_id_kept_in_the_session_is_not_the_users(tmp_path, cli):
    root = _shop(tmp_path / "shop")
    result = install_quietly(cli, root)
    assert result.exit_code == 4, result.stdout + result.stderr  # was 0, with user_id = $_SESSION['id']: the lamp's number
    output = " ".join((result.stdout + result.stderr).split())
    assert (
        "lamp.php:5: session key 'id' is assigned $lamp->id, the id of $lamp, which is not the user's row (no query of table customers fetched it)" in output
    ), output
    assert "$_SESSION['id']" not in (root / ENDPOINT_FILE).read_text()


def test_an_items_id_passed_through_a_variable_is_not_the_users_either(tmp_path, cli):
    root = _shop(tmp_path / "shop", item_page_store="$shown = $lamp->id; $_SESSION['id'] = $shown;")
    result = install_quietly(cli, root)
    assert result.exit_code == 4, result.stdout + result.stderr
    output = " ".join((result.stdout + result.stderr).split())
    assert "session key 'id' is assigned $shown, assigned $lamp->id, the id of $lamp, which is not the user's row" in output, output


def test_the_row_the_users_query_fetched_keeps_its_id_under_any_name(tmp_path, cli):
    root = _shop(tmp_path / "shop", item_page_store="", login_store="$_SESSION['id'] = $found['id'];")
    _, files = install_and_check_uninstall(cli, root, exit_code=0)
    assert "'user_id' => (string) $_SESSION['id']," in files[ENDPOINT_FILE]


def test_a_variable_named_for_the_user_keeps_the_ordinary_rule(tmp_path, cli):
    store = "$customer = $found; $_SESSION['id'] = $customer['id'];"
    root = _shop(tmp_path / "shop", item_page_store="", login_store=store)
    _, files = install_and_check_uninstall(cli, root, exit_code=0)
    assert "'user_id' => (string) $_SESSION['id']," in files[ENDPOINT_FILE]


def test_this_id_is_the_users_only_in_a_class_named_for_the_user(tmp_path, cli):
    for class_name, exit_code in (("Customer", 0), ("Lamp", 4)):
        root = _shop(tmp_path / class_name, item_page_store="")
        (root / "lib.php").write_text(
            f"<?php\nclass {class_name}\n{{\n    public $id;\n\n    public function remember()\n    {{\n        $_SESSION['id'] = $this->id;\n    }}\n}}\n"
        )
        result = install_quietly(cli, root)
        assert result.exit_code == exit_code, (class_name, result.stdout + result.stderr)


def _reading_room(root: Path, *, check: str) -> Path:
    """Readers kept in a constant (no SQL), the login's record named for neither a user nor a row."""
    write_files(
        root,
        {
            "session.php": """
                <?php
                session_start();
                const READERS = ['kim@example.com' => ['id' => 61, 'password' => 'kim-pass-1']];
            """,
            "login.php": f"""
                <?php
                require __DIR__ . '/session.php';
                $reader = READERS[strtolower($_POST['email'] ?? '')] ?? null;
                if ($reader !== null && {check}) {{
                    $_SESSION['user_id'] = $reader['id'];
                    header('Location: /');
                }}
            """,
            "index.php": """
                <?php require __DIR__ . '/session.php'; ?>
                <!DOCTYPE html>
                <html>
                <body>
                  <?php if (isset($_SESSION['user_id'])) { ?><a href="logout.php">Sign out</a><?php } ?>
                </body>
                </html>
            """,
            "logout.php": """
                <?php
                require __DIR__ . '/session.php';
                session_destroy();
                header('Location: /');
            """,
        },
    )
    return root


def test_the_record_whose_password_the_login_checks_is_the_users_under_any_name(tmp_path, cli):
    checks = (
        "hash_equals($reader['password'], $_POST['password'] ?? '')",
        "password_verify($_POST['password'], $reader['password'])",
        "$reader['password'] === md5($_POST['password'])",
    )
    for check in checks:
        root = _reading_room(tmp_path / str(checks.index(check)), check=check)
        _, files = install_and_check_uninstall(cli, root, exit_code=0)
        assert "'user_id' => (string) $_SESSION['user_id']," in files[ENDPOINT_FILE], check


def test_a_record_whose_password_nobody_checks_is_not_taken_for_the_user(tmp_path, cli):
    root = _reading_room(tmp_path / "room", check="$_POST['remember'] === 'yes'")
    result = install_quietly(cli, root)
    assert result.exit_code == 4, result.stdout + result.stderr
    assert "the id of $reader, which is not the user's row" in " ".join((result.stdout + result.stderr).split())
