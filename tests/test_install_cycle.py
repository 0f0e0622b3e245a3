"""Install, install again, uninstall on every fixture app: dry runs write nothing, a second install is
empty, uninstall restores every byte, and the dry-run diff matches the reviewed golden file."""

import json
import os
from pathlib import Path

import pytest
from conftest import SECRET, WORKSPACE_ID, snapshot

APPS = ["flask_notes", "flask_login_app", "django_site", "express_app", "static_site"]
GOLDEN = Path(__file__).parent / "golden"


@pytest.mark.parametrize("name", APPS)
def test_dry_run_writes_nothing_and_matches_golden(name, app_copy, cli):
    root = app_copy(name)
    before = snapshot(root)
    result = cli("install", str(root), "--workspace-id", WORKSPACE_ID, "--dry-run", "--yes")
    assert result.exit_code == 0, result.stderr
    assert snapshot(root) == before
    golden = GOLDEN / f"{name}.diff"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(result.stdout)
    assert result.stdout == golden.read_text(), f"dry-run diff differs from {golden}; review, then UPDATE_GOLDEN=1"
    assert SECRET not in result.stdout + result.stderr


@pytest.mark.parametrize("name", APPS)
def test_install_twice_then_uninstall_restores_every_byte(name, app_copy, cli):
    root = app_copy(name)
    original = snapshot(root)
    first = cli("install", str(root), "--workspace-id", WORKSPACE_ID, "--yes", "--no-install")
    assert first.exit_code == 0, first.stderr
    installed = snapshot(root)
    assert installed != original
    second = cli("install", str(root), "--workspace-id", WORKSPACE_ID, "--yes", "--no-install")
    assert second.exit_code == 0, second.stderr
    assert "Nothing to do" in second.stderr
    assert snapshot(root) == installed
    removed = cli("uninstall", str(root), "--yes")
    assert removed.exit_code == 0, removed.stderr
    assert snapshot(root) == original


@pytest.mark.parametrize("name", APPS)
def test_secret_only_in_the_ignored_env_file(name, app_copy, cli):
    root = app_copy(name)
    result = cli("install", str(root), "--workspace-id", WORKSPACE_ID, "--yes", "--no-install")
    assert result.exit_code == 0, result.stderr
    holding = [path for path, data in snapshot(root).items() if SECRET.encode() in data]
    assert holding in ([], [".env"])
    for path in holding:
        assert (root / path).stat().st_mode & 0o077 == 0, "the env file the wizard creates is private to its owner"
    receipt = (root / ".intercom-wizard.json").read_text()
    assert SECRET not in receipt
    assert SECRET not in result.stdout + result.stderr


def test_json_plan_is_machine_readable(app_copy, cli):
    root = app_copy("flask_login_app")
    result = cli("install", str(root), "--workspace-id", WORKSPACE_ID, "--dry-run", "--yes", "--json")
    assert result.exit_code == 0, result.stderr
    plan = json.loads(result.stdout)
    assert plan["backend"] == "flask" and plan["frontend"] == "html"
    assert {c["path"] for c in plan["changes"]} >= {"intercom_jwt.py", "app.py", "static/intercom-messenger.js", ".env"}
    assert plan["status"] == "dry run" and plan["applied"] is False
    assert SECRET not in result.stdout


def test_region_and_endpoint_reach_the_generated_code(app_copy, cli):
    root = app_copy("flask_notes")
    result = cli("install", str(root), "--workspace-id", WORKSPACE_ID, "--region", "au", "--endpoint", "/auth/intercom-token", "--yes", "--no-install")
    assert result.exit_code == 0, result.stderr
    script = (root / "flaskr/static/intercom-messenger.js").read_text()
    assert "var API_BASE = 'https://api-iam.au.intercom.io';" in script
    assert "var TOKEN_URL = '/auth/intercom-token';" in script
    assert "var APP_ID = 'abc12345';" in script
    assert '@bp.get("/auth/intercom-token")' in (root / "flaskr/intercom_jwt.py").read_text()


def test_workspace_url_gives_id_and_region(app_copy, cli):
    root = app_copy("flask_notes")
    url = "https://app.eu.intercom.com/a/apps/xyz98765/settings/channels/messenger/web"
    result = cli("install", str(root), "--workspace-id", url, "--yes", "--no-install")
    assert result.exit_code == 0, result.stderr
    script = (root / "flaskr/static/intercom-messenger.js").read_text()
    assert "var APP_ID = 'xyz98765';" in script and "api-iam.eu.intercom.io" in script


def test_other_settings_after_install_are_refused(app_copy, cli):
    root = app_copy("flask_notes")
    assert cli("install", str(root), "--workspace-id", WORKSPACE_ID, "--yes", "--no-install").exit_code == 0
    installed = snapshot(root)
    result = cli("install", str(root), "--workspace-id", "other999", "--yes")
    assert result.exit_code == 7
    assert "uninstall" in result.stderr
    assert snapshot(root) == installed


def test_uninstall_keeps_files_edited_since(app_copy, cli):
    root = app_copy("flask_notes")
    assert cli("install", str(root), "--workspace-id", WORKSPACE_ID, "--yes", "--no-install").exit_code == 0
    endpoint = root / "flaskr/intercom_jwt.py"
    endpoint.write_text(endpoint.read_text() + "\n# tuned by hand\n")
    result = cli("uninstall", str(root), "--yes")
    assert result.exit_code == 0
    assert endpoint.exists() and "edited after install" in result.stderr
    assert "intercom" not in (root / "flaskr/templates/base.html").read_text()


def test_interactive_install_asks_for_the_secret_hidden_and_for_confirmation(app_copy, cli, monkeypatch):
    import intercom_wizard.cli as cli_module

    monkeypatch.setattr(cli_module, "is_interactive", lambda yes: not yes)
    root = app_copy("flask_login_app")
    typed_secret = "typed-at-the-prompt-0123456789abcdef0123"
    result = cli("install", str(root), "--workspace-id", WORKSPACE_ID, "--no-install", secret=None, input=f"{typed_secret}\ny\n")
    assert result.exit_code == 0, result.stderr
    assert typed_secret not in result.stdout + result.stderr, "the prompt hides what is typed"
    assert (root / ".env").read_text() == f"INTERCOM_IDENTITY_SECRET='{typed_secret}'\n"


def test_interactive_choice_between_two_back_ends(tmp_path, cli, monkeypatch):
    from conftest import copy_app

    import intercom_wizard.cli as cli_module

    monkeypatch.setattr(cli_module, "is_interactive", lambda yes: not yes)
    copy_app("flask_login_app", tmp_path, commit=False)
    copy_app("django_site", tmp_path, commit=False)
    result = cli("install", str(tmp_path), "--workspace-id", WORKSPACE_ID, "--dry-run", input="django\n")
    assert result.exit_code == 0, result.stderr
    assert "Which backend?" in result.stdout + result.stderr
    assert "b/django_site/mysite/intercom_jwt.py" in result.stdout
