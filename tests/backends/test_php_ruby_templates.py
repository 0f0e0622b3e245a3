"""Every variant of the PHP and Ruby back ends' templates, rendered as the integrations render them, is
a valid file of its language: `php -l` for templates/php and templates/laravel, `ruby -c` for
templates/rails and templates/sinatra. (The before/after tests check what each variant says.)"""

import itertools
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from intercom_wizard.integrations.backends.laravel.pages import _blade_user_settings as laravel_user_settings
from intercom_wizard.integrations.backends.laravel.routes import _route as laravel_route
from intercom_wizard.integrations.backends.php_common import php_snippet, user_fields_literal
from intercom_wizard.integrations.backends.rails.controller import _controller_source as rails_controller_source
from intercom_wizard.integrations.backends.rails.details import RailsAuth
from intercom_wizard.integrations.backends.rails.pages import _user_settings as rails_user_settings
from intercom_wizard.integrations.backends.sinatra.details import SinatraAuth
from intercom_wizard.integrations.backends.sinatra.route import _route_source as sinatra_route_source
from intercom_wizard.templates import render

PHP = shutil.which("php") or "php"
RUBY = shutil.which("ruby") or "ruby"


def php_lint(tmp_path: Path, name: str, text: str) -> None:
    path = tmp_path / name
    path.write_text(text)
    completed = subprocess.run([PHP, "-l", str(path)], capture_output=True, text=True, check=False)
    assert completed.returncode == 0, completed.stdout + completed.stderr + text


def ruby_check(tmp_path: Path, name: str, text: str) -> None:
    path = tmp_path / name
    path.write_text(text)
    completed = subprocess.run([RUBY, "-c", str(path)], capture_output=True, text=True, check=False)
    assert completed.returncode == 0, completed.stdout + completed.stderr + text


# --- plain PHP ---------------------------------------------------------------------------------

CLAIMS = {
    "array": {"style": "array", "claims": "        'user_id' => (string) $user['id'],\n        'email' => $user['email'] ?? null,"},
    "object": {"style": "object", "claims": "        'user_id' => (string) $user->id,\n        'name' => $user->name ?? null,"},
    "id": {"style": "id", "claims": "        'user_id' => (string) $_SESSION['user_id'],\n        'email' => $_SESSION['email'] ?? null,"},
    # A sign-out that clears only a flag: the pages' own condition on it as well (php-ltw-polls).
    "guarded": {
        "style": "guarded",
        "claims": "        'user_id' => (string) $_SESSION['user_id'],",
        "guard": "($_SESSION['status'] ?? null) === 'authorized'",
        "guard_why": "log_out.php:3 signs out by clearing $_SESSION['status'];\n    // the pages check it (header.php:28)",
    },
}


def php_claims(variant: str) -> str:
    if variant == "stub":
        return php_snippet("php/user-adapter-stub.php")
    values = CLAIMS[variant]
    guard = {key: values[key] for key in ("guard", "guard_why") if key in values}
    return php_snippet("php/session-user-claims.php", {"style": values["style"]}, file="login.php", key="user", id_field="id", claims=values["claims"], **guard)


@pytest.mark.parametrize(
    ("signer", "bootstrap", "cors", "claims"),
    list(itertools.product(("firebase", "hmac"), ("yes", "no"), ("yes", "no"), ("array", "object", "id", "guarded", "stub"))),
)
def test_every_plain_php_endpoint_variant_is_valid_php(tmp_path: Path, signer: str, bootstrap: str, cors: str, claims: str) -> None:
    text = render(
        "php/intercom-jwt.php",
        {"signer": signer, "bootstrap": bootstrap, "cors": cors},
        endpoint="/api/intercom-jwt",
        signing="Signed here.",
        autoload="__DIR__ . '/../../vendor/autoload.php'",
        bootstrap="__DIR__ . '/../../includes/bootstrap.php'",
        frontend_origin="https://app.example.com",
        user_claims=php_claims(claims),
    )
    assert "__IW_" not in text and "iw:" not in text
    assert ("JWT::encode" in text) == (signer == "firebase") and ("hash_hmac" in text) == (signer == "hmac")
    assert ("Access-Control-Allow-Origin: https://app.example.com" in text) == (cors == "yes")
    php_lint(tmp_path, "index.php", text)


def test_plain_php_adapter_and_insecure_user_settings_are_valid_php(tmp_path: Path) -> None:
    adapter = render("php/user-adapter.php", {"row": "variable"}, id_expression="$row['member_id']")
    php_lint(tmp_path, "adapter.php", adapter)
    # no variable of the login holds the row: the step says in words what to keep
    in_words = render("php/user-adapter.php", {"row": "words"}, id_words="the signed-in user's member_id")
    assert "$row" not in in_words and "keep the signed-in user's member_id\n// in $_SESSION['user_id']" in in_words
    php_lint(tmp_path, "adapter-words.php", in_words)
    settings = render(
        "php/user-settings.php",
        condition="isset($_SESSION['user'])",
        entries="user_id: <?= json_encode((string) $_SESSION['user'], JSON_HEX_TAG) ?>,",
    )
    php_lint(tmp_path, "layout.php", f"<script>\nwindow.settings = {{\n{settings}}};\n</script>\n")


# --- Rails -------------------------------------------------------------------------------------

ERB = shutil.which("erb") or "erb"


def erb_check(tmp_path: Path, name: str, text: str) -> None:
    """The Ruby an ERB template compiles to (`erb -x`) passes `ruby -c`."""
    path = tmp_path / name
    path.write_text(text)
    compiled = subprocess.run([ERB, "-x", "-T", "-", str(path)], capture_output=True, text=True, check=True).stdout
    ruby_check(tmp_path, f"{name}.rb", compiled)


