"""`install --upgrade` of react-use-intercom in a React Router app adds the route-change update our integration
does (tests/fixtures/react_use_intercom_router_app: Vite React with react-router-dom 6, IntercomProvider around
the BrowserRouter, boot on page load from /api/me and on login with userId/email/name, shutdown then an
anonymous boot on logout, an Express back end with two users; no update() anywhere).

The build, the server and `verify` with two users in Chromium are tests/frontends/test_upgrade_react_router_build.py.
"""

from conftest import install_quietly, snapshot

from intercom_wizard.edits import parse

FIXTURE = "react_use_intercom_router_app"
ROUTER_MOUNT = """    <IntercomProvider appId="abc12345">
      <BrowserRouter>
        <IntercomRouteUpdate />
        <App />
      </BrowserRouter>
    </IntercomProvider>
"""
ANONYMOUS_BOOT = """      void fetchIntercomUserJwt().then((intercomUserJwt) =>
        boot({
          alignment: 'left',
          hideDefaultLauncher: false,
          intercomUserJwt,
        }),
      );
"""
USER_BOOT = """    void fetchIntercomUserJwt().then((intercomUserJwt) =>
      boot({
        alignment: 'left',
        hideDefaultLauncher: false,
        customAttributes: { plan: 'pro' },
        intercomUserJwt,
      }),
    );
"""


def test_upgrade_adds_the_route_update_inside_router_and_provider_and_uninstall_restores_every_byte(app_copy, cli):
    root = app_copy(FIXTURE)
    before = snapshot(root)
    result = install_quietly(cli, root, "--upgrade")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.rstrip().endswith("result: complete")
    after = snapshot(root)
    changed = sorted(path for path in after if before.get(path) != after[path])
    assert changed == [
        ".intercom-wizard.json", "intercom-jwt.js", "package.json", "server.js",
        "src/App.tsx", "src/IntercomRouteUpdate.tsx", "src/intercomUserJwt.ts", "src/main.tsx",
    ]
    main = after["src/main.tsx"].decode()
    assert ROUTER_MOUNT in main and "import { IntercomRouteUpdate } from './IntercomRouteUpdate';\n" in main
    component = after["src/IntercomRouteUpdate.tsx"].decode()
    assert "import { useLocation } from 'react-router-dom';" in component and "    update();\n" in component
    app = after["src/App.tsx"].decode()
    assert ANONYMOUS_BOOT in app and USER_BOOT in app, app
    assert "userId" not in app and "email: signedIn.email" not in app
    assert "    shutdown();\n    setUser(null);\n    startMessenger(null);\n" in app, "the app's own logout is kept"
    for path, grammar in (("src/main.tsx", "tsx"), ("src/App.tsx", "tsx"), ("src/IntercomRouteUpdate.tsx", "tsx")):
        assert parse(after[path].decode(), grammar).find(kind="ERROR") is None, path

    again = install_quietly(cli, root, "--upgrade")
    assert again.exit_code == 0 and "Nothing to do" in again.stderr, again.stderr
    assert snapshot(root) == after
    assert cli("uninstall", str(root), "--yes").exit_code == 0
    assert snapshot(root) == before


def test_an_app_that_already_updates_on_route_change_gets_no_second_update(app_copy, cli):
    root = app_copy(FIXTURE, commit=False)
    app = root / "src/App.tsx"
    text = app.read_text().replace("const { boot, shutdown } = useIntercom();", "const { boot, shutdown, update } = useIntercom();")
    text = text.replace("  useEffect(() => {\n    void fetch", "  useEffect(() => update(), [location.pathname]);\n\n  useEffect(() => {\n    void fetch", 1)
    app.write_text(text.replace("const navigate = useNavigate();", "const navigate = useNavigate();\n  const location = useLocation();"))
    result = install_quietly(cli, root, "--upgrade", "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert "IntercomRouteUpdate" not in result.stdout and "src/main.tsx" not in result.stdout


def test_a_provider_inside_the_router_gets_the_component_inside_it(app_copy, cli):
    root = app_copy(FIXTURE, commit=False)
    main = root / "src/main.tsx"
    main.write_text(
        main.read_text()
        .replace('    <IntercomProvider appId="abc12345">\n      <BrowserRouter>\n', '    <BrowserRouter>\n      <IntercomProvider appId="abc12345">\n')
        .replace("      </BrowserRouter>\n    </IntercomProvider>\n", "      </IntercomProvider>\n    </BrowserRouter>\n")
    )
    result = install_quietly(cli, root, "--upgrade")
    assert result.exit_code == 0, result.stderr
    assert '      <IntercomProvider appId="abc12345">\n        <IntercomRouteUpdate />\n        <App />\n' in main.read_text()


def test_without_a_router_no_route_update_is_added(app_copy, cli):
    """The original react_use_intercom_app has no client-side routes: nothing to report."""
    root = app_copy("react_use_intercom_app")
    result = install_quietly(cli, root, "--upgrade", "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert "IntercomRouteUpdate" not in result.stdout
