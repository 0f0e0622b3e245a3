"""Plain PHP whose login takes the id from a method of an object it reaches through `$this->db`, a
factory or a typed parameter, and whose pages test the signed-in flag by its bare truth (the h10php round).

The shapes left open after php-ltw-polls (tests/test_corpus_php_method_id_flag_signout.py): there the
object was `$sqlite = new SQLite()` in the login function. Small MVC-style apps reach it as a property
(`$this->db->memberNumber($login)`, set by a base controller's constructor to `Database::getInstance()`,
a singleton returning `self::$instance`), a factory function (`db()`), a chained static factory or a
typed constructor parameter. The class is resolved statically, every way it is set must agree, and the
method must still select the users table's primary key. Their pages test `if ($_SESSION['signed_in'])`
(or `&& ($_SESSION['signed_in'])`, `?? false`) while the sign-out only sets the flag to false: the
endpoint then requires `!empty($_SESSION['signed_in'])`. Fixtures of our own writing.
"""

from pathlib import Path

import pytest
from conftest import SECRET, install_and_check_uninstall, install_quietly, write_files
from identity_checks import AppUser, PhpPages, php_two_users

ENDPOINT_FILE = "api/intercom-jwt/index.php"
BASE_CONTROLLER = """
    <?php
    require_once __DIR__ . '/Database.php';

    abstract class Controller
    {
        protected $db;

        public function __construct()
        {
            $this->db = Database::getInstance();
        }
    }
"""
# How Auth::login reaches the object whose method returns the id, and what Auth extends.
RECEIVERS = {
    "base-controller-singleton": ("extends Controller", "", "$this->db->memberNumber($login)"),
    "factory-function": ("", "", "db()->memberNumber($login)"),
    "factory-variable": ("", "", "$store = db(); $_SESSION['memberId'] = $store->memberNumber($login)"),
    "chained-static-factory": ("", "", "Database::getInstance()->memberNumber($login)"),
    "a-variable-holding-the-call": ("extends Controller", "", "$number = $this->db->memberNumber($login); $_SESSION['memberId'] = $number"),
    "promoted-parameter": ("", "public function __construct(private Database $db = new Database()) {}", "$this->db->memberNumber($login)"),
}


def _app(
    root: Path,
    *,
    receiver: str = "base-controller-singleton",
    returned: str = "$row ? $row['member_id'] : null",
    guard: str = "isset($_SESSION['signed_in']) && ($_SESSION['signed_in'])",
    signed_out_to: str = "false",
) -> Path:
    extends, constructor, id_call = RECEIVERS[receiver]
    store = id_call if "; " in id_call else f"$_SESSION['memberId'] = {id_call}"
    write_files(
        root,
        {
            "lib/Database.php": f"""
                <?php
                class Database
                {{
                    private static $instance = null;
                    private $pdo;

                    public function __construct()
                    {{
                        $this->pdo = new PDO('sqlite:' . __DIR__ . '/../members.db');
                        $this->pdo->exec('CREATE TABLE IF NOT EXISTS members (member_id INTEGER PRIMARY KEY AUTOINCREMENT, login TEXT UNIQUE NOT NULL, pass TEXT NOT NULL)');
                    }}

                    public static function getInstance()
                    {{
                        if (self::$instance === null) {{
                            self::$instance = new self();
                        }}
                        return self::$instance;
                    }}

                    public function enrol($login, $password)
                    {{
                        $this->pdo->prepare('INSERT INTO members (login, pass) VALUES (?, ?)')->execute([$login, password_hash($password, PASSWORD_DEFAULT)]);
                    }}

                    public function passwordHash($login)
                    {{
                        $query = $this->pdo->prepare('SELECT pass FROM members WHERE login = ?');
                        $query->execute([$login]);
                        return $query->fetchColumn();
                    }}

                    public function memberNumber($login)
                    {{
                        $query = $this->pdo->prepare('SELECT member_id FROM members WHERE login = ?');
                        $query->execute([$login]);
                        $row = $query->fetch(PDO::FETCH_ASSOC);
                        return {returned};
                    }}
                }}

                function db(): Database
                {{
                    return Database::getInstance();
                }}
            """,
            "lib/Controller.php": BASE_CONTROLLER,
            "lib/Auth.php": f"""
                <?php
                require_once __DIR__ . '/Controller.php';

                class Auth {extends}
                {{
                    {constructor}

                    public function login($login, $password)
                    {{
                        $hash = db()->passwordHash($login);
                        if ($hash && password_verify($password, $hash)) {{
                            {store};
                            $_SESSION['signed_in'] = true;
                            $_SESSION['login'] = $login;
                            return true;
                        }}
                        return false;
                    }}

                    public function logout()
                    {{
                        $_SESSION['signed_in'] = {signed_out_to};
                    }}
                }}
            """,
            "login.php": """
                <?php
                session_start();
                require_once 'lib/Auth.php';
                if ($_SERVER['REQUEST_METHOD'] === 'POST' && (new Auth())->login($_POST['login'], $_POST['password'])) {
                    header('Location: index.php');
                    exit;
                }
                ?>
                <form method="post"><input name="login"><input type="password" name="password"><button>Sign in</button></form>
            """,
            "logout.php": """
                <?php
                session_start();
                require_once 'lib/Auth.php';
                (new Auth())->logout();
                header('Location: index.php');
            """,
            "enrol.php": """
                <?php
                require_once 'lib/Database.php';
                db()->enrol($_POST['login'], $_POST['password']);
                echo 'enrolled';
            """,
            "index.php": f"""
                <?php session_start(); ?>
                <!DOCTYPE html>
                <html>
                <body>
                  <?php if ({guard}) {{ ?>
                    <p>Hello <?php echo htmlspecialchars($_SESSION['login']); ?></p>
                    <a href="logout.php">Sign out</a>
                  <?php }} else {{ ?>
                    <a href="login.php">Sign in</a>
                  <?php }} ?>
                </body>
                </html>
            """,
        },
    )
    return root


