"""Plain PHP that keeps the whole row of its users table in the session (the g10new2 round).

Seen on php-sqlite-auth-example: login.php runs `SELECT * FROM users WHERE username = :username`,
fetches the row with `$stmt->fetch(PDO::FETCH_ASSOC)` and stores it as `$_SESSION['user'] = $user`;
the pages read only `$_SESSION['user']['username']`, so nothing in the code named the row's `id`, and
the install ended incomplete (exit 4: "no evidence of the signed-in user's id"). The row a query
selecting `*` (or the primary key) from the users table fetched holds that key: it is the record's id
field. Its register.php stores a record built by hand, without an id: those sessions get 401 (the
claims function requires the id), never a made-up one. Fixtures of our own writing.
"""

import shutil
from pathlib import Path

from conftest import SECRET, install_and_check_uninstall, install_quietly, write_files
from identity_checks import AppUser, assert_signed_out, check_two_users

from intercom_wizard.localserver import BrowserlessClient, free_port, running_server

PHP = shutil.which("php") or "php"
ENDPOINT_FILE = "public/api/intercom-jwt/index.php"


def _app(root: Path, *, select: str = "*", fetch: str = "$query->fetch(PDO::FETCH_ASSOC)") -> Path:
    write_files(
        root,
        {
            "public/common.php": """
                <?php
                session_start();
                $db = new PDO('sqlite:' . __DIR__ . '/../members.db');
                $db->exec("CREATE TABLE IF NOT EXISTS members (id INTEGER PRIMARY KEY, handle TEXT UNIQUE, email TEXT, secret TEXT)");
            """,
            "public/login.php": f"""
                <?php
                require __DIR__ . '/common.php';
                $failed = false;
                if ($_SERVER['REQUEST_METHOD'] === 'POST') {{
                    $query = $db->prepare("SELECT {select} FROM members WHERE handle = :handle");
                    $query->execute([':handle' => $_POST['handle']]);
                    $member = {fetch};
                    if ($member && password_verify($_POST['secret'], is_array($member) ? $member['secret'] : $member->secret)) {{
                        $_SESSION['member'] = $member;
                        header('Location: /index.php');
                        exit;
                    }}
                    $failed = true;
                }}
                ?>
                <!DOCTYPE html>
                <html>
                <body>
                  <form method="post"><input name="handle"><input type="password" name="secret"><button>Sign in</button></form>
                </body>
                </html>
            """,
            "public/join.php": """
                <?php
                require __DIR__ . '/common.php';
                if ($_SERVER['REQUEST_METHOD'] === 'POST') {
                    $hash = password_hash($_POST['secret'], PASSWORD_DEFAULT);
                    $db->prepare("INSERT INTO members (handle, secret) VALUES (?, ?)")->execute([$_POST['handle'], $hash]);
                    $member = ['handle' => $_POST['handle'], 'secret' => $hash];
                    $_SESSION['member'] = $member;
                    header('Location: /index.php');
                    exit;
                }
            """,
            "public/index.php": """
                <?php require __DIR__ . '/common.php'; ?>
                <!DOCTYPE html>
                <html>
                <body>
                  <p>Hello <?php echo htmlspecialchars($_SESSION['member']['handle'] ?? 'visitor'); ?></p>
                  <a href="/logout.php">Sign out</a>
                </body>
                </html>
            """,
            "public/logout.php": """
                <?php
                session_start();
                session_destroy();
                header('Location: /index.php');
            """,
        },
    )
    return root


def test_the_fetched_row_of_the_users_table_is_the_record_and_its_primary_key_the_id(tmp_path, cli):
    root = _app(tmp_path / "members")
    _, files = install_and_check_uninstall(cli, root, exit_code=0)  # was 4: no evidence of the id
    endpoint = files[ENDPOINT_FILE]
    assert "$user = $_SESSION['member'] ?? null;" in endpoint
    assert "!isset($user['id'])" in endpoint and "'user_id' => (string) $user['id']," in endpoint
    assert "'email' => $user['email'] ?? null," in endpoint


def test_a_row_fetched_as_an_object_is_read_as_one(tmp_path, cli):
    root = _app(tmp_path / "members", select="id, handle, secret", fetch="$query->fetch(PDO::FETCH_OBJ)")
    _, files = install_and_check_uninstall(cli, root, exit_code=0)
    assert "'user_id' => (string) $user->id," in files[ENDPOINT_FILE]


def test_a_query_that_does_not_select_the_key_is_no_evidence(tmp_path, cli):
    root = _app(tmp_path / "members", select="handle, secret")
    result = install_quietly(cli, root)
    assert result.exit_code == 4, result.stderr
    assert "(string) $user['id']" not in (root / ENDPOINT_FILE).read_text()


def test_two_members_get_their_row_ids_and_a_session_made_by_hand_gets_401(tmp_path, cli):
    root = _app(tmp_path / "members")
    assert install_quietly(cli, root).exit_code == 0
    port = free_port()
    sessions = tmp_path / "sessions"
    sessions.mkdir()
    command = [PHP, "-d", f"session.save_path={sessions}", "-S", f"127.0.0.1:{port}", "-t", str(root / "public")]

    def sign_in(client: BrowserlessClient, user: AppUser) -> None:
        page = client.post_form("/login.php", {"handle": user.login, "secret": user.password})
        assert f"Hello {user.login}" in page.body, page.body

    def sign_out(client: BrowserlessClient) -> None:
        client.get("/logout.php")

    ada, grace = AppUser("ada", "pw-ada-123", None, None), AppUser("grace", "pw-grace-123", None, None)
    with running_server(command, root, port, {"INTERCOM_IDENTITY_SECRET": SECRET}):
        base = f"http://127.0.0.1:{port}"
        for user in (ada, grace):  # through the app's own sign-up, which keeps a record without the id
            joined = BrowserlessClient(base)
            assert f"Hello {user.login}" in joined.post_form("/join.php", {"handle": user.login, "secret": user.password}).body
            assert_signed_out(joined)  # fail closed: no id in that session, no token
        first, second = check_two_users(base, SECRET, ada, grace, sign_in, sign_out)
    assert (first["user_id"], second["user_id"]) == ("1", "2"), "the rows' primary keys"
