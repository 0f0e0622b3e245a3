"""Plain PHP: an endpoint script in the web root reading the $_SESSION user the login code stores.

The fixture (tests/fixtures/php_session_app: no Composer, a session bootstrap include, users in a
PHP array with password_hash, login/logout forms with a CSRF field, header/footer includes) runs
for real under Debian's php-cli built-in server on 127.0.0.1: sign in through the form, fetch the
token, verify it with PyJWT, sign out. The Composer variant runs for real too, but with a stand-in
for firebase/php-jwt in vendor/ (Packagist is not reachable here): that proves the generated glue
(autoloader path, session bootstrap, claims), not the library. Every other shape is a golden
before/after case, uninstalled byte for byte, with `php -l` on each generated or edited PHP file.
"""

import json
import re
import shutil
import subprocess
import time
from pathlib import Path

import jwt
import pytest
from conftest import IGNORED, SECRET, WORKSPACE_ID, git, install_and_check_uninstall, install_quietly, snapshot, write_files

from intercom_wizard.integrations.backends.php_common import php_code
from intercom_wizard.localserver import BrowserlessClient, free_port, running_server

FIXTURES = {
    "php_session_app": Path(__file__).resolve().parents[1] / "fixtures/php_session_app",
    "laravel_app": Path(__file__).resolve().parents[1] / "fixtures/laravel_app",
}
ENDPOINT_FILE = "api/intercom-jwt/index.php"
PHP = shutil.which("php") or "php"

EXPECTED_ENDPOINT = '''<?php

/**
 * GET /api/intercom-jwt: a short-lived Intercom identity token for the signed-in user.
 *
 * Added by intercom-wizard. The Messenger script on every page fetches this token
 * and boots with it, so Intercom can trust who the user is: 200 {"token": "<JWT>"}
 * when someone is signed in, 401 otherwise. The token is signed with HS256 using
 * the INTERCOM_IDENTITY_SECRET environment variable, which never leaves the server.
 * The project has no Composer, so HS256 is computed here with hash_hmac() (no JWT library).
 */

declare(strict_types=1);

require_once __DIR__ . '/../../includes/bootstrap.php'; // the app's own session setup

// Read the session without holding its lock: this endpoint never writes to it.
if (session_status() === PHP_SESSION_NONE) {
    session_start(['read_and_close' => true]);
}

const INTERCOM_TOKEN_LIFETIME_SECONDS = 2 * 60 * 60;

/**
 * Identity claims for the user login.php keeps in $_SESSION['user'], or null.
 */
function intercom_signed_in_user_claims(): ?array
{
    $user = $_SESSION['user'] ?? null;
    if (!is_array($user) || !isset($user['id'])) {
        return null;
    }

    return [
        'user_id' => (string) $user['id'],
        'email' => $user['email'] ?? null,
        'name' => $user['name'] ?? null,
    ];
}

/**
 * Unpadded base64url, the encoding of every JWT segment (RFC 7515, section 2).
 */
function intercom_base64url_encode(string $data): string
{
    return rtrim(strtr(base64_encode($data), '+/', '-_'), '=');
}

/**
 * A compact JWT signed with HS256, i.e. HMAC-SHA256 over "<header>.<claims>" (RFC 7519).
 */
function intercom_jwt_hs256(array $claims, string $secret): string
{
    $header = ['typ' => 'JWT', 'alg' => 'HS256'];
    $signingInput = intercom_base64url_encode(json_encode($header, JSON_THROW_ON_ERROR))
        . '.' . intercom_base64url_encode(json_encode($claims, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_THROW_ON_ERROR));

    return $signingInput . '.' . intercom_base64url_encode(hash_hmac('sha256', $signingInput, $secret, true));
}

header('Cache-Control: no-store');
header('Content-Type: application/json');

if (!in_array($_SERVER['REQUEST_METHOD'] ?? 'GET', ['GET', 'HEAD'], true)) {
    http_response_code(405);
    header('Allow: GET, HEAD');
    echo json_encode(['error' => 'Method not allowed']);
    exit;
}

$claims = intercom_signed_in_user_claims();
if ($claims === null) {
    http_response_code(401);
    echo json_encode(['error' => 'Not signed in']);
    exit;
}

// $_ENV when a .env loader filled it, otherwise the server's environment (SetEnv, env[...] in PHP-FPM).
$secret = $_ENV['INTERCOM_IDENTITY_SECRET'] ?? getenv('INTERCOM_IDENTITY_SECRET');
if (!is_string($secret) || $secret === '') {
    error_log('INTERCOM_IDENTITY_SECRET is not set: cannot sign Intercom identity tokens');
    http_response_code(500);
    echo json_encode(['error' => 'Identity verification is not configured']);
    exit;
}

$now = time();
$payload = array_filter($claims, static fn ($value) => $value !== null) + [
    'iat' => $now,
    'exp' => $now + INTERCOM_TOKEN_LIFETIME_SECONDS,
];

echo json_encode(['token' => intercom_jwt_hs256($payload, $secret)]);
'''


