"""`verify` with two users after `install --upgrade` converted a classic snippet (the Flask app, and the PHP,
Django, Sinatra, Express + EJS, Express static HTML and Rails 6.1 variants of tests/upgrade_variants.py):
every check that applies passes, `identity` and `no-secrets` (no user_hash, no boot with user attributes) included."""

import json
import os
import shutil
import subprocess
import sys

import pytest
from conftest import SECRET, WORKSPACE_ID, copy_app, install_quietly
from typer.testing import CliRunner
from verify_support import require_chromium

from intercom_wizard.cli import app as cli_app
from intercom_wizard.localserver import free_port, running_server


def test_upgraded_classic_snippet_app_passes_verify_with_two_users(tmp_path, cli):
    require_chromium()
    root = copy_app("flask_classic_intercom_app", tmp_path)
    assert install_quietly(cli, root, "--upgrade").exit_code == 0
    port = free_port()
    command = [sys.executable, "-m", "flask", "--app", "app", "run", "--host", "127.0.0.1", "--port", str(port)]
    with running_server(command, root, port, {"INTERCOM_IDENTITY_SECRET": SECRET}):
        base = f"http://127.0.0.1:{port}"
        result = CliRunner().invoke(
            cli_app,
            ["verify", base + "/", "--workspace-id", WORKSPACE_ID, "--login-url", "/login", "--user", "bob@example.com:canwefixit",
             "--user", "wendy@example.com:yes-we-can", "--logout-url", "/logout", "--navigate", "/account", "--json"],
            env={"INTERCOM_IDENTITY_SECRET": SECRET, "INTERCOM_ACCESS_TOKEN": ""},
            catch_exceptions=False,
        )
    assert result.exit_code == 0, result.output
    checks = {check["id"]: check["status"] for check in json.loads(result.stdout)["checks"]}
    assert checks == {"loader": "pass", "anonymous": "pass", "signed-in": "pass", "navigation": "pass", "logout": "pass",
                      "no-secrets": "pass", "identity": "pass", "page-visits": "skipped", "api": "skipped"}


def test_upgraded_php_page_with_hash_hmac_passes_verify_with_two_users(tmp_path, cli):
    """The plain PHP variant (tests/upgrade_variants.py): the snippet and the hash_hmac block in the footer
    are gone, and the same checks pass with the PHP built-in server."""
    from upgrade_variants import VARIANTS

    require_chromium()
    root = VARIANTS["php"].make(tmp_path)
    assert install_quietly(cli, root, "--upgrade").exit_code == 0
    sessions = tmp_path / "sessions"
    sessions.mkdir()
    port = free_port()
    command = ["php", "-d", f"session.save_path={sessions}", "-S", f"127.0.0.1:{port}", "-t", str(root)]
    with running_server(command, root, port, {"INTERCOM_IDENTITY_SECRET": SECRET}):
        base = f"http://127.0.0.1:{port}"
        result = CliRunner().invoke(
            cli_app,
            ["verify", base + "/", "--workspace-id", WORKSPACE_ID, "--login-url", "/login.php", "--user", "ada@example.com:correct-horse-battery",
             "--user", "grace@example.com:tardis-blue-box", "--logout-selector", "form[action='/logout.php'] button", "--json"],
            env={"INTERCOM_IDENTITY_SECRET": SECRET, "INTERCOM_ACCESS_TOKEN": ""},
            catch_exceptions=False,
        )
    assert result.exit_code == 0, result.output
    checks = {check["id"]: check["status"] for check in json.loads(result.stdout)["checks"]}
    assert {key: status for key, status in checks.items() if status != "skipped"} == {
        "loader": "pass", "anonymous": "pass", "signed-in": "pass", "logout": "pass", "no-secrets": "pass", "identity": "pass"}


