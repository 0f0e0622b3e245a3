"""Laravel: an invokable controller, one route behind the app's auth middleware, the script in Blade.

Composer/Packagist are not reachable here, so Laravel cannot run: the fixture
(tests/fixtures/laravel_app, a Laravel 11 skeleton with a session login, Sanctum and a Blade layout)
and the other shapes (a Sanctum token API, a custom API prefix, older or slimmer skeletons, other
file styles) are golden before/after cases, each uninstalled byte for byte, with `php -l` on every
generated or edited PHP file. Nothing here executes Laravel or firebase/php-jwt.
"""

import json
import shutil
import subprocess
import textwrap
from pathlib import Path

from conftest import IGNORED, SECRET, git, install_and_check_uninstall, snapshot

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures/laravel_app"
CONTROLLER = "app/Http/Controllers/IntercomJwtController.php"
PHP = shutil.which("php") or "php"
ROUTE = "Route::get('/api/intercom-jwt', IntercomJwtController::class)\n    ->middleware('auth')\n    ->name('intercom.jwt');\n"
IMPORT = "use App\\Http\\Controllers\\IntercomJwtController;\n"

EXPECTED_CONTROLLER = '''<?php

namespace App\\Http\\Controllers;

use Firebase\\JWT\\JWT;
use Illuminate\\Http\\JsonResponse;
use Illuminate\\Http\\Request;
use Illuminate\\Support\\Facades\\Log;

/**
 * GET /api/intercom-jwt: a short-lived Intercom identity token for the signed-in user.
 *
 * Added by intercom-wizard. The Messenger script fetches this token and boots with it,
 * so Intercom can trust who the user is. The route sits behind the `auth`
 * middleware, which answers the script's request (it sends Accept: application/json)
 * with a 401 JSON response when nobody is signed in, rather than a redirect to the
 * login page. The token is signed with HS256 using services.intercom.identity_secret
 * (INTERCOM_IDENTITY_SECRET in .env), which never leaves the server.
 */
class IntercomJwtController extends Controller
{
    private const TOKEN_LIFETIME_SECONDS = 2 * 60 * 60;

    public function __invoke(Request $request): JsonResponse
    {
        $user = $request->user();

        if ($user === null) {
            return $this->reply(['message' => 'Unauthenticated.'], 401);
        }

        $secret = config('services.intercom.identity_secret');

        if (blank($secret)) {
            Log::error('INTERCOM_IDENTITY_SECRET is not set: cannot sign Intercom identity tokens.');

            return $this->reply(['message' => 'Identity verification is not configured.'], 500);
        }

        $now = now()->getTimestamp();

        $claims = array_filter([
            'user_id' => (string) $user->getAuthIdentifier(),
            'email' => $user->email,
            'name' => $user->name,
            'iat' => $now,
            'exp' => $now + self::TOKEN_LIFETIME_SECONDS,
        ], fn ($value) => $value !== null);

        return $this->reply(['token' => JWT::encode($claims, $secret, 'HS256')]);
    }

    /**
     * Identity tokens are per user and short-lived: no cache may keep them.
     */
    private function reply(array $data, int $status = 200): JsonResponse
    {
        return response()->json($data, $status)->header('Cache-Control', 'no-store');
    }
}
'''


def copy_fixture(destination: Path, files: dict[str, str | None] | None = None) -> Path:
    """The fixture, with `files` written over it (None deletes), committed as a git repository."""
    root = destination / "laravel_app"
    shutil.copytree(FIXTURE, root, ignore=shutil.ignore_patterns(*IGNORED))
    for name, content in (files or {}).items():
        path = root / name
        if content is None:
            path.unlink()
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(content).lstrip("\n"))
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "fixture")
    return root


def php_lint(files: dict[str, str], *paths: str, tmp: Path) -> None:
    """`php -l` on the installed text of each file."""
    for path in paths:
        target = tmp / "lint" / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(files[path])
        completed = subprocess.run([PHP, "-l", str(target)], capture_output=True, text=True, check=False)
        assert completed.returncode == 0, f"{path}: {completed.stdout}{completed.stderr}"