def copy_fixture(name: str, destination: Path) -> Path:
    target = destination / name
    shutil.copytree(FIXTURES[name], target, ignore=shutil.ignore_patterns(*IGNORED))
    commit(target)
    return target


def commit(root: Path) -> None:
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "fixture")


def php_lint(root: Path, *paths: str) -> None:
    for path in paths:
        completed = subprocess.run([PHP, "-l", str(root / path)], capture_output=True, text=True, check=False)
        assert completed.returncode == 0, f"{path}: {completed.stdout}{completed.stderr}"


def changed(before: dict[str, bytes], after: dict[str, str]) -> list[str]:
    return sorted(p for p in after if p not in before or before[p].decode() != after[p])


# --- the fixture app -------------------------------------------------------------------------------


def test_fixture_install_is_golden_idempotent_and_uninstalls_byte_for_byte(tmp_path, cli):
    root = copy_fixture("php_session_app", tmp_path)
    before = snapshot(root)
    result, after = install_and_check_uninstall(cli, root, exit_code=0)
    assert result.exit_code == 0, result.stderr
    assert changed(before, after) == [".intercom-wizard.json", ENDPOINT_FILE, "includes/footer.php", "intercom-messenger.js"]
    assert after[ENDPOINT_FILE] == EXPECTED_ENDPOINT
    footer = before["includes/footer.php"].decode()
    assert after["includes/footer.php"] == footer.replace(
        "    </footer>\n</body>", '    </footer>\n    <script src="/intercom-messenger.js" defer></script>\n</body>'
    )
    assert "var TOKEN_URL = '/api/intercom-jwt';" in after["intercom-messenger.js"]
    assert "api/intercom-jwt/index.php answers GET /api/intercom-jwt" in result.stderr
    assert "SetEnv INTERCOM_IDENTITY_SECRET" in result.stderr
    assert SECRET not in result.stdout + result.stderr
    assert not [p for p, data in after.items() if SECRET in data], "no env file is loaded: the secret is written nowhere"


def test_fixture_generated_php_passes_php_lint(tmp_path, cli):
    root = copy_fixture("php_session_app", tmp_path)
    assert install_quietly(cli, root).exit_code == 0
    php_lint(root, ENDPOINT_FILE, "includes/footer.php")


def test_detect_names_the_session_user(tmp_path, cli):
    root = copy_fixture("php_session_app", tmp_path)
    result = cli("detect", str(root), "--json")
    backends = json.loads(result.stdout)["backends"]
    assert [(b["name"], b["auth"]) for b in backends] == [("php", "session-user")]
    assert "login.php: $_SESSION['user'] = ..." in backends[0]["evidence"]


def _csrf(page: str) -> str:
    match = re.search(r'name="csrf_token" value="([0-9a-f]+)"', page)
    assert match, "the form carries a CSRF token"
    return match.group(1)


def _serve(root: Path, web_root: Path, secret: str):
    port = free_port()
    sessions = root.parent / f"{root.name}-sessions"
    sessions.mkdir(exist_ok=True)
    command = [PHP, "-d", f"session.save_path={sessions}", "-S", f"127.0.0.1:{port}", "-t", str(web_root)]
    return port, running_server(command, root, port, {"INTERCOM_IDENTITY_SECRET": secret})


