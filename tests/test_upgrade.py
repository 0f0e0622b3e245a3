"""An Intercom installation written by hand: what `install` (exit 7), `doctor` and `install --upgrade` do with it."""

import json
import os
from pathlib import Path

from conftest import WORKSPACE_ID, snapshot

FIXTURE = "flask_classic_intercom_app"
GOLDEN = Path(__file__).parent / "golden"
SNIPPET_STEP = (
    "the classic loader snippet with window.intercomSettings carrying user_id/email/name/user_hash in "
    "templates/layout.html:25 → replaced by the wizard's script tag, which boots with intercom_user_jwt from a new "
    "token endpoint; the identifying attributes leave the page and move into the JWT's claims; custom settings kept "
    "(api_base, custom_launcher_selector, hide_default_launcher, alignment, horizontal_padding)"
)
HASH_STEP = "user_hash computed with hmac.new in app.py:58 → removed when nothing else uses it, the JWT replaces it"


def test_install_without_upgrade_names_each_finding_and_what_upgrade_would_do(app_copy, cli):
    root = app_copy(FIXTURE)
    before = snapshot(root)
    result = cli("install", str(root), "--workspace-id", WORKSPACE_ID, "--yes", "--no-install")
    assert result.exit_code == 7
    assert SNIPPET_STEP in result.stderr
    assert HASH_STEP in result.stderr
    assert "install --upgrade" in result.stderr
    assert snapshot(root) == before


def test_kinds_upgrade_does_not_convert_yet_say_so(tmp_path, cli):
    (tmp_path / "package.json").write_text('{"name": "shop", "dependencies": {"react-use-intercom": "^5.4.0"}}\n')
    (tmp_path / "index.html").write_text("<html><body><div id=root></div></body></html>\n")
    result = cli("install", str(tmp_path), "--workspace-id", WORKSPACE_ID, "--yes", "--no-install")
    assert result.exit_code == 7
    assert "the react-use-intercom package in package.json:1 → not converted by --upgrade in this release" in result.stderr


def test_doctor_lists_what_upgrade_would_change(app_copy, cli):
    root = app_copy(FIXTURE)
    result = cli("doctor", str(root), "--json")
    assert result.exit_code == 1  # the missing shutdown on logout is an error
    findings = json.loads(result.stdout)["findings"]
    by_place = {(f["id"], f["file"], f["line"]): f for f in findings}
    snippet = by_place[("upgrade", "templates/layout.html", 25)]
    assert "classic loader snippet" in snippet["message"] and "custom settings kept" in snippet["fix"]
    user_hash = by_place[("user-hash", "app.py", 63)]
    assert "install --upgrade" in user_hash["fix"] and "app.py:58: removed when nothing else uses it" in user_hash["fix"]
    assert len([f for f in findings if f["file"] == "app.py" and f["id"] in ("upgrade", "user-hash")]) == 1


def test_upgrade_converts_the_classic_snippet_and_uninstall_restores_every_byte(app_copy, cli):
    root = app_copy(FIXTURE)
    before = snapshot(root)
    result = cli("install", str(root), "--workspace-id", WORKSPACE_ID, "--yes", "--no-install", "--upgrade")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.rstrip().endswith("result: complete")
    layout = (root / "templates/layout.html").read_text()
    assert EXPECTED_SETTINGS_BLOCK in layout
    assert "<script src=\"{{ url_for('static', filename='intercom-messenger.js') }}\" defer></script>" in layout
    for gone in ("intercomSettings", "widget.intercom.io", "user_hash", "current_user.email", "user_id", "app_id"):
        assert gone not in layout, gone
    app_py = (root / "app.py").read_text()
    for gone in ("hmac", "hashlib", "user_hash", "INTERCOM_SECRET_KEY", "context_processor"):
        assert gone not in app_py, gone
    assert "app.register_blueprint(intercom_jwt.bp)" in app_py
    receipt = json.loads((root / ".intercom-wizard.json").read_text())
    replaced = [s["replaced"] for s in receipt["inserted"]["templates/layout.html"] if "replaced" in s]
    assert len(replaced) == 2 and "user_hash" in replaced[0] and "widget.intercom.io" in replaced[1]

    installed = snapshot(root)
    again = cli("install", str(root), "--workspace-id", WORKSPACE_ID, "--yes", "--no-install", "--upgrade")
    assert again.exit_code == 0 and "Nothing to do" in again.stderr
    plain = cli("install", str(root), "--workspace-id", WORKSPACE_ID, "--yes", "--no-install")
    assert plain.exit_code == 0 and "Nothing to do" in plain.stderr
    assert snapshot(root) == installed

    assert cli("uninstall", str(root), "--yes").exit_code == 0
    assert snapshot(root) == before


EXPECTED_SETTINGS_BLOCK = """    <script>
      // Messenger settings for intercom-messenger.js (identity comes from the signed JWT).
      window.intercomMessengerSettings = {
        api_base: "https://api-iam.intercom.io",
        custom_launcher_selector: "#help-button",
        hide_default_launcher: true,
        alignment: "left",
        horizontal_padding: 40,
      };
    </script>
    <script src="""


def test_upgrade_refuses_kinds_it_does_not_convert_and_changes_nothing(tmp_path, cli):
    (tmp_path / "package.json").write_text('{"name": "shop", "dependencies": {"react-use-intercom": "^5.4.0"}}\n')
    (tmp_path / "index.html").write_text("<html><body><div id=root></div></body></html>\n")
    before = snapshot(tmp_path)
    result = cli("install", str(tmp_path), "--workspace-id", WORKSPACE_ID, "--yes", "--no-install", "--upgrade")
    assert result.exit_code == 7
    assert "cannot convert every part" in result.stderr and "package.json:1" in result.stderr
    assert snapshot(tmp_path) == before


def test_a_hash_function_used_elsewhere_is_left_with_a_manual_step(app_copy, cli):
    root = app_copy(FIXTURE)
    (root / "mail.py").write_text("from app import intercom_identity\n")
    result = cli("install", str(root), "--workspace-id", WORKSPACE_ID, "--yes", "--no-install", "--upgrade", "--dry-run")
    assert result.exit_code == 4
    assert "intercom_identity() or its result is used elsewhere (mail.py)" in result.stderr
    assert "-def intercom_identity" not in result.stdout


def test_a_page_reading_the_hash_is_named_and_nothing_changes(app_copy, cli):
    root = app_copy(FIXTURE)
    account = root / "templates/account.html"
    account.write_text(account.read_text().replace("</p>", " ({{ intercom_user_hash }})</p>"))
    before = snapshot(root)
    result = cli("install", str(root), "--workspace-id", WORKSPACE_ID, "--yes", "--no-install", "--upgrade")
    assert result.exit_code == 7
    assert "templates/account.html:5 → not converted by --upgrade in this release" in result.stderr
    assert snapshot(root) == before


def test_upgrade_dry_run_matches_golden(app_copy, cli):
    root = app_copy(FIXTURE)
    before = snapshot(root)
    result = cli("install", str(root), "--workspace-id", WORKSPACE_ID, "--dry-run", "--yes", "--upgrade")
    assert result.exit_code == 0, result.stderr
    assert snapshot(root) == before
    golden = GOLDEN / f"{FIXTURE}.upgrade.diff"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(result.stdout)
    assert result.stdout == golden.read_text(), f"dry-run diff differs from {golden}; review, then UPDATE_GOLDEN=1"
