"""Another thing's id kept in the session under a cast or inside an array literal (issue 10, the i10php round).

The h10php round refused `$_SESSION['id'] = $item->id` (php-ltw-retreasure's item page) but still took
`intval($item->id)`, `(int) $post['id']`, `strval(...)` and `$_SESSION['user'] = ['id' => $item->id, ...]`
for the user's id: the cast or the array hid the record the id came from. Every such value now goes
through the same rule as the plain form (the id's record is the user's only when named for the user or
its row, fetched by a query of the users table, or the record whose password the login checks), and the
user's own record under a cast is still the user's: two members signed in over `php -S` get their own
primary keys. Fixtures of our own writing.
"""

from pathlib import Path

import pytest
from conftest import SECRET, install_and_check_uninstall, install_quietly, write_files
from identity_checks import AppUser, PhpPages, php_two_users

ENDPOINT_FILE = "api/intercom-jwt/index.php"
SIGN_IN_KEEPS_THE_LOGIN = "$_SESSION['login'] = $found['login'];"


def _workshop(root: Path, *, sign_in_store: str = SIGN_IN_KEEPS_THE_LOGIN, tool_page_store: str = "", greeting: str = "$_SESSION['login']") -> Path:
    """Members sign in (PDO SQLite, schema.sql run on first use); tool.php shows one tool of the workshop
    and keeps something in the session (`tool_page_store`, line 5)."""
    write_files(
        root,
        {
            "schema.sql": """
                CREATE TABLE IF NOT EXISTS members (id INTEGER PRIMARY KEY AUTOINCREMENT, login TEXT UNIQUE NOT NULL, secret TEXT NOT NULL);
                CREATE TABLE IF NOT EXISTS tools (id INTEGER PRIMARY KEY, label TEXT NOT NULL);
            """,
            "db.php": """
                <?php
                session_start();
                $pdo = new PDO('sqlite:' . __DIR__ . '/workshop.db');
                $pdo->exec(file_get_contents(__DIR__ . '/schema.sql'));
            """,
            "join.php": """
                <?php
                require __DIR__ . '/db.php';
                $insert = $pdo->prepare('INSERT INTO members (login, secret) VALUES (?, ?)');
                $insert->execute([$_POST['login'], password_hash($_POST['secret'], PASSWORD_DEFAULT)]);
                echo 'joined';
            """,
            "signin.php": f"""
                <?php
                require __DIR__ . '/db.php';
                $query = $pdo->prepare('SELECT id, login, secret FROM members WHERE login = ?');
                $query->execute([$_POST['login'] ?? '']);
                $found = $query->fetch(PDO::FETCH_ASSOC);
                if ($found && password_verify($_POST['secret'] ?? '', $found['secret'])) {{
                    {sign_in_store}
                    header('Location: index.php');
                    exit;
                }}
                ?>
                <form method="post" action="signin.php"><input name="login"><input type="password" name="secret"><button>Sign in</button></form>
            """,
            "index.php": f"""
                <?php require __DIR__ . '/db.php'; ?>
                <!DOCTYPE html>
                <html>
                <body>
                <?php if (isset({greeting})) {{ ?>
                  <p>Hello <?= htmlspecialchars({greeting}) ?></p><a href="signout.php">Sign out</a>
                <?php }} else {{ ?>
                  <a href="signin.php">Sign in</a>
                <?php }} ?>
                </body>
                </html>
            """,
            "tool.php": f"""
                <?php
                require __DIR__ . '/db.php';
                $tool = $pdo->query('SELECT * FROM tools WHERE id = ' . (int) ($_GET['id'] ?? 0))->fetchObject();
                $post = $pdo->query('SELECT * FROM tools WHERE id = ' . (int) ($_GET['id'] ?? 0))->fetch(PDO::FETCH_ASSOC);
                {tool_page_store}
                ?>
                <!DOCTYPE html>
                <html>
                <body><h1><?= htmlspecialchars($tool->label) ?></h1></body>
                </html>
            """,
            "signout.php": """
                <?php
                require __DIR__ . '/db.php';
                session_destroy();
                echo '<a href="signin.php">Sign in</a>';
            """,
        },
    )
    return root