def test_runtime_php_builtin_server_signs_the_signed_in_user(tmp_path, cli):
    root = copy_fixture("php_session_app", tmp_path)
    assert install_quietly(cli, root).exit_code == 0
    port, server = _serve(root, root, SECRET)
    with server:
        client = BrowserlessClient(f"http://127.0.0.1:{port}")
        replies = [client.get("/")]
        assert '<script src="/intercom-messenger.js" defer></script>' in replies[0].body

        signed_out = client.get("/api/intercom-jwt", follow=False, headers={"Accept": "application/json"})
        replies.append(signed_out)
        assert signed_out.status == 401, "signed out: 401, not a redirect to the login page"
        assert signed_out.headers.get("Cache-Control") == "no-store"
        assert json.loads(signed_out.body) == {"error": "Not signed in"}

        login_page = client.get("/login.php")
        replies.append(login_page)
        signed_in_page = client.post_form(
            "/login.php", {"email": "ada@example.com", "password": "correct-horse-battery", "csrf_token": _csrf(login_page.body)}
        )
        replies.append(signed_in_page)
        assert "Good to see you again, Ada Lovelace" in signed_in_page.body

        reply = client.get("/api/intercom-jwt", headers={"Accept": "application/json"})
        replies.append(reply)
        assert reply.status == 200, reply.body
        assert reply.headers.get("Cache-Control") == "no-store"
        assert reply.headers.get("Content-Type", "").startswith("application/json")
        token = json.loads(reply.body)["token"]
        assert jwt.get_unverified_header(token) == {"typ": "JWT", "alg": "HS256"}
        claims = jwt.decode(token, SECRET, algorithms=["HS256"], options={"require": ["user_id", "exp", "iat"]})
        assert {k: claims[k] for k in ("user_id", "email", "name")} == {"user_id": "3", "email": "ada@example.com", "name": "Ada Lovelace"}
        assert claims["exp"] - claims["iat"] == 2 * 60 * 60
        assert abs(claims["iat"] - time.time()) < 120, "seconds, not milliseconds"
        with pytest.raises(jwt.InvalidSignatureError):
            jwt.decode(token, "another-secret-of-the-same-length-but-wrong", algorithms=["HS256"])

        with_slash = client.get("/api/intercom-jwt/", headers={"Accept": "application/json"})
        assert with_slash.status == 200, "the folder URL with its slash is the same endpoint"
        posted = client.post_form("/api/intercom-jwt", {})
        replies.append(posted)
        assert posted.status == 405

        replies.append(client.post_form("/logout.php", {"csrf_token": _csrf(client.get("/").body)}))
        after_logout = client.get("/api/intercom-jwt", follow=False)
        replies.append(after_logout)
        assert after_logout.status == 401

        script = client.get("/intercom-messenger.js")
        replies.append(script)
        assert f"var APP_ID = '{WORKSPACE_ID}';" in script.body

    assert not [r for r in replies if SECRET in r.body or SECRET in str(r.headers)]
    assert not [path for path, data in snapshot(root).items() if SECRET.encode() in data]


def test_runtime_without_the_secret_answers_500_and_logs_why(tmp_path, cli):
    root = copy_fixture("php_session_app", tmp_path)
    assert install_quietly(cli, root, secret=None).exit_code == 0
    port, server = _serve(root, root, "")
    with server:
        client = BrowserlessClient(f"http://127.0.0.1:{port}")
        page = client.get("/login.php")
        client.post_form("/login.php", {"email": "grace@example.com", "password": "tardis-blue-box", "csrf_token": _csrf(page.body)})
        reply = client.get("/api/intercom-jwt")
        assert reply.status == 500
        assert json.loads(reply.body) == {"error": "Identity verification is not configured"}
        assert reply.headers.get("Cache-Control") == "no-store"
        log = (root / ".server.log").read_text()
    assert "INTERCOM_IDENTITY_SECRET is not set" in log


# --- Composer ----------------------------------------------------------------------------------------

