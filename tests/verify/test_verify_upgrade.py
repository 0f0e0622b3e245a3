"""`verify` with two users after `install --upgrade` converted a classic snippet (the Flask app, and the PHP and
Django and Sinatra variants of tests/upgrade_variants.py):
every check that applies passes, `identity` and `no-secrets` (no user_hash, no boot with user attributes) included."""

import json
import sys

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
    import subprocess

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
