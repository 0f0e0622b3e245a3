"""`install --upgrade` keeps react-use-intercom and boots it with a JWT (tests/fixtures/react_use_intercom_app:
a Vite React front end served by an Express back end with session sign-in; the app boots react-use-intercom
with userId/email/name on login and calls shutdown() on logout).

react-use-intercom's JWT boot property is `intercomUserJwt` (its IntercomProps from 5.5.0 on, mapped to
Intercom's intercom_user_jwt): the runtime test proves that mapping against the installed library itself.
"""

import json
import shutil
import subprocess

import jwt
import pytest
from conftest import SECRET, install_quietly, line_of
from library_upgrade import check_rerun_and_uninstall, refused_without_upgrade, run_harness, upgrade

from intercom_wizard.edits import parse
from intercom_wizard.localserver import BrowserlessClient, free_port, running_server

FIXTURE = "react_use_intercom_app"
EXPECTED_BOOT = """    void fetchIntercomUserJwt().then((intercomUserJwt) =>
      boot({
        alignment: 'left',
        horizontalPadding: 40,
        customLauncherSelector: '#help-button',
        intercomUserJwt,
      }),
    );
"""


def parses(text: str, language: str) -> bool:
    return parse(text, language).find(kind="ERROR") is None


def test_without_upgrade_each_part_and_what_upgrade_does(app_copy, cli):
    said = refused_without_upgrade(cli, app_copy(FIXTURE))
    assert "the react-use-intercom package in package.json:11 → raised to ^5.5.0, the first release whose boot takes the JWT (intercomUserJwt)" in said
    assert "react-use-intercom's boot(...) in src/App.tsx:2 → each boot(...) call boots with intercomUserJwt" in said
    assert "react-use-intercom's provider in src/main.tsx:3 → kept as it is" in said


def test_upgrade_keeps_the_library_boots_with_the_jwt_and_uninstall_restores_every_byte(app_copy, cli):
    root = app_copy(FIXTURE)
    before, after, changed = upgrade(cli, root)
    assert changed == [".intercom-wizard.json", "intercom-jwt.js", "package.json", "server.js", "src/App.tsx", "src/intercomUserJwt.ts"]
    assert json.loads(after["package.json"])["dependencies"]["react-use-intercom"] == "^5.5.0"
    app = after["src/App.tsx"].decode()
    assert EXPECTED_BOOT in app and "import { fetchIntercomUserJwt } from './intercomUserJwt';\n" in app
    assert "userId" not in app and "email: signedIn.email" not in app
    assert "    shutdown();\n" in app, "the app's own logout is kept"
    assert after["src/main.tsx"] == before["src/main.tsx"]
    assert not any(b"@intercom/messenger-js-sdk" in data for data in after.values()), "react-use-intercom is kept, no second client"
    helper = after["src/intercomUserJwt.ts"].decode()
    assert "const TOKEN_URL = '/api/intercom-jwt';" in helper and SECRET not in helper
    assert parses(app, "tsx") and parses(helper, "typescript")
    check_rerun_and_uninstall(cli, root, before, ("--upgrade",))


def test_a_range_that_already_has_the_jwt_property_is_kept(app_copy, cli):
    root = app_copy(FIXTURE)
    manifest = root / "package.json"
    manifest.write_text(manifest.read_text().replace('"react-use-intercom": "^5.4.3"', '"react-use-intercom": "^5.8.0"'))
    result = install_quietly(cli, root, "--upgrade", "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert '-    "react-use-intercom"' not in result.stdout and '"react-use-intercom": "^5.8.0"' in result.stdout
    plain = install_quietly(cli, root)
    assert "package.json:11 → kept (^5.8.0): react-use-intercom boots with intercomUserJwt from 5.5.0 on" in plain.stderr


def test_a_javascript_app_gets_the_helper_in_javascript(app_copy, cli):
    from intercom_wizard.typescript import strip_types

    root = app_copy(FIXTURE, commit=False)
    for name in ("App", "main"):
        source = root / f"src/{name}.tsx"
        (root / f"src/{name}.jsx").write_text(strip_types(source.read_text(), jsx=True).replace("getElementById('root')!", "getElementById('root')"))
        source.unlink()
    (root / "index.html").write_text((root / "index.html").read_text().replace("main.tsx", "main.jsx"))
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "app"]):
        subprocess.run(["git", *command], cwd=root, check=True)
    result = install_quietly(cli, root, "--upgrade")
    assert result.exit_code == 0, result.stderr
    helper = (root / "src/intercomUserJwt.js").read_text()
    assert "export async function fetchIntercomUserJwt() {" in helper and ": Promise" not in helper
    app = (root / "src/App.jsx").read_text()
    assert "intercomUserJwt,\n" in app and parses(app, "javascript") and parses(helper, "javascript")