RAILS_AUTHS = [
    RailsAuth(kind="devise", filters=("authenticate_user!",), fields=("email", "id", "name")),
    RailsAuth(kind="devise", scope="admin", overridden="app/controllers/application_controller.rb"),
    RailsAuth(kind="rails-authentication", fields=("email_address", "id")),
    RailsAuth(kind="current-attributes", file="app/controllers/concerns/authentication.rb"),
    RailsAuth(kind="current_user", file="app/controllers/application_controller.rb", helper=True, fields=("id", "username")),
    RailsAuth(kind="instance-variable", variable="@current_user", setter="load_user", filters=("require_login",)),
    RailsAuth(kind="none", filters=("require_login",)),
]


@pytest.mark.parametrize("auth", RAILS_AUTHS, ids=lambda auth: f"{auth.kind}-{auth.scope}")
@pytest.mark.parametrize("version", [(6, 1), (7, 1), None])
def test_every_rails_controller_variant_is_valid_ruby(tmp_path: Path, auth: RailsAuth, version: tuple[int, ...] | None) -> None:
    source = rails_controller_source(auth, version)
    assert "__IW_" not in source
    assert ("def signed_in_user" in source) == (auth.kind == "none")
    ruby_check(tmp_path, "intercom_jwts_controller.rb", source)


@pytest.mark.parametrize("auth", [a for a in RAILS_AUTHS if rails_user_settings(a) is not None], ids=lambda auth: auth.kind)
def test_rails_insecure_user_settings_are_valid_erb(tmp_path: Path, auth: RailsAuth) -> None:
    settings = rails_user_settings(auth)
    erb_check(tmp_path, "layout.html.erb", f"<script>\nwindow.settings = {{\n{settings}}};\n</script>\n")


# --- Laravel -----------------------------------------------------------------------------------


@pytest.mark.parametrize("fields", [None, ("email", "id", "name"), ("id", "username")])
@pytest.mark.parametrize("extends", [" extends Controller", ""])
def test_every_laravel_controller_variant_is_valid_php(tmp_path: Path, fields: tuple[str, ...] | None, extends: str) -> None:
    claims = "\n".join(f"            '{claim}' => {value}," for claim, value in user_fields_literal("$user", set(fields) if fields else None, style="model"))
    text = render("laravel/IntercomJwtController.php", endpoint="/api/intercom-jwt", guard="auth", extends=extends, user_claims=claims)
    assert "__IW_" not in text
    php_lint(tmp_path, "IntercomJwtController.php", text)


@pytest.mark.parametrize("namespaced", [True, False])
@pytest.mark.parametrize("with_import", [True, False])
def test_every_laravel_route_variant_is_valid_php(tmp_path: Path, namespaced: bool, with_import: bool) -> None:
    route = laravel_route("intercom-jwt", "auth:sanctum", namespaced=namespaced, with_import=with_import)
    assert route.startswith("use App\\Http\\Controllers\\IntercomJwtController;\n\n") == with_import
    assert route.endswith("->name('intercom.jwt');")
    php_lint(tmp_path, "web.php", f"<?php\n\n{route}\n")


def test_laravel_insecure_user_settings_hold_valid_php_expressions(tmp_path: Path) -> None:
    """Blade has no linter here: each `@json(...)` argument is checked as the PHP expression it is."""
    settings = laravel_user_settings(("email", "id", "name"))
    assert settings.startswith("@auth\n") and settings.endswith("\n@endauth")
    expressions = re.findall(r"@json\((.*)\),$", settings, re.MULTILINE)
    assert len(expressions) == 3
    php_lint(tmp_path, "expressions.php", "<?php\n" + "".join(f"echo json_encode({e});\n" for e in expressions))


# --- Sinatra -----------------------------------------------------------------------------------

SINATRA_AUTHS = [
    SinatraAuth(kind="helper", access="index", fields=("email", "id", "name")),
    SinatraAuth(kind="helper", access="method", fields=("email", "id", "username")),
    SinatraAuth(kind="helper", access="method"),  # fields unknown: read at run time
    SinatraAuth(kind="session", key="user_id", access="index", fields=("id",)),
    SinatraAuth(kind="none", access="index", reason="no current_user helper and no session login was found"),
]


@pytest.mark.parametrize("auth", SINATRA_AUTHS, ids=lambda auth: f"{auth.kind}-{auth.access}-{bool(auth.fields)}")
def test_every_sinatra_route_variant_is_valid_ruby(tmp_path: Path, auth: SinatraAuth) -> None:
    route = sinatra_route_source("/api/intercom-jwt", auth)
    assert "__IW_" not in route
    assert ("read = lambda" in route) == (auth.kind == "helper" and auth.fields is None)
    ruby_check(tmp_path, "app.rb", f'require "sinatra"\nrequire "json"\nrequire "jwt"\n\n{route}')


def test_sinatra_adapter_snippet_is_valid_ruby(tmp_path: Path) -> None:
    ruby_check(tmp_path, "adapter.rb", render("sinatra/user_adapter.rb"))


@pytest.mark.parametrize("api_secret", ["present", "missing"])
def test_the_intercom_rails_upgrade_templates_are_valid_ruby(tmp_path: Path, api_secret: str) -> None:
    """`install --upgrade` with intercom-rails: the initializer's JWT settings and the shutdown on sign-out."""
    ruby_check(tmp_path, "intercom.rb", render("upgrade/intercom-rails-jwt.rb", {"api_secret": api_secret}))
    ruby_check(tmp_path, "shutdown.rb", render("upgrade/intercom-rails-shutdown.rb"))