COMPOSER_APP = {
    "composer.json": """
        {
            "name": "acme/notes",
            "description": "Team notes",
            "require": {
                "php": ">=8.1",
                "monolog/monolog": "^3.5"
            },
            "autoload": {
                "psr-4": {
                    "Notes\\\\": "src/"
                }
            }
        }
    """,
    ".gitignore": "/vendor/\n",
    "src/bootstrap.php": """
        <?php

        declare(strict_types=1);

        require __DIR__ . '/../vendor/autoload.php';

        session_start();

        const USERS = [
            'kim@example.com' => ['id' => 12, 'name' => 'Kim Lee', 'password' => 'opensesame'],
        ];
    """,
    "public/index.php": """
        <?php require __DIR__ . '/../src/bootstrap.php'; ?>
        <!doctype html>
        <html>
        <body>
        <?php if (isset($_SESSION['user_id'])): ?>
          <p>Hello <?= htmlspecialchars($_SESSION['username']) ?></p>
        <?php else: ?>
          <form method="post" action="/login.php">
            <input name="email"><input name="password" type="password"><button>Sign in</button>
          </form>
        <?php endif; ?>
        </body>
        </html>
    """,
    "public/login.php": """
        <?php

        declare(strict_types=1);

        require __DIR__ . '/../src/bootstrap.php';

        $email = (string) ($_POST['email'] ?? '');
        $user = USERS[$email] ?? null;
        if ($user !== null && hash_equals($user['password'], (string) ($_POST['password'] ?? ''))) {
            session_regenerate_id(true);
            $_SESSION['user_id'] = $user['id'];
            $_SESSION['user_email'] = $email;
            $_SESSION['username'] = $user['name'];
        }
        header('Location: /');
    """,
}
# Not firebase/php-jwt (Packagist is unreachable here): a stand-in with its JWT::encode signature,
# so the generated endpoint runs as it would with `composer install` done.
FIREBASE_STAND_IN = """
    <?php

    namespace Firebase\\JWT;

    final class JWT
    {
        public static function encode(array $payload, $key, string $alg, ?string $keyId = null, ?array $head = null): string
        {
            if ($alg !== 'HS256') {
                throw new \\DomainException('stand-in signs HS256 only');
            }
            $b64 = static fn (string $data): string => rtrim(strtr(base64_encode($data), '+/', '-_'), '=');
            $input = $b64(json_encode(['typ' => 'JWT', 'alg' => $alg])) . '.' . $b64(json_encode($payload));

            return $input . '.' . $b64(hash_hmac('sha256', $input, $key, true));
        }
    }
"""


# Like Composer's: safe to include twice (the app's bootstrap and the endpoint both require it).
AUTOLOAD_STAND_IN = """
    <?php

    spl_autoload_register(static function (string $class): void {
        if ($class === 'Firebase\\JWT\\JWT') {
            require __DIR__ . '/firebase/php-jwt/src/JWT.php';
        }
    });
"""


def test_composer_app_requires_firebase_php_jwt_and_the_autoloader(tmp_path, cli):
    write_files(tmp_path, COMPOSER_APP)
    commit(tmp_path)
    before = snapshot(tmp_path)
    result, after = install_and_check_uninstall(cli, tmp_path, exit_code=0)
    assert result.exit_code == 0, result.stderr
    assert changed(before, after) == [
        ".intercom-wizard.json", "composer.json", "public/api/intercom-jwt/index.php", "public/index.php", "public/intercom-messenger.js",
    ]
    # No sort-packages: appended, as `composer require` does; indentation kept.
    assert after["composer.json"] == before["composer.json"].decode().replace(
        '"monolog/monolog": "^3.5"\n', '"monolog/monolog": "^3.5",\n        "firebase/php-jwt": "^6.10"\n'
    )
    endpoint = after["public/api/intercom-jwt/index.php"]
    assert "use Firebase\\JWT\\JWT;\n\nrequire_once __DIR__ . '/../../../vendor/autoload.php';\n" in endpoint
    assert "require_once __DIR__ . '/../../../src/bootstrap.php'; // the app's own session setup\n" in endpoint
    assert "echo json_encode(['token' => JWT::encode($payload, $secret, 'HS256')]);" in endpoint
    assert "hash_hmac" not in endpoint, "with Composer the standard library signs"
    assert (
        "    if (!isset($_SESSION['user_id'])) {\n        return null;\n    }\n\n    return [\n"
        "        'user_id' => (string) $_SESSION['user_id'],\n"
        "        'email' => $_SESSION['user_email'] ?? null,\n"
        "        'name' => $_SESSION['username'] ?? null,\n    ];\n"
    ) in endpoint
    assert "install firebase/php-jwt with composer install --no-interaction" in " ".join(result.stderr.split())  # no composer.lock yet: a partial update needs one
    assert '<script src="/intercom-messenger.js" defer></script>\n</body>' in after["public/index.php"]
    assert not (tmp_path / "intercom-messenger.js").exists()