def test_upgraded_django_template_with_a_context_processor_passes_verify_with_two_users(tmp_path, cli):
    """The Django variant: the context processor around hmac.new and its TEMPLATES line are gone."""
    from upgrade_variants import VARIANTS

    require_chromium()
    root = VARIANTS["django"].make(tmp_path)
    assert install_quietly(cli, root, "--upgrade").exit_code == 0
    subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=root, check=True)
    port = free_port()
    command = [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"]
    with running_server(command, root, port, {"INTERCOM_IDENTITY_SECRET": SECRET}):
        result = CliRunner().invoke(
            cli_app,
            ["verify", f"http://127.0.0.1:{port}/", "--workspace-id", WORKSPACE_ID, "--login-url", "/accounts/login/",
             "--user", "carol:pass-carol-123", "--user", "monica:pass-monica-456",
             "--logout-selector", "form[action='/accounts/logout/'] button", "--json"],
            env={"INTERCOM_IDENTITY_SECRET": SECRET, "INTERCOM_ACCESS_TOKEN": ""},
            catch_exceptions=False,
        )
    assert result.exit_code == 0, result.output
    checks = {check["id"]: check["status"] for check in json.loads(result.stdout)["checks"]}
    assert {key: status for key, status in checks.items() if status != "skipped"} == {
        "loader": "pass", "anonymous": "pass", "signed-in": "pass", "logout": "pass", "no-secrets": "pass", "identity": "pass"}


def test_upgraded_sinatra_erb_layout_with_an_openssl_helper_passes_verify_with_two_users(tmp_path, cli):
    """The Sinatra variant: the ERB layout's snippet and the OpenSSL::HMAC helper are gone (Debian's ruby-sinatra)."""
    from upgrade_variants import VARIANTS

    require_chromium()
    root = VARIANTS["sinatra"].make(tmp_path)
    assert install_quietly(cli, root, "--upgrade").exit_code == 0
    port = free_port()
    command = ["ruby", "app.rb", "-o", "127.0.0.1", "-p", str(port)]
    with running_server(command, root, port, {"INTERCOM_IDENTITY_SECRET": SECRET, "APP_ENV": "development"}):
        result = CliRunner().invoke(
            cli_app,
            ["verify", f"http://127.0.0.1:{port}/", "--workspace-id", WORKSPACE_ID, "--login-url", "/login",
             "--user", "frank@example.com:rum-ham", "--user", "dee@example.com:bird-of-prey",
             "--logout-selector", "form[action='/logout'] button", "--json"],
            env={"INTERCOM_IDENTITY_SECRET": SECRET, "INTERCOM_ACCESS_TOKEN": ""},
            catch_exceptions=False,
        )
    assert result.exit_code == 0, result.output
    checks = {check["id"]: check["status"] for check in json.loads(result.stdout)["checks"]}
    assert {key: status for key, status in checks.items() if status != "skipped"} == {
        "loader": "pass", "anonymous": "pass", "signed-in": "pass", "logout": "pass", "no-secrets": "pass", "identity": "pass"}


def verified_checks(base: str, *options: str) -> dict[str, str]:
    """`verify --json` at `base` with the options given; the status of every check that was not skipped."""
    result = CliRunner().invoke(
        cli_app, ["verify", base, "--workspace-id", WORKSPACE_ID, *options, "--json"],
        env={"INTERCOM_IDENTITY_SECRET": SECRET, "INTERCOM_ACCESS_TOKEN": ""}, catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    checks = {check["id"]: check["status"] for check in json.loads(result.stdout)["checks"]}
    return {key: status for key, status in checks.items() if status != "skipped"}


EXPRESS_USERS = ("--user", "dave@example.com:smeghead", "--user", "kryten@example.com:series-4000")
ALL_PASS = {"loader": "pass", "anonymous": "pass", "signed-in": "pass", "logout": "pass", "no-secrets": "pass", "identity": "pass"}


def upgraded_express_variant(name: str, tmp_path, cli):  # type: ignore[no-untyped-def]
    """The express variant `name` after `npm install` and `install --upgrade` (which installs jsonwebtoken)."""
    from upgrade_variants import VARIANTS

    require_chromium()
    if shutil.which("npm") is None:
        pytest.skip("needs Node.js and npm")
    root = VARIANTS[name].make(tmp_path)
    subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--silent"], cwd=root, check=True)
    result = cli("install", str(root), "--workspace-id", WORKSPACE_ID, "--yes", "--upgrade")
    assert result.exit_code == 0, result.stderr
    return root


def test_upgraded_express_ejs_view_with_a_create_hmac_middleware_passes_verify_with_two_users(tmp_path, cli):
    """The Express + EJS variant: the account view's snippet and the createHmac middleware are gone; the
    Messenger page is /account; sign-in and sign-out are the home page's forms (its sign-out form shows once /api/me answers)."""
    root = upgraded_express_variant("express-ejs", tmp_path, cli)
    port = free_port()
    env = {"INTERCOM_IDENTITY_SECRET": SECRET, "SESSION_SECRET": "s" * 64, "HOST": "127.0.0.1", "PORT": str(port)}
    with running_server(["node", "server.js"], root, port, env):
        checks = verified_checks(f"http://127.0.0.1:{port}/account", "--login-url", "/login.html", *EXPRESS_USERS,
                                 "--logout-url", "/", "--logout-selector", "#logout-form button")
    assert checks == ALL_PASS


def test_upgraded_static_html_page_served_by_express_passes_verify_with_two_users(tmp_path, cli):
    """The static-HTML variant: public/index.html carried an anonymous classic snippet; after the upgrade
    Express signs the JWT, and the page's own sign-out form ends the session."""
    root = upgraded_express_variant("express-static", tmp_path, cli)
    port = free_port()
    env = {"INTERCOM_IDENTITY_SECRET": SECRET, "SESSION_SECRET": "s" * 64, "HOST": "127.0.0.1", "PORT": str(port)}
    with running_server(["node", "server.js"], root, port, env):
        checks = verified_checks(f"http://127.0.0.1:{port}/", "--login-url", "/login.html", *EXPRESS_USERS,
                                 "--logout-selector", "#logout-form button")
    assert checks == ALL_PASS


def test_upgraded_rails_layout_with_an_openssl_helper_passes_verify_with_two_users(tmp_path, cli):
    """The Rails 6.1 variant (Debian's rails): the layout's snippet and the OpenSSL::HMAC helper are gone;
    sign-out is the layout's button_to (a form with _method=delete)."""
    from upgrade_variants import VARIANTS

    require_chromium()
    root = VARIANTS["rails"].make(tmp_path)
    assert install_quietly(cli, root, "--upgrade").exit_code == 0
    env = {"INTERCOM_IDENTITY_SECRET": SECRET, "RAILS_ENV": "development"}
    subprocess.run(["ruby", "bin/rails", "db:setup"], cwd=root, check=True, env={**os.environ, **env})
    port = free_port()
    with running_server(["ruby", "bin/rails", "server", "-b", "127.0.0.1", "-p", str(port)], root, port, env, timeout=120):
        checks = verified_checks(f"http://127.0.0.1:{port}/", "--login-url", "/login",
                                 "--user", "erin@example.com:paper-company", "--user", "oscar@example.com:accounting-1",
                                 "--logout-selector", "form[action='/logout'] [type='submit']")
    assert checks == ALL_PASS
