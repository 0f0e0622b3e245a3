"""Plain PHP whose session id comes from a method of its own database class, and whose sign-out clears
only a flag (the g10php round).

Seen on php-ltw-polls (a 2014 course project): the login stores `$_SESSION['userId'] =
$sqlite->getUserID($un)` beside `$_SESSION['status'] = 'authorized'`; the install ended incomplete
("not an id": a method's return). The method is followed into the class that defines it: it selects
the users table's primary key and returns that column, so the key is the id. Its sign-out only sets
`$_SESSION['status'] = ''` and leaves the id in the session; the pages test the flag. An endpoint
reading only the id would keep signing tokens after sign-out, so it requires the same condition the
pages' guard checks, or stays incomplete naming the sign-out's file and line. Fixtures of our own writing.
"""

from pathlib import Path

from conftest import SECRET, install_and_check_uninstall, install_quietly, write_files
from identity_checks import AppUser, PhpPages, php_two_users

ENDPOINT_FILE = "api/intercom-jwt/index.php"
GUARD = "isset($_SESSION['login_state']) && $_SESSION['login_state'] == 'active'"


def _app(
    root: Path, *, returned: str = "$found['account_no']", guard: str = GUARD, sign_out: str = "$_SESSION['login_state'] = 'gone';", signed_in: str = "'active'",
    id_call: str = "$store->accountNumber($_POST['handle'])",
) -> Path:
    write_files(
        root,
        {
            "lib/store.php": f"""
                <?php
                class Store
                {{
                    private $pdo;

                    public function __construct()
                    {{
                        $this->pdo = new PDO('sqlite:' . __DIR__ . '/../club.db');
                        $this->pdo->exec("CREATE TABLE IF NOT EXISTS accounts (account_no INTEGER PRIMARY KEY, handle TEXT NOT NULL, secret TEXT NOT NULL)");
                    }}

                    public function join($handle, $secret)
                    {{
                        $this->pdo->prepare('INSERT INTO accounts (handle, secret) VALUES (?, ?)')->execute([$handle, password_hash($secret, PASSWORD_DEFAULT)]);
                    }}

                    public function secretOf($handle)
                    {{
                        $query = $this->pdo->prepare('SELECT secret FROM accounts WHERE handle = ?');
                        $query->execute([$handle]);
                        $row = $query->fetch(PDO::FETCH_ASSOC);
                        return $row ? $row['secret'] : null;
                    }}

                    public function accountNumber($handle)
                    {{
                        $query = $this->pdo->prepare('SELECT account_no, handle FROM accounts WHERE handle = ?');
                        $query->execute([$handle]);
                        $found = $query->fetch(PDO::FETCH_ASSOC);
                        return {returned};
                    }}
                }}
            """,
            "signin.php": f"""
                <?php
                session_start();
                require_once 'lib/store.php';
                if ($_SERVER['REQUEST_METHOD'] === 'POST') {{
                    $store = new Store();
                    $secret = $store->secretOf($_POST['handle']);
                    if ($secret !== null && password_verify($_POST['secret'], $secret)) {{
                        $_SESSION['accountId'] = {id_call};
                        $_SESSION['login_state'] = {signed_in};
                        $_SESSION['is_admin'] = $_POST['handle'] === 'ada';
                        $_SESSION['can_post'] = true;
                        $_SESSION['username'] = $_POST['handle'];
                        header('Location: index.php');
                        exit;
                    }}
                }}
                ?>
                <form method="post"><input name="handle"><input type="password" name="secret"><button>Sign in</button></form>
            """,
            "mute.php": """
                <?php
                session_start();
                $_SESSION['can_post'] = false; // a role flag reset by a page that signs nobody out
            """,
            "join.php": """
                <?php
                require_once 'lib/store.php';
                (new Store())->join($_POST['handle'], $_POST['secret']);
                echo 'joined';
            """,
            "signout.php": f"""
                <?php
                session_start();
                {sign_out}
                // session_destroy(); (a comment does not sign anyone out)
                header('Location: index.php');
            """,
            "index.php": f"""
                <?php session_start(); ?>
                <!DOCTYPE html>
                <html>
                <body>
                  <?php if ({guard}) {{ ?>
                    <p>Hello <?php echo htmlspecialchars($_SESSION['username']); ?></p>
                    <a href="signout.php">Sign out</a>
                  <?php }} else {{ ?>
                    <a href="signin.php">Sign in</a>
                  <?php }} ?>
                </body>
                </html>
            """,
        },
    )
    return root


