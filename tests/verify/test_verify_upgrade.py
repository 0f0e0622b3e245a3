"""`verify` with two users against the Flask app after `install --upgrade` converted its classic snippet:
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
