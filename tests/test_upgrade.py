"""An Intercom installation written by hand: what `install` (exit 7), `doctor` and `install --upgrade` do with it."""

import json

from conftest import WORKSPACE_ID, snapshot

FIXTURE = "flask_classic_intercom_app"
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