def test_composer_app_runs_with_a_firebase_stand_in(tmp_path, cli):
    write_files(tmp_path, COMPOSER_APP)
    commit(tmp_path)
    assert install_quietly(cli, tmp_path).exit_code == 0
    php_lint(tmp_path, "public/api/intercom-jwt/index.php", "public/index.php")
    write_files(tmp_path, {"vendor/autoload.php": AUTOLOAD_STAND_IN, "vendor/firebase/php-jwt/src/JWT.php": FIREBASE_STAND_IN})
    port, server = _serve(tmp_path, tmp_path / "public", SECRET)
    with server:
        client = BrowserlessClient(f"http://127.0.0.1:{port}")
        signed_out = client.get("/api/intercom-jwt", follow=False)
        assert signed_out.status == 401, (tmp_path / ".server.log").read_text()
        client.post_form("/login.php", {"email": "kim@example.com", "password": "opensesame"})
        reply = client.get("/api/intercom-jwt")
        assert reply.status == 200, reply.body
        claims = jwt.decode(json.loads(reply.body)["token"], SECRET, algorithms=["HS256"])
        assert {k: claims[k] for k in ("user_id", "email", "name")} == {"user_id": "12", "email": "kim@example.com", "name": "Kim Lee"}
        assert claims["exp"] - claims["iat"] == 7200


def test_composer_app_loading_dotenv_gets_the_secret_in_its_ignored_env_file(tmp_path, cli):
    files = dict(COMPOSER_APP)
    files["composer.json"] = files["composer.json"].replace('"monolog/monolog": "^3.5"', '"vlucas/phpdotenv": "^5.6"')
    files["src/bootstrap.php"] = files["src/bootstrap.php"].replace(
        "session_start();", "Dotenv\\Dotenv::createImmutable(dirname(__DIR__))->safeLoad();\n\n        session_start();"
    )
    files[".gitignore"] = "/vendor/\n.env\n"
    write_files(tmp_path, files)
    commit(tmp_path)
    result, after = install_and_check_uninstall(cli, tmp_path, exit_code=0)
    assert after[".env"] == f"INTERCOM_IDENTITY_SECRET='{SECRET}'\n"
    assert [p for p, text in after.items() if SECRET in text] == [".env"]
    assert "$_ENV['INTERCOM_IDENTITY_SECRET'] ?? getenv('INTERCOM_IDENTITY_SECRET')" in after["public/api/intercom-jwt/index.php"]
    assert SECRET not in result.stdout + result.stderr


def test_composer_sort_packages_puts_the_library_in_order_after_platform_packages(tmp_path, cli):
    manifest = '{\n\t"require": {\n\t\t"php": "^8.2",\n\t\t"ext-json": "*",\n\t\t"guzzlehttp/guzzle": "^7.8",\n\t\t"symfony/mailer": "^7.0"\n\t},\n\t"config": {\n\t\t"sort-packages": true\n\t}\n}\n'
    write_files(tmp_path, {"index.php": "<?php session_start(); $_SESSION['user'] = ['id' => 1]; ?>\n<html><body></body></html>\n"})
    (tmp_path / "composer.json").write_text(manifest)
    commit(tmp_path)
    _, after = install_and_check_uninstall(cli, tmp_path, exit_code=4)
    assert '\t\t"ext-json": "*",\n\t\t"firebase/php-jwt": "^6.10",\n\t\t"guzzlehttp/guzzle": "^7.8",\n' in after["composer.json"]
    assert json.loads(after["composer.json"])["require"]["firebase/php-jwt"] == "^6.10"


def test_composer_with_firebase_already_required_is_left_alone(tmp_path, cli):
    write_files(
        tmp_path,
        {
            "composer.json": '{\n    "require": {\n        "firebase/php-jwt": "^6.0"\n    }\n}\n',
            "index.php": "<?php session_start(); $_SESSION['user'] = ['id' => 1, 'email' => 'a@example.com']; ?>\n<html><body></body></html>\n",
        },
    )
    commit(tmp_path)
    before = snapshot(tmp_path)
    result, after = install_and_check_uninstall(cli, tmp_path, exit_code=4)
    assert after["composer.json"] == before["composer.json"].decode()
    assert "already requires firebase/php-jwt" in result.stderr


# --- other shapes ------------------------------------------------------------------------------------


