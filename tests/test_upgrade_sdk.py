"""`install --upgrade` keeps the official SDK (@intercom/messenger-js-sdk) booted with user attributes in a
Next.js client component (tests/fixtures/next_sdk_intercom_app: App Router, NextAuth credentials, the SDK's
`Intercom({...})` in a useEffect, `shutdown()` when signed out). The call boots with `intercom_user_jwt` from a
new route handler (the Next.js integration's own, on NextAuth's getServerSession), and no client of ours is
added. The Next.js app itself is not built or served here (a production build per test is too heavy for this
suite; tests/frontends covers the route handler end to end): the generated files are parsed with the
TypeScript grammar, and the SDK itself is run under Node to show the JWT reaches the Messenger's settings."""

import json
import shutil
import subprocess
from typing import Any

import pytest
from conftest import SECRET, install_quietly
from library_upgrade import check_rerun_and_uninstall, refused_without_upgrade, run_harness, upgrade

from intercom_wizard.edits import parse

FIXTURE = "next_sdk_intercom_app"
EXPECTED_CALL = """    void fetchIntercomUserJwt().then((intercom_user_jwt) =>
      Intercom({
        app_id: 'abc12345',
        alignment: 'left',
        custom_launcher_selector: '#help-button',
        ...(intercom_user_jwt === undefined ? {} : { intercom_user_jwt }),
      }),
    );
"""


def test_without_upgrade_the_sdk_call_is_named(app_copy, cli):
    said = refused_without_upgrade(cli, app_copy(FIXTURE))
    assert "the SDK's Intercom(...) with user attributes in app/intercom-messenger.tsx:5 → each Intercom(...)/boot(...) call boots with intercom_user_jwt" in said
    assert "the official Messenger SDK in package.json:9 → kept: its settings carry intercom_user_jwt" in said


def test_upgrade_boots_the_sdk_with_the_jwt_from_a_new_route_and_uninstall_restores_every_byte(app_copy, cli):
    root = app_copy(FIXTURE)
    before, after, changed = upgrade(cli, root)
    assert changed == [".env.local", ".intercom-wizard.json", "app/api/intercom-jwt/route.ts", "app/intercom-messenger.tsx",
                       "app/intercom-route-update.tsx", "app/intercomUserJwt.ts", "app/layout.tsx", "app/page.tsx", "package.json"]
    # next-auth's signOut() leaves the page before the component's shutdown() could run: the Messenger shuts down first.
    page = after["app/page.tsx"].decode()
    assert '<button id="logout" type="button" onClick={() => { shutdown(); return signOut(); }}>Sign out</button>' in page
    assert "import { signIn, signOut, useSession } from 'next-auth/react';\nimport { shutdown } from '@intercom/messenger-js-sdk';\n" in page
    # The route-change update our integration does, which the app's component lacked: the SDK's update({}) on usePathname().
    assert "          <IntercomMessenger />\n        </Providers>\n        <IntercomRouteUpdate />\n      </body>" in after["app/layout.tsx"].decode()
    assert "    update({});\n" in after["app/intercom-route-update.tsx"].decode()
    component = after["app/intercom-messenger.tsx"].decode()
    assert EXPECTED_CALL in component and "import { fetchIntercomUserJwt } from './intercomUserJwt';\n" in component
    assert "user_id" not in component and "session.user.email" not in component and "      shutdown();\n" in component
    route = after["app/api/intercom-jwt/route.ts"].decode()
    assert "getServerSession(authOptions)" in route and SECRET not in route
    assert json.loads(after["package.json"])["dependencies"]["@intercom/messenger-js-sdk"] == "^0.0.14"
    for path in ("app/intercom-messenger.tsx", "app/intercomUserJwt.ts", "app/api/intercom-jwt/route.ts", "app/intercom-route-update.tsx", "app/layout.tsx", "app/page.tsx"):
        assert parse(after[path].decode(), "tsx").find(kind="ERROR") is None, path
    check_rerun_and_uninstall(cli, root, before, ("--upgrade",), ())


HARNESS = """
globalThis.window = globalThis;
const inserted = [];
globalThis.document = {
  readyState: 'complete',
  getElementById: () => null,
  createElement: () => ({}),
  getElementsByTagName: () => [{ parentNode: { insertBefore: (script) => inserted.push(script.src) } }],
};
const [helper, token] = process.argv.slice(2);
globalThis.fetch = async () => ({ status: 200, ok: true, json: async () => ({ token }) });
window.atob = (s) => Buffer.from(s, 'base64').toString('binary');
const { fetchIntercomUserJwt } = await import(helper);
// The package is CommonJS: Node names its exports (the bundlers the app uses also give the default).
const { Intercom } = await import('@intercom/messenger-js-sdk');
const intercom_user_jwt = await fetchIntercomUserJwt();
Intercom({ app_id: 'abc12345', alignment: 'left', custom_launcher_selector: '#help-button', intercom_user_jwt });
console.log(JSON.stringify({ settings: window.intercomSettings, inserted }));
process.exit(0);
"""


@pytest.mark.skipif(shutil.which("npm") is None, reason="needs Node.js and npm")
def test_the_sdk_hands_the_fetched_jwt_to_the_messenger(app_copy, cli, tmp_path):
    import jwt

    root = app_copy(FIXTURE)
    assert install_quietly(cli, root, "--upgrade").exit_code == 0
    runner = tmp_path / "sdk-check"
    runner.mkdir()
    (runner / "package.json").write_text('{"name": "sdk-check", "private": true, "type": "module"}\n')
    spec = json.loads((root / "package.json").read_text())["dependencies"]["@intercom/messenger-js-sdk"]
    subprocess.run(["npm", "install", f"@intercom/messenger-js-sdk@{spec}", "--no-audit", "--no-fund", "--silent"], cwd=runner, check=True, timeout=300)
    token = jwt.encode({"user_id": "31", "email": "hermes@example.com", "exp": 4102444800}, SECRET, algorithm="HS256")
    result: dict[str, Any] = run_harness(runner, HARNESS, (root / "app/intercomUserJwt.ts").read_text(), token)  # type: ignore[assignment]
    assert result["settings"]["intercom_user_jwt"] == token
    assert not {"user_id", "email", "name", "user_hash"} & set(result["settings"])
    assert result["inserted"] == ["https://widget.intercom.io/widget/abc12345"]