FOREIGN_STORES = (
    ("$_SESSION['user_id'] = intval($tool->id);", "session key 'user_id' is assigned intval($tool->id), the id of $tool"),
    ("$_SESSION['user_id'] = (int) $post['id'];", "session key 'user_id' is assigned (int) $post['id'], the id of $post"),
    ("$_SESSION['user_id'] = strval($tool->id);", "session key 'user_id' is assigned strval($tool->id), the id of $tool"),
    ("$_SESSION['user_id'] = intval((string) $post['id']);", "session key 'user_id' is assigned intval((string) $post['id']), the id of $post"),
    ("$shown = intval($tool->id); $_SESSION['user_id'] = $shown;", "session key 'user_id' is assigned $shown, assigned intval($tool->id), the id of $tool"),
    ("$shown = $tool->id; $_SESSION['user_id'] = (int) $shown;", "session key 'user_id' is assigned (int) $shown, assigned $tool->id, the id of $tool"),
    ("$_SESSION['user'] = ['id' => $tool->id, 'label' => $tool->label];", "tool.php:5 stores $_SESSION['user'] whose id assigned $tool->id, the id of $tool"),
    ("$_SESSION['user'] = ['id' => intval($post['id'])];", "tool.php:5 stores $_SESSION['user'] whose id assigned intval($post['id']), the id of $post"),
)


@pytest.mark.parametrize(("store", "refusal"), FOREIGN_STORES, ids=[store for store, _ in FOREIGN_STORES])
def test_a_tools_id_under_a_cast_or_in_an_array_is_not_the_users(tmp_path, cli, store, refusal):
    root = _workshop(tmp_path / "workshop", tool_page_store=store)
    result = install_quietly(cli, root)
    assert result.exit_code == 4, result.stdout + result.stderr  # was 0: every visitor of a tool page would have been that tool
    output = " ".join((result.stdout + result.stderr).split())
    assert refusal in output, output
    assert "which is not the user's row (no query of table members fetched it)" in output, output
    if "['id'" not in store:
        assert "tool.php:5: " + refusal in output, output
    endpoint = (root / ENDPOINT_FILE).read_text()
    assert "$_SESSION['user" not in endpoint.split("function intercom_signed_in_user_claims")[1].split("}")[0], endpoint


OWN_STORES = (
    (
        "$_SESSION['member_id'] = intval($found['id']); $_SESSION['login'] = $found['login'];",
        "'user_id' => (string) $_SESSION['member_id'],",
        "$_SESSION['login']",
    ),
    (
        "$_SESSION['member_id'] = (int) $found['id']; $_SESSION['login'] = $found['login'];",
        "'user_id' => (string) $_SESSION['member_id'],",
        "$_SESSION['login']",
    ),
    ("$_SESSION['user'] = ['id' => (int) $found['id'], 'login' => $found['login']];", "$user = $_SESSION['user'] ?? null;", "$_SESSION['user']['login']"),
)


@pytest.mark.parametrize(("store", "claim", "greeting"), OWN_STORES, ids=[store for store, _, _ in OWN_STORES])
def test_the_members_own_row_under_a_cast_is_still_the_user(tmp_path, cli, store, claim, greeting):
    root = _workshop(tmp_path / "workshop", sign_in_store=store, greeting=greeting)
    _, files = install_and_check_uninstall(cli, root, exit_code=0)
    assert claim in files[ENDPOINT_FILE], files[ENDPOINT_FILE]


@pytest.mark.parametrize(("store", "greeting"), [(OWN_STORES[0][0], OWN_STORES[0][2]), (OWN_STORES[2][0], OWN_STORES[2][2])], ids=["intval", "array"])
def test_two_members_signed_in_get_their_own_primary_keys(tmp_path, cli, store, greeting):
    # the tool page's own session state beside it is no user key: the install stays complete
    root = _workshop(tmp_path / "workshop", sign_in_store=store, greeting=greeting, tool_page_store="$_SESSION['last_tool'] = intval($tool->id);")
    assert install_quietly(cli, root).exit_code == 0
    pages = PhpPages(register="/join.php", registered="joined", sign_in="/signin.php", sign_out="/signout.php", login_field="login", password_field="secret")
    first, second = php_two_users(tmp_path / "sessions", root, pages, AppUser("ivy", "pw-ivy-123"), AppUser("jon", "pw-jon-123"), SECRET)
    assert (first["user_id"], second["user_id"]) == ("1", "2"), "the members' primary keys"