def test_session_started_on_each_page_with_an_object_user(tmp_path, cli):
    write_files(
        tmp_path,
        {
            "login.php": """
                <?php
                session_name('shop');
                session_start();
                require 'lib/User.php';
                $user = User::authenticate($_POST['email'] ?? '', $_POST['password'] ?? '');
                if ($user) {
                    $_SESSION['current_user'] = $user;
                    echo "Welcome back, " . htmlspecialchars($user->display_name);
                }
            """,
            "index.php": """
                <?php session_name('shop'); session_start(); ?>
                <html><body>
                <?php if (isset($_SESSION['current_user'])): ?>
                  <p><?= htmlspecialchars($_SESSION['current_user']->email) ?></p>
                <?php endif; ?>
                </body></html>
            """,
            "lib/User.php": "<?php\n\nfinal class User\n{\n    public int $id;\n    public string $email;\n    public string $display_name;\n}\n",
        },
    )
    commit(tmp_path)
    result, after = install_and_check_uninstall(cli, tmp_path, exit_code=0)
    endpoint = after[ENDPOINT_FILE]
    assert "require_once" not in endpoint, "no include starts the session: the endpoint starts it itself"
    assert "    session_start(['read_and_close' => true]);\n" in endpoint
    assert "    $user = $_SESSION['current_user'] ?? null;\n    if (!is_object($user) || !isset($user->id)) {\n" in endpoint
    assert "        'email' => $user->email ?? null,\n        'name' => $user->display_name ?? null,\n" in endpoint
    assert "session_name('shop')" in result.stderr, "the session setup the endpoint lacks is pointed out"
    assert '<script src="/intercom-messenger.js" defer></script>\n</body>' in after["index.php"]
    (tmp_path / ENDPOINT_FILE).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / ENDPOINT_FILE).write_text(endpoint)
    php_lint(tmp_path, ENDPOINT_FILE)


def test_username_only_session_is_not_an_id_the_install_is_incomplete(tmp_path, cli):
    write_files(
        tmp_path,
        {
            "login.php": """
                <?php
                session_start();
                if (check_password($_POST['username'], $_POST['password'])) {
                    $_SESSION['username'] = $_POST['username'];
                    header('Location: index.php');
                }
            """,
            "index.php": "<?php session_start(); ?>\n<html><body><?= $_SESSION['username'] ?? 'guest' ?></body></html>\n",
        },
    )
    commit(tmp_path)
    result, after = install_and_check_uninstall(cli, tmp_path, exit_code=4)
    assert result.exit_code == 4, "a username from the form is no evidence of an id (issue 9)"
    assert "function intercom_signed_in_user_claims(): ?array\n{\n    return null;\n}" in after[ENDPOINT_FILE]
    assert "session key 'username' holds a name or email address, not an id" in " ".join(result.stderr.split())


def test_no_login_code_fails_closed_and_says_so(tmp_path, cli):
    # a login form whose code the wizard cannot trace to a user id:
    write_files(tmp_path, {"index.php": "<?php session_start(); $_SESSION['visits'] = ($_SESSION['visits'] ?? 0) + 1; ?>\n<html><body>Hi<form method=post action=auth.php><input type=password name=pw></form></body></html>\n"})
    commit(tmp_path)
    result, after = install_and_check_uninstall(cli, tmp_path, exit_code=4)
    assert result.exit_code == 4, result.stderr
    assert "function intercom_signed_in_user_claims(): ?array\n{\n    return null;\n}" in after[ENDPOINT_FILE]
    assert "answers 401 for everyone" in " ".join(result.stderr.split())


def test_endpoint_ending_in_php_is_that_file(tmp_path, cli):
    root = copy_fixture("php_session_app", tmp_path)
    result, after = install_and_check_uninstall(cli, root, "--endpoint", "/api/intercom-jwt.php", exit_code=0)
    assert "api/intercom-jwt.php" in after and ENDPOINT_FILE not in after
    assert "require_once __DIR__ . '/../includes/bootstrap.php';" in after["api/intercom-jwt.php"]
    assert "var TOKEN_URL = '/api/intercom-jwt.php';" in after["intercom-messenger.js"]
    assert "folder's index.php" not in result.stderr