def test_a_boot_argument_the_wizard_cannot_read_is_a_manual_step(app_copy, cli):
    root = app_copy(FIXTURE, commit=False)
    app = root / "src/App.tsx"
    app.write_text(app.read_text().replace("    boot({\n", "    boot({\n      ...intercomDefaults,\n"))
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "app"]):
        subprocess.run(["git", *command], cwd=root, check=True)
    dry_run = install_quietly(cli, root, "--upgrade", "--dry-run")
    result = install_quietly(cli, root, "--upgrade")
    assert dry_run.exit_code == 4 and result.exit_code == 4, result.stderr
    # the line of App.tsx as the upgrade writes it (the token helper's import goes above it), in both runs
    boot = line_of(app.read_text(), "    boot({")
    said = f"react-use-intercom's boot(...) at src/App.tsx:{boot} was left as it is (its argument is not an object literal"
    assert said in result.stderr and said in dry_run.stderr


HARNESS = """
const calls = [];
const [helper, base, cookie] = process.argv.slice(2);
const realFetch = globalThis.fetch;
// The browser sends the session cookie with `credentials: 'include'`; Node's fetch needs it spelled out.
globalThis.fetch = (url, init) => realFetch(new URL(url, base), { ...init, headers: { ...init.headers, Cookie: cookie } });
globalThis.window = globalThis;
window.Intercom = (...args) => calls.push(args);
globalThis.document = { readyState: 'complete', createElement: () => ({ setAttribute() {} }), getElementsByTagName: () => [{ parentNode: { insertBefore() {} } }] };
// Imported once `window` exists: the library decides at load time whether it runs in a browser.
const { createElement } = await import('react');
const { renderToString } = await import('react-dom/server');
const { IntercomProvider, useIntercom } = await import('react-use-intercom');
const { fetchIntercomUserJwt } = await import(helper);

const intercomUserJwt = await fetchIntercomUserJwt();
function Booter() {
  const { boot } = useIntercom();
  boot({ alignment: 'left', customLauncherSelector: '#help-button', intercomUserJwt });
  return null;
}
renderToString(createElement(IntercomProvider, { appId: 'abc12345', shouldInitialize: true }, createElement(Booter)));
console.log(JSON.stringify(calls.filter((call) => call[0] === 'boot')));
process.exit(0);
"""


@pytest.mark.skipif(shutil.which("npm") is None, reason="needs Node.js and npm")
def test_runtime_token_round_trip_through_the_helper_and_the_real_library(app_copy, cli, tmp_path):
    """The Express server signs the signed-in user's JWT; the generated helper fetches it, and react-use-intercom
    (the release the upgraded range installs) boots with it as intercom_user_jwt and without user attributes."""
    root = app_copy(FIXTURE)
    assert install_quietly(cli, root, "--upgrade").exit_code == 0
    subprocess.run(["npm", "install", "--omit=dev", "--no-audit", "--no-fund", "--silent"], cwd=root, check=True, timeout=300)
    installed = json.loads((root / "node_modules/react-use-intercom/package.json").read_text())["version"]
    assert tuple(int(part) for part in installed.split(".")[:2]) >= (5, 5)
    helper = (root / "src/intercomUserJwt.ts").read_text()

    port = free_port()
    with running_server(["node", "server.js"], root, port, {"PORT": str(port), "INTERCOM_IDENTITY_SECRET": SECRET}):
        base = f"http://127.0.0.1:{port}"
        client = BrowserlessClient(base)
        credentials = json.dumps({"email": "amy@example.com", "password": "kif"}).encode()
        signed_in = client.request("/api/login", body=credentials, headers={"Content-Type": "application/json"}, method="POST")
        assert signed_in.status == 200, signed_in.body
        cookie = "; ".join(f"{c.name}={c.value}" for c in client.cookies)
        [boot] = run_harness(root, HARNESS, helper, base, cookie)  # type: ignore[misc]
        settings = boot[1]
        claims = jwt.decode(settings.pop("intercom_user_jwt"), SECRET, algorithms=["HS256"])
        assert (claims["user_id"], claims["email"], claims["name"]) == ("11", "amy@example.com", "Amy Wong")
        assert settings == {"app_id": "abc12345", "alignment": "left", "custom_launcher_selector": "#help-button"}

        anonymous = run_harness(root, HARNESS, helper, base, "")
        assert anonymous == [["boot", {"app_id": "abc12345", "alignment": "left", "custom_launcher_selector": "#help-button"}]]