def old(before: dict[str, bytes], path: str) -> str:
    return before[path].decode()


def test_fixture_install_is_golden(tmp_path, cli):
    root = copy_fixture(tmp_path)
    before = snapshot(root)
    result, after = install_and_check_uninstall(cli, root, exit_code=0)
    assert result.exit_code == 0, result.stderr
    assert sorted(p for p in after if p not in before or old(before, p) != after[p]) == [
        ".env.example",
        ".intercom-wizard.json",
        CONTROLLER,
        "composer.json",
        "config/services.php",
        "public/intercom-messenger.js",
        "resources/views/layouts/app.blade.php",
        "routes/web.php",
    ]
    assert after[CONTROLLER] == EXPECTED_CONTROLLER
    assert after["routes/web.php"] == old(before, "routes/web.php").replace(
        "use App\\Http\\Controllers\\ReadingListController;\n", IMPORT + "use App\\Http\\Controllers\\ReadingListController;\n"
    ) + "\n" + ROUTE
    assert after["config/services.php"] == old(before, "config/services.php").replace(
        "    ],\n\n];\n",
        "    ],\n\n    'intercom' => [\n        'identity_secret' => env('INTERCOM_IDENTITY_SECRET'),\n    ],\n\n];\n",
    )
    # sort-packages: after the platform package, in name order.
    assert after["composer.json"] == old(before, "composer.json").replace(
        '"php": "^8.2",\n', '"php": "^8.2",\n        "firebase/php-jwt": "^6.10",\n'
    )
    assert after[".env.example"] == old(before, ".env.example") + "\nINTERCOM_IDENTITY_SECRET=\n"
    assert after["resources/views/layouts/app.blade.php"] == old(before, "resources/views/layouts/app.blade.php").replace(
        "        </main>\n    </body>",
        "        </main>\n        <script src=\"{{ asset('intercom-messenger.js') }}\" defer></script>\n    </body>",
    )
    assert "var TOKEN_URL = '/api/intercom-jwt';" in after["public/intercom-messenger.js"]
    assert "var ACCESS_TOKEN_KEY = null;" in after["public/intercom-messenger.js"], "session app: cookies"
    # What makes Laravel's auth middleware answer 401 JSON instead of redirecting to the login page.
    assert "var headers = { Accept: 'application/json' };" in after["public/intercom-messenger.js"]
    assert "install firebase/php-jwt with composer install --no-interaction" in " ".join(result.stderr.split())  # no composer.lock yet: a partial update needs one
    assert "Accept: application/json" in result.stderr and "401 JSON" in result.stderr
    assert ".env, which does not exist here" in result.stderr, "no .env is created from scratch"
    assert not [p for p, text in after.items() if SECRET in text]
    php_lint(after, CONTROLLER, "routes/web.php", "config/services.php", tmp=tmp_path)


def test_detection_is_laravel_with_session_auth(tmp_path, cli):
    root = copy_fixture(tmp_path)
    result = cli("detect", str(root), "--json")
    backends = json.loads(result.stdout)["backends"]
    assert [(b["name"], b["auth"]) for b in backends] == [("laravel", "session")]
    assert "routes/web.php: auth middleware" in backends[0]["evidence"]


def test_secret_goes_into_the_ignored_env_file_only(tmp_path, cli):
    root = copy_fixture(tmp_path)
    env = (FIXTURE / ".env.example").read_text().replace("APP_KEY=", "APP_KEY=base64:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")
    (root / ".env").write_text(env)  # each checkout's own, git-ignored
    result, after = install_and_check_uninstall(cli, root, exit_code=0)
    assert after[".env"] == env + f"INTERCOM_IDENTITY_SECRET='{SECRET}'\n"
    assert [p for p, text in after.items() if SECRET in text] == [".env"]
    assert SECRET not in result.stdout + result.stderr
    assert SECRET not in after[".intercom-wizard.json"]


