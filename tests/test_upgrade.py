"""An Intercom installation written by hand: what `install` (exit 7), `doctor` and `install --upgrade` do with it."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SECRET, WORKSPACE_ID, copy_app, install_quietly, snapshot
from identity_checks import AppUser, check_two_users, token_claims

from intercom_wizard.localserver import BrowserlessClient, free_port, running_server

PY = sys.executable

FIXTURE = "flask_classic_intercom_app"
GOLDEN = Path(__file__).parent / "golden"
FIXTURES_DIR = Path(__file__).parent / "fixtures"
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
    (tmp_path / "package.json").write_text('{"name": "shop", "dependencies": {"@intercom/messenger-js-sdk": "^0.0.14"}}\n')
    (tmp_path / "index.html").write_text("<html><body><div id=root></div></body></html>\n")
    result = cli("install", str(tmp_path), "--workspace-id", WORKSPACE_ID, "--yes", "--no-install")
    assert result.exit_code == 7
    assert "the official Messenger SDK in package.json:1 → not converted by --upgrade: no boot(...) call of the SDK was found to pass the JWT to" in result.stderr


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
    (tmp_path / "package.json").write_text('{"name": "shop", "dependencies": {"@intercom/messenger-js-sdk": "^0.0.14"}}\n')
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


def _pages_of(client: BrowserlessClient) -> dict[str, str]:
    return {path: client.get(path).body for path in ("/", "/account", "/login", "/static/intercom-messenger.js")}


def test_runtime_upgraded_app_signs_jwts_and_no_page_carries_identity(tmp_path, cli):
    """Before: the page carries the user's email and user_hash. After --upgrade: only the JWT does."""
    root = copy_app(FIXTURE, tmp_path)
    bob = AppUser("bob@example.com", "canwefixit", "bob@example.com", "Bob Builder")
    wendy = AppUser("wendy@example.com", "yes-we-can", "wendy@example.com", "Wendy Testaburger")

    port = free_port()
    command = [PY, "-m", "flask", "--app", "app", "run", "--host", "127.0.0.1", "--port", str(port)]
    with running_server(command, root, port, {"INTERCOM_SECRET_KEY": "old-hmac-secret"}):
        client = BrowserlessClient(f"http://127.0.0.1:{port}")
        client.post_form("/login", {"email": bob.login, "password": bob.password})
        home = client.get("/").body
        assert "bob@example.com" in home and 'user_hash: "' in home  # what the upgrade must take away

    assert install_quietly(cli, root, "--upgrade").exit_code == 0
    port = free_port()
    command = [PY, "-m", "flask", "--app", "app", "run", "--host", "127.0.0.1", "--port", str(port)]
    with running_server(command, root, port, {"INTERCOM_IDENTITY_SECRET": SECRET}):  # no INTERCOM_SECRET_KEY: nothing reads it
        base = f"http://127.0.0.1:{port}"
        check_two_users(base, SECRET, bob, wendy, lambda c, u: c.post_form("/login", {"email": u.login, "password": u.password}), lambda c: c.get("/logout"))
        client = BrowserlessClient(base)
        client.post_form("/login", {"email": bob.login, "password": bob.password})
        claims = token_claims(client, SECRET)
        assert (claims["user_id"], claims["email"], claims["name"]) == ("7", "bob@example.com", "Bob Builder")
        token_reply = client.get("/api/intercom-jwt", headers={"Accept": "application/json"}).body
        assert set(json.loads(token_reply)) == {"token"}
        for path, body in {**_pages_of(client), "/api/intercom-jwt": token_reply}.items():
            for leaked in ("user_hash", "bob@example.com", '"user_id"', "intercomSettings ="):
                assert leaked not in body, f"{path} carries {leaked}"
        home = client.get("/").body
        assert 'custom_launcher_selector: "#help-button",' in home and "hide_default_launcher: true," in home
        assert 'alignment: "left",' in home and "horizontal_padding: 40," in home and 'api_base: "https://api-iam.intercom.io",' in home