@pytest.mark.parametrize("receiver", sorted(RECEIVERS))
def test_the_id_method_is_found_through_the_object_the_login_reaches(tmp_path, cli, receiver):
    root = _app(tmp_path / "members", receiver=receiver)
    _, files = install_and_check_uninstall(cli, root, exit_code=0)  # each was 4: "whose object's class the wizard cannot tell"
    endpoint = files[ENDPOINT_FILE]
    assert "'user_id' => (string) $_SESSION['memberId']," in endpoint
    # the sign-out only makes the flag false; the pages test its truth: the endpoint requires it
    assert "if (!isset($_SESSION['memberId']) || !(!empty($_SESSION['signed_in']))) {" in endpoint
    assert "the pages check it (index.php:5)" in " ".join(endpoint.replace("//", " ").split())


def test_a_property_set_to_two_classes_is_no_evidence(tmp_path, cli):
    root = _app(tmp_path / "members")
    controller = root / "lib/Controller.php"
    controller.write_text(
        controller.read_text().replace("Database::getInstance();", "Database::getInstance();\n        if (getenv('AUDIT')) { $this->db = new AuditLog(); }")
    )
    (root / "lib/AuditLog.php").write_text("<?php\nclass AuditLog { public function memberNumber($login) { return $login; } }\n")
    result = install_quietly(cli, root)
    assert result.exit_code == 4, result.stdout + result.stderr
    output = " ".join((result.stdout + result.stderr).split())
    assert "$this->db->memberNumber($login), whose object's class the wizard cannot tell" in output, output
    assert "(string) $_SESSION['memberId']" not in (root / ENDPOINT_FILE).read_text()


def test_a_method_reached_through_the_property_must_still_return_the_key(tmp_path, cli):
    root = _app(tmp_path / "members", returned="$row ? $row['member_id'] : $login")
    result = install_quietly(cli, root)
    assert result.exit_code == 4, result.stdout + result.stderr
    output = " ".join((result.stdout + result.stderr).split())
    assert "Database::memberNumber() (lib/Database.php:33) returns $login (lib/Database.php:38), not the member_id column" in output, output


@pytest.mark.parametrize("guard", ["$_SESSION['signed_in'] ?? false", "!empty($_SESSION['login']) && $_SESSION['signed_in'] == true"])
def test_other_truth_tests_of_the_flag(tmp_path, cli, guard):
    root = _app(tmp_path / "members", guard=guard)
    _, files = install_and_check_uninstall(cli, root, exit_code=0)
    endpoint = files[ENDPOINT_FILE]
    expected = "($_SESSION['signed_in'] ?? null) === true" if "==" in guard else "!empty($_SESSION['signed_in'])"
    assert f"if (!isset($_SESSION['memberId']) || !({expected})) {{" in endpoint


def test_a_truth_test_tells_nothing_when_the_sign_out_leaves_the_flag_true(tmp_path, cli):
    root = _app(tmp_path / "members", signed_out_to="'no'")
    result = install_quietly(cli, root)
    assert result.exit_code == 4, result.stdout + result.stderr
    output = " ".join((result.stdout + result.stderr).split())
    assert "lib/Auth.php:22 signs out by clearing $_SESSION['signed_in'] and leaves $_SESSION['memberId'] in the session" in output, output
    assert "(string) $_SESSION['memberId']" not in (root / ENDPOINT_FILE).read_text()


def test_a_flag_read_only_for_display_is_no_truth_test(tmp_path, cli):
    root = _app(tmp_path / "members", guard="isset($_SESSION['login'])")
    (root / "status.php").write_text("<?php\nsession_start();\necho 'signed in: ' . $_SESSION['signed_in'];\n")
    result = install_quietly(cli, root)
    assert result.exit_code == 4, result.stdout + result.stderr
    assert "(string) $_SESSION['memberId']" not in (root / ENDPOINT_FILE).read_text()


def test_two_members_get_their_numbers_and_signing_out_ends_the_tokens(tmp_path, cli):
    root = _app(tmp_path / "members")
    assert install_quietly(cli, root).exit_code == 0
    # logout.php makes the flag false; the member id stays in the session
    pages = PhpPages(register="/enrol.php", registered="enrolled", sign_in="/login.php", sign_out="/logout.php", login_field="login", password_field="password")
    first, second = php_two_users(tmp_path / "sessions", root, pages, AppUser("ann", "pw-ann-123"), AppUser("ben", "pw-ben-123"), SECRET)
    assert (first["user_id"], second["user_id"]) == ("1", "2"), "the members' primary keys"


def test_a_flag_the_sign_out_unsets_is_guarded_by_the_pages_isset(tmp_path, cli):
    root = _app(tmp_path / "members", guard="isset($_SESSION['signed_in'])")
    auth = root / "lib/Auth.php"
    auth.write_text(auth.read_text().replace("$_SESSION['signed_in'] = false;", "unset($_SESSION['signed_in']);"))
    _, files = install_and_check_uninstall(cli, root, exit_code=0)
    assert "if (!isset($_SESSION['memberId']) || !(isset($_SESSION['signed_in']))) {" in files[ENDPOINT_FILE]
    # made false instead, the flag is still set: isset() tells nothing
    root = _app(tmp_path / "members2", guard="isset($_SESSION['signed_in'])")
    result = install_quietly(cli, root)
    assert result.exit_code == 4, result.stdout + result.stderr