def test_sanctum_token_api_gets_the_route_in_api_php(tmp_path, cli):
    root = copy_fixture(
        tmp_path,
        {
            "routes/web.php": """
                <?php

                use Illuminate\\Support\\Facades\\Route;

                Route::view('/', 'welcome');
            """,
            "routes/api.php": """
                <?php

                use App\\Http\\Controllers\\Api\\TokenController;
                use Illuminate\\Http\\Request;
                use Illuminate\\Support\\Facades\\Route;

                Route::post('/tokens', [TokenController::class, 'store']);

                Route::middleware('auth:sanctum')->group(function () {
                    Route::get('/user', fn (Request $request) => $request->user());
                });
            """,
            "app/Http/Controllers/Auth/LoginController.php": None,
            "app/Http/Controllers/Api/TokenController.php": """
                <?php

                namespace App\\Http\\Controllers\\Api;

                use App\\Http\\Controllers\\Controller;
                use App\\Models\\User;
                use Illuminate\\Http\\Request;
                use Illuminate\\Support\\Facades\\Hash;

                class TokenController extends Controller
                {
                    public function store(Request $request): array
                    {
                        $user = User::where('email', $request->input('email'))->firstOrFail();
                        abort_unless(Hash::check($request->input('password'), $user->password), 422);

                        return ['token' => $user->createToken('spa')->plainTextToken];
                    }
                }
            """,
        },
    )
    detected = json.loads(cli("detect", str(root), "--json").stdout)["backends"]
    assert [(b["name"], b["auth"]) for b in detected] == [("laravel", "sanctum")]
    before = snapshot(root)
    result, after = install_and_check_uninstall(cli, root, "--token-storage-key", "access_token", exit_code=0)
    assert result.exit_code == 0, result.stderr
    assert after["routes/web.php"] == old(before, "routes/web.php")
    assert after["routes/api.php"] == old(before, "routes/api.php").replace(
        "use App\\Http\\Controllers\\Api\\TokenController;\n", "use App\\Http\\Controllers\\Api\\TokenController;\n" + IMPORT
    ) + "\nRoute::get('/intercom-jwt', IntercomJwtController::class)\n    ->middleware('auth:sanctum')\n    ->name('intercom.jwt');\n"
    assert "sits behind the `auth:sanctum`\n" in after[CONTROLLER]
    assert "var ACCESS_TOKEN_KEY = 'access_token';" in after["public/intercom-messenger.js"]
    php_lint(after, CONTROLLER, "routes/api.php", tmp=tmp_path)


def test_api_prefix_that_does_not_hold_the_endpoint_is_a_manual_step(tmp_path, cli):
    bootstrap = (FIXTURE / "bootstrap/app.php").read_text().replace("health: '/up',", "health: '/up',\n        apiPrefix: 'v1',")
    root = copy_fixture(
        tmp_path,
        {"bootstrap/app.php": bootstrap, "routes/web.php": "<?php\n\nuse Illuminate\\Support\\Facades\\Route;\n\nRoute::view('/', 'welcome');\n",
         "app/Http/Controllers/Auth/LoginController.php": None,
         # A token app hands out tokens (the skeleton's stock auth:sanctum route alone is no evidence).
         "app/Http/Controllers/Api/TokenController.php": "<?php\n\nreturn $user->createToken('spa')->plainTextToken;\n"},
    )
    before = snapshot(root)
    result, after = install_and_check_uninstall(cli, root, "--token-storage-key", "access_token", exit_code=4)
    assert result.exit_code == 4
    assert after["routes/api.php"] == old(before, "routes/api.php")
    assert "routes/api.php serves URLs under /v1/ but the endpoint is /api/intercom-jwt" in result.stderr