def test_a_file_in_the_way_is_a_manual_step(tmp_path, cli):
    root = copy_fixture("php_session_app", tmp_path)
    (root / "api").write_text("not a folder\n")
    commit(root)
    result, after = install_and_check_uninstall(cli, root, exit_code=4)
    assert result.exit_code == 4
    assert ENDPOINT_FILE not in after
    assert "api is a file where the endpoint needs a folder" in result.stderr


def test_front_controller_rewrite_gets_a_manual_rule(tmp_path, cli):
    root = copy_fixture("php_session_app", tmp_path)
    (root / ".htaccess").write_text("RewriteEngine On\nRewriteRule ^ index.php [L]\n")
    commit(root)
    result, after = install_and_check_uninstall(cli, root, exit_code=4)
    assert result.exit_code == 4
    assert ENDPOINT_FILE in after, "the endpoint is written; the rewrite rule is the manual part"
    assert "RewriteRule ^api/intercom\\-jwt/?$ api/intercom-jwt/index.php [L]" in result.stderr


def test_cross_origin_pages_get_cors_for_that_origin_only(tmp_path, cli):
    root = copy_fixture("php_session_app", tmp_path)
    result, after = install_and_check_uninstall(cli, root, "--frontend-origin", "https://app.example.com", exit_code=0)
    endpoint = after[ENDPOINT_FILE]
    assert "header('Access-Control-Allow-Origin: https://app.example.com');\nheader('Access-Control-Allow-Credentials: true');\nheader('Vary: Origin');\n" in endpoint
    assert "*" not in re.findall(r"Access-Control-Allow-Origin: (\S+)'", endpoint)[0]
    assert "cookie_samesite=None" in result.stderr


def test_insecure_footer_prints_the_session_user(tmp_path, cli):
    root = copy_fixture("php_session_app", tmp_path)
    result, after = install_and_check_uninstall(cli, root, "--insecure", exit_code=0)
    footer = after["includes/footer.php"]
    assert "<?php if (isset($_SESSION['user']['id'])): ?>" in footer
    assert "user_id: <?= json_encode((string) $_SESSION['user']['id'], JSON_HEX_TAG | JSON_HEX_AMP | JSON_HEX_APOS | JSON_HEX_QUOT) ?>," in footer
    assert ENDPOINT_FILE not in after
    (root / "includes/footer.php").write_text(footer)
    php_lint(root, "includes/footer.php")


def test_laravel_project_is_never_plain_php(tmp_path, cli):
    root = copy_fixture("laravel_app", tmp_path)
    write_files(root, {"public/legacy.php": "<?php session_start(); $_SESSION['user_id'] = 1;\n"})
    result = cli("detect", str(root), "--json")
    assert [b["name"] for b in json.loads(result.stdout)["backends"]] == ["laravel"]


def test_wordpress_with_a_session_plugin_is_not_a_session_app(tmp_path, cli):
    write_files(
        tmp_path,
        {
            "wp-config.php": "<?php\ndefine('DB_NAME', 'wp');\nrequire_once __DIR__ . '/wp-settings.php';\n",
            "wp-settings.php": "<?php\ndefine('WPINC', 'wp-includes');\n",
            "wp-content/plugins/cart/cart.php": "<?php\nsession_start();\n$_SESSION['user_cart'] = [];\n",
        },
    )
    result = cli("detect", str(tmp_path), "--json")
    assert json.loads(result.stdout)["backends"] == []


# --- reading PHP around HTML -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("<p>x</p><?php $a = 1; ?><p>y</p>", "        <?php $a = 1; ;         "),
        ("<?php $s = '?> in a string'; ?>", "<?php $s = '?> in a string'; ; "),
        ("<?php /* ?> */ $b = 2; ?>", "<?php /* ?> */ $b = 2; ; "),
        ("<?php // comment ?>\n<b>html</b>", "<?php // comment ; \n           "),
        ("<?= e($x) ?>", "    e($x) ; "),
        ("<?php $h = <<<EOT\n?> inside\nEOT;\n$c = 3;", "<?php $h = <<<EOT\n?> inside\nEOT;\n$c = 3;"),
        ("<?php if ($a): ?>\n<b>\n<?php endif; ?>", "<?php if ($a): ; \n   \n      endif; ; "),
    ],
)
def test_php_code_blanks_markup_and_keeps_offsets(source, expected):
    """Strings, comments and heredocs may hold `?>`; markup becomes spaces, offsets stay."""
    assert php_code(source) == expected