BOOT_HARNESS = """
const vm = require('vm');
const fs = require('fs');
const calls = [];
const store = {};
const window = {
  intercomMessengerSettings: JSON.parse(process.argv[3]),
  Intercom: (...args) => calls.push(args),
  localStorage: { getItem: (k) => store[k] ?? null, setItem: (k, v) => { store[k] = v; }, removeItem: (k) => { delete store[k]; } },
  history: { pushState() {} },
  addEventListener() {},
  atob: (s) => Buffer.from(s, 'base64').toString('binary'),
};
const token = process.argv[4];
window.fetch = async () => ({ status: 200, ok: true, json: async () => ({ token }) });
const context = { window, document: { readyState: 'complete', addEventListener() {}, currentScript: null }, fetch: window.fetch, console, setTimeout: () => 0, clearTimeout() {}, Promise, Date, JSON, Object, String, Math };
vm.createContext(context);
vm.runInContext(fs.readFileSync(process.argv[2], 'utf8'), context);
setImmediate(() => setImmediate(() => console.log(JSON.stringify(calls))));
"""


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node")
def test_script_boots_with_the_page_settings_and_never_the_page_identity(app_copy, cli, tmp_path):
    import jwt

    root = app_copy(FIXTURE)
    assert install_quietly(cli, root, "--upgrade").exit_code == 0
    harness = tmp_path / "harness.js"
    harness.write_text(BOOT_HARNESS)
    declared = {"alignment": "left", "horizontal_padding": 40, "custom_launcher_selector": "#help-button", "company": {"id": "c1"},
                "user_id": "999", "email": "spoof@example.com", "name": "Spoof", "user_hash": "abc", "app_id": "other"}
    token = jwt.encode({"user_id": "7", "exp": 4102444800}, SECRET, algorithm="HS256")
    result = subprocess.run(["node", str(harness), str(root / "static/intercom-messenger.js"), json.dumps(declared), token], capture_output=True, text=True, check=True)
    [boot] = [call for call in json.loads(result.stdout) if call[0] == "boot"]
    assert boot[1] == {"app_id": WORKSPACE_ID, "alignment": "left", "horizontal_padding": 40, "custom_launcher_selector": "#help-button",
                       "company": {"id": "c1"}, "intercom_user_jwt": token}


def test_without_a_back_end_upgrade_converts_nothing_and_says_why(tmp_path, cli):
    page = (FIXTURES_DIR / FIXTURE / "templates/layout.html").read_text().replace("{{ url_for('index') }}", "/").replace("{{ url_for('login') }}", "/login")
    (tmp_path / "index.html").write_text(page)
    before = snapshot(tmp_path)
    plain = cli("install", str(tmp_path), "--workspace-id", WORKSPACE_ID, "--yes", "--no-install")
    assert plain.exit_code == 7
    assert "index.html:25 → not converted by --upgrade without a back end to sign the JWT (none was found): replaced by" in plain.stderr
    result = cli("install", str(tmp_path), "--workspace-id", WORKSPACE_ID, "--yes", "--no-install", "--upgrade")
    assert result.exit_code == 7 and "cannot convert every part" in result.stderr
    assert snapshot(tmp_path) == before


def test_uninstall_after_an_edit_above_does_not_put_removed_lines_back_in_the_wrong_place(app_copy, cli):
    root = app_copy(FIXTURE)
    assert install_quietly(cli, root, "--upgrade").exit_code == 0
    app_py = root / "app.py"
    app_py.write_text('"""Builder\'s Yard."""\n' + app_py.read_text())
    result = cli("uninstall", str(root), "--yes")
    assert result.exit_code == 0, result.stderr
    assert "app.py changed since install, so this text it took out was not put back" in result.stderr
    assert "'import hashlib\\n'" in result.stderr and "def intercom_identity" in result.stderr
    restored = app_py.read_text()
    compile(restored, "app.py", "exec")
    assert restored.startswith('"""Builder\'s Yard."""\nimport os\n') and "intercom_jwt" not in restored


def test_after_the_upgrade_doctor_finds_nothing_left_to_upgrade(app_copy, cli):
    root = app_copy(FIXTURE)
    assert install_quietly(cli, root, "--upgrade").exit_code == 0
    result = cli("doctor", str(root), "--json")
    ids = [f["id"] for f in json.loads(result.stdout)["findings"]]
    assert "upgrade" not in ids and "user-hash" not in ids and "no-shutdown" not in ids, ids
    assert result.exit_code == 0, ids