def test_older_slimmer_app_without_base_controller_or_name_column(tmp_path, cli):
    root = copy_fixture(
        tmp_path,
        {
            "app/Http/Controllers/Controller.php": None,
            "app/Models/User.php": """
                <?php

                namespace App\\Models;

                use Illuminate\\Foundation\\Auth\\User as Authenticatable;

                class User extends Authenticatable
                {
                    protected $fillable = ['username', 'email', 'password'];
                }
            """,
            "database/migrations/0001_01_01_000000_create_users_table.php": """
                <?php

                use Illuminate\\Database\\Migrations\\Migration;
                use Illuminate\\Database\\Schema\\Blueprint;
                use Illuminate\\Support\\Facades\\Schema;

                return new class extends Migration
                {
                    public function up(): void
                    {
                        Schema::create('users', function (Blueprint $table) {
                            $table->id();
                            $table->string('username')->unique();
                            $table->string('email')->unique();
                            $table->string('password');
                        });
                    }
                };
            """,
            "config/services.php": "<?php\n\nreturn [\n    'mailgun' => [\n        'secret' => env('MAILGUN_SECRET'),\n    ],\n    'ses' => ['key' => env('SES_KEY')]\n];\n",
            "composer.json": '{\n  "require": {\n    "php": "^8.1",\n    "laravel/framework": "^10.10",\n    "laravel/ui": "^4.2"\n  }\n}\n',
            ".env.example": None,
        },
    )
    result, after = install_and_check_uninstall(cli, root, exit_code=0)
    controller = after[CONTROLLER]
    assert "class IntercomJwtController\n{" in controller
    assert "            'email' => $user->email,\n            'name' => $user->username,\n            'iat' => $now," in controller
    # No blank lines between entries, no trailing comma: both kept as they are.
    assert after["config/services.php"] == (
        "<?php\n\nreturn [\n    'mailgun' => [\n        'secret' => env('MAILGUN_SECRET'),\n    ],\n    'ses' => ['key' => env('SES_KEY')],\n"
        "    'intercom' => [\n        'identity_secret' => env('INTERCOM_IDENTITY_SECRET'),\n    ],\n];\n"
    )
    # No sort-packages: appended, as `composer require` does, in the file's two-space indentation.
    assert after["composer.json"].endswith('"laravel/ui": "^4.2",\n    "firebase/php-jwt": "^6.10"\n  }\n}\n')
    assert ".env.example" not in after
    php_lint(after, CONTROLLER, "config/services.php", tmp=tmp_path)


def test_services_already_configuring_intercom_is_left_alone(tmp_path, cli):
    services = (FIXTURE / "config/services.php").read_text().replace(
        "    'postmark' => [", "    'intercom' => [\n        'identity_secret' => env('INTERCOM_SECRET'),\n    ],\n\n    'postmark' => ["
    )
    root = copy_fixture(tmp_path, {"config/services.php": services})
    result, after = install_and_check_uninstall(cli, root, exit_code=0)
    assert after["config/services.php"] == services
    assert "already configures 'intercom'" in result.stderr


def test_insecure_layout_prints_the_authenticated_user(tmp_path, cli):
    root = copy_fixture(tmp_path)
    result, after = install_and_check_uninstall(cli, root, "--insecure", exit_code=0)
    layout = after["resources/views/layouts/app.blade.php"]
    assert (
        "            @auth\n            user_id: @json((string) auth()->id()),\n            email: @json(auth()->user()->email),\n"
        "            name: @json(auth()->user()->name),\n            @endauth\n"
    ) in layout
    assert CONTROLLER not in after


def test_cross_origin_pages_get_a_cors_manual_step(tmp_path, cli):
    root = copy_fixture(tmp_path)
    result, after = install_and_check_uninstall(cli, root, "--frontend-origin", "https://app.example.com", exit_code=4)
    assert result.exit_code == 4
    assert "'allowed_origins' => ['https://app.example.com']," in result.stderr
    assert "'supports_credentials' => true," in result.stderr
    assert "config/cors.php" not in after


def test_route_file_without_imports_gets_the_import_after_the_opening_tag(tmp_path, cli):
    routes = "<?php\n\nRoute::middleware('auth')->get('/home', fn () => view('home'));\n"
    root = copy_fixture(tmp_path, {"routes/web.php": routes})
    result, after = install_and_check_uninstall(cli, root, exit_code=0)
    assert after["routes/web.php"] == "<?php\n\n" + IMPORT + "\nRoute::middleware('auth')->get('/home', fn () => view('home'));\n\n" + ROUTE
    php_lint(after, "routes/web.php", tmp=tmp_path)