def test_the_method_returning_the_primary_key_makes_the_key_the_id_and_the_flag_guards_it(tmp_path, cli):
    root = _app(tmp_path / "club")
    _, files = install_and_check_uninstall(cli, root, exit_code=0)  # was 4: "a method's return is not an id"
    endpoint = files[ENDPOINT_FILE]
    assert "'user_id' => (string) $_SESSION['accountId']," in endpoint
    assert "if (!isset($_SESSION['accountId']) || !(($_SESSION['login_state'] ?? null) === 'active')) {" in endpoint
    assert "signout.php:3 signs out by clearing $_SESSION['login_state']" in endpoint


def test_a_sign_out_that_takes_the_id_away_needs_no_flag(tmp_path, cli):
    for sign_out in ("session_destroy();", "unset($_SESSION['accountId'], $_SESSION['login_state']);", "$_SESSION['login_state'] = ''; $_SESSION = [];"):
        root = _app(tmp_path / f"club{len(sign_out)}", sign_out=sign_out)
        _, files = install_and_check_uninstall(cli, root, exit_code=0)
        endpoint = files[ENDPOINT_FILE]
        assert "    if (!isset($_SESSION['accountId'])) {" in endpoint, sign_out
        assert "login_state" not in endpoint, sign_out


def test_a_role_flag_cleared_beside_the_pages_flag_does_not_hide_it(tmp_path, cli):
    root = _app(tmp_path / "club", sign_out="$_SESSION['can_post'] = false; $_SESSION['login_state'] = 'gone';")
    _, files = install_and_check_uninstall(cli, root, exit_code=0)
    assert "!(($_SESSION['login_state'] ?? null) === 'active')" in files[ENDPOINT_FILE]


def test_a_true_flag_the_pages_test_with_empty_is_required_when_the_sign_out_makes_it_false(tmp_path, cli):
    truthy = {"signed_in": "true", "guard": "!empty($_SESSION['login_state'])"}
    root = _app(tmp_path / "club", sign_out="$_SESSION['login_state'] = false;", **truthy)
    _, files = install_and_check_uninstall(cli, root, exit_code=0)
    assert "if (!isset($_SESSION['accountId']) || !(!empty($_SESSION['login_state']))) {" in files[ENDPOINT_FILE]
    # set to another true value on sign-out, emptiness tells nothing: incomplete
    root = _app(tmp_path / "club2", sign_out="$_SESSION['login_state'] = 'no';", **truthy)
    result = install_quietly(cli, root)
    assert result.exit_code == 4, result.stdout + result.stderr
    assert "(string) $_SESSION['accountId']" not in (root / ENDPOINT_FILE).read_text()


def test_an_auth_library_id_method_keeps_the_ordinary_rule(tmp_path, cli):
    # `getId()` is an id by its name (identity.ID_METHODS), as before: following methods only adds evidence.
    root = _app(tmp_path / "club", id_call="$store->getId()")
    _, files = install_and_check_uninstall(cli, root, exit_code=0)
    assert "'user_id' => (string) $_SESSION['accountId']," in files[ENDPOINT_FILE]


def test_a_method_returning_another_column_is_no_evidence(tmp_path, cli):
    root = _app(tmp_path / "club", returned="$found['handle']")
    result = install_quietly(cli, root)
    assert result.exit_code == 4, result.stdout + result.stderr
    output = " ".join((result.stdout + result.stderr).split())
    assert "Store::accountNumber() (lib/store.php:25) returns $found['handle'] (lib/store.php:30), not the account_no column" in output, output
    assert "(string) $_SESSION['accountId']" not in (root / ENDPOINT_FILE).read_text()


def test_a_flag_no_page_compares_leaves_the_install_incomplete(tmp_path, cli):
    root = _app(tmp_path / "club", guard="!empty($_SESSION['username'])")
    result = install_quietly(cli, root)
    assert result.exit_code == 4, result.stdout + result.stderr
    output = " ".join((result.stdout + result.stderr).split())
    assert "signout.php:3 signs out by clearing $_SESSION['login_state']" in output, output
    assert "(string) $_SESSION['accountId']" not in (root / ENDPOINT_FILE).read_text()


def test_two_accounts_get_their_numbers_and_signing_out_ends_the_tokens(tmp_path, cli):
    root = _app(tmp_path / "club")
    assert install_quietly(cli, root).exit_code == 0
    # signout.php clears the flag; the id stays in the session
    pages = PhpPages(register="/join.php", registered="joined", sign_in="/signin.php", sign_out="/signout.php", login_field="handle", password_field="secret")
    first, second = php_two_users(tmp_path / "sessions", root, pages, AppUser("ada", "pw-ada-123"), AppUser("grace", "pw-grace-123"), SECRET)
    assert (first["user_id"], second["user_id"]) == ("1", "2"), "the accounts' primary keys"
