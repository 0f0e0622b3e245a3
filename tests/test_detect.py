"""Detection: what `detect` reports for each kind of project, and what counts as Intercom already there."""

import json

import pytest
from conftest import SECRET, WORKSPACE_ID, snapshot


@pytest.mark.parametrize(
    ("name", "backend", "auth"),
    [
        ("flask_notes", "flask", "g.user"),
        ("flask_login_app", "flask", "flask-login"),
        ("django_site", "django", "django.contrib.auth (request.user)"),
        ("express_app", "express", "session"),
    ],
)
def test_detect_json(name, backend, auth, app_copy, cli):
    root = app_copy(name)
    result = cli("detect", str(root), "--json")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert [b["name"] for b in report["backends"]] == [backend]
    assert report["backends"][0]["auth"] == auth
    assert [f["name"] for f in report["frontends"]] == ["html"]
    assert report["git"] is True and report["existing_intercom"] == []


def test_detect_reports_package_manager_and_install(app_copy, cli):
    root = app_copy("express_app")
    (root / "yarn.lock").write_text("# yarn lockfile v1\n")
    report = json.loads(cli("detect", str(root), "--json").stdout)
    assert report["package_managers"] == {".": "yarn"}
    assert cli("install", str(root), "--workspace-id", WORKSPACE_ID, "--yes", "--no-install", "--allow-dirty").exit_code == 0
    report = json.loads(cli("detect", str(root), "--json").stdout)
    assert report["installed_by_wizard"]["workspace_id"] == WORKSPACE_ID
    assert report["existing_intercom"] == [], "the wizard's own code is not mistaken for a hand-written install"


def test_detect_human_output(app_copy, cli):
    result = cli("detect", str(app_copy("flask_login_app")))
    assert result.exit_code == 0
    assert "flask" in result.stdout and "flask-login" in result.stdout and "app.py" in result.stdout


@pytest.mark.parametrize(
    ("dependency", "frontend"),
    [("react", "react"), ("next", "nextjs"), ("vue", "vue"), ("@angular/core", "angular"), ("ember-source", "ember")],
)
def test_single_page_apps_are_recognised_not_mistaken_for_html(dependency, frontend, tmp_path, cli):
    from intercom_wizard.integrations import FRONTENDS

    (tmp_path / "package.json").write_text(json.dumps({"name": "spa", "dependencies": {dependency: "^1.0.0"}}))
    (tmp_path / "index.html").write_text("<!doctype html><html><body><div id=app></div></body></html>\n")
    report = json.loads(cli("detect", str(tmp_path), "--json").stdout)
    assert frontend in FRONTENDS, "every framework detection recognises is installable"
    assert [(f["name"], f["supported"]) for f in report["frontends"]] == [(frontend, True)]


@pytest.mark.parametrize(
    ("file", "content", "meaning"),
    [
        ("templates/footer.html", "<script>(function(){var s='https://widget.intercom.io/widget/abc';})();</script>", "loader"),
        ("static/chat.js", "import Intercom from '@intercom/messenger-js-sdk';\n", "official Messenger SDK"),
        ("static/app.js", "import { IntercomProvider } from 'react-use-intercom';\n", "react-use-intercom"),
        ("intercom_hash.py", "user_hash = hmac.new(key, user_id, sha256).hexdigest()\n", "deprecated HMAC"),
    ],
)
def test_hand_written_intercom_is_found_and_not_doubled(file, content, meaning, app_copy, cli):
    root = app_copy("flask_login_app", commit=False)
    (root / file).parent.mkdir(parents=True, exist_ok=True)
    (root / file).write_text(content)
    report = json.loads(cli("detect", str(root), "--json").stdout)
    assert any(file in finding and meaning in finding for finding in report["existing_intercom"])
    before = snapshot(root)
    assert cli("install", str(root), "--workspace-id", WORKSPACE_ID, "--yes").exit_code == 7
    assert snapshot(root) == before


def test_token_command(cli):
    import jwt

    result = cli("token", "--user-id", "42", "--email", "a@example.com", "--expires-in", "600")
    assert result.exit_code == 0
    claims = jwt.decode(result.stdout.strip(), SECRET, algorithms=["HS256"])
    assert claims["user_id"] == "42" and claims["email"] == "a@example.com" and claims["exp"] - claims["iat"] == 600
    missing = cli("token", "--user-id", "42", secret=None)
    assert missing.exit_code == 2 and "INTERCOM_IDENTITY_SECRET" in missing.stderr


def test_help_documents_exit_codes(cli):
    result = cli("--help")
    assert result.exit_code == 0
    for code in ("0  success", "2  bad input", "3  nothing", "4  incomplete", "5  git has uncommitted", "6  applying"):
        assert code in result.stdout
