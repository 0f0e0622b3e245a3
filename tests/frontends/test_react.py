"""React: golden before/after plans on small hand-written apps (TS and JS, with and without React
Router, cookie and bearer auth, logout found or not, regions, load strategies), idempotency and
byte-for-byte uninstall; then one real app scaffolded with create-vite, installed, built and type
checked with its own toolchain, linted, served and verified in Chromium, and uninstalled."""

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import SECRET, WORKSPACE_ID, git, only_the_api_is_left, snapshot
from conftest import install_signed_in_app as _install
from spa_verify import verify_built_app

REPO = Path(__file__).resolve().parents[2]
CREATE_VITE = "vite@7.1.3"  # npm create vite@7.1.3 runs create-vite@7.1.3
REACT_ROUTER = "react-router@7.18.6"
WIZARD = [sys.executable, "-m", "intercom_wizard"]


def _tools_missing() -> str | None:
    if shutil.which("npm") is None or not Path("/usr/bin/chromium").exists():
        return "needs npm and /usr/bin/chromium"
    return None


def _npm(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(["npm", *args], cwd=root, capture_output=True, text=True, check=False)
    assert result.returncode == 0, f"npm {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    return result


def _wizard(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "INTERCOM_IDENTITY_SECRET": SECRET}
    return subprocess.run([*WIZARD, *args], capture_output=True, text=True, env=env, cwd=REPO, check=False)


def _own_output(result: subprocess.CompletedProcess[str]) -> str:
    """What the tool printed, without npm's complaint about this machine's npmrc."""
    lines = (result.stdout + result.stderr).splitlines()
    return "\n".join(line for line in lines if "Unknown user config" not in line)


def _scaffold_files(root: Path) -> dict[str, bytes]:
    return {path: data for path, data in snapshot(root).items() if not path.startswith(("dist/", ".server.log"))}


@pytest.fixture(scope="module")
def vite_app(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    missing = _tools_missing()
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"{missing} (required in CI)")
        pytest.skip(missing)
    from react_support import API_TS, APP_TSX, AUTH_TS, MAIN_TSX

    base = tmp_path_factory.mktemp("react-e2e")
    _npm(base, "create", "--yes", CREATE_VITE, "app", "--", "--template", "react-ts", "--no-interactive")
    app = base / "app"
    _npm(app, "install", "--no-audit", "--no-fund", "--prefer-offline")
    _npm(app, "install", "--no-audit", "--no-fund", "--prefer-offline", "--save-exact", REACT_ROUTER)
    (app / "src/api.ts").write_text(API_TS)
    (app / "src/auth.ts").write_text(AUTH_TS)
    (app / "src/main.tsx").write_text(MAIN_TSX)
    (app / "src/App.tsx").write_text(APP_TSX)
    _npm(app, "run", "build")  # the app builds before the wizard touches it
    git(app, "init", "-q")
    git(app, "add", "-A")
    git(app, "commit", "-qm", "scaffold")
    before = _scaffold_files(app)

    installed = _wizard("install", str(app), "--workspace-id", WORKSPACE_ID, "--yes", "--auth", "cookie")
    assert only_the_api_is_left(installed), installed.stdout + installed.stderr  # the API is spa_server.py, not in the app
    build = _npm(app, "run", "build")
    lint = _npm(app, "run", "lint")
    return app, before, installed, build, lint


def test_install_wires_the_component_inside_the_router(vite_app):
    app, _, _, _, _ = vite_app
    main = (app / "src/main.tsx").read_text()
    assert "import { IntercomMessenger } from './intercom/IntercomMessenger.tsx'\n" in main
    assert "    <BrowserRouter>\n      <IntercomMessenger />\n      <App />\n" in main
    auth = (app / "src/auth.ts").read_text()
    # auth.ts writes no semicolons (like the Vite template): neither do the wizard's lines.
    assert "import { intercomLogin, intercomLogout } from './intercom/messenger'\n" in auth
    assert "export async function logout(): Promise<void> {\n  intercomLogout()\n  await postJson('/logout')" in auth
    assert '"@intercom/messenger-js-sdk": "^0.0.20"' in (app / "package.json").read_text()
    assert (app / "node_modules/@intercom/messenger-js-sdk/package.json").exists()


def test_build_type_check_and_lint_are_clean(vite_app):
    app, _, _, build, lint = vite_app
    output = _own_output(build)
    assert "error" not in output.lower() and "(!)" not in output and "warn" not in output.lower(), output
    assert "problem" not in _own_output(lint), _own_output(lint)
    typecheck = subprocess.run(["npx", "tsc", "-b"], cwd=app, capture_output=True, text=True, check=False)
    assert typecheck.returncode == 0, typecheck.stdout + typecheck.stderr


def test_secret_never_reaches_the_front_end(vite_app):
    app, _, _, _, _ = vite_app
    for path in [*(app / "dist").rglob("*"), *(app / "src").rglob("*")]:
        if path.is_file():
            assert SECRET.encode() not in path.read_bytes(), path


def test_built_app_passes_verification_in_chromium(vite_app):
    app, _, _, _, _ = vite_app
    report, text = verify_built_app(app / "dist", app)
    assert report.exit_code == 0, text


def test_second_install_is_empty_and_uninstall_restores_the_scaffold(vite_app):
    app, before, _, _, _ = vite_app
    again = _wizard("install", str(app), "--workspace-id", WORKSPACE_ID, "--yes", "--auth", "cookie")
    assert again.returncode == 4 and "Nothing to do" in again.stdout + again.stderr, again.stdout + again.stderr
    removed = _wizard("uninstall", str(app), "--yes")
    assert removed.returncode == 0, removed.stdout + removed.stderr
    # The lockfile is npm's: installing from the restored package.json prunes the SDK from it again.
    _npm(app, "install", "--no-audit", "--no-fund", "--prefer-offline")
    assert _scaffold_files(app) == before
    _npm(app, "run", "build")


# --- golden plans on hand-written apps --------------------------------------------------------

VITE_HTML = '<!doctype html>\n<html lang="en">\n  <body>\n    <div id="root"></div>\n    <script type="module" src="/src/main.{ext}"></script>\n  </body>\n</html>\n'

TS_AUTH = """\
import { postJson } from './api'

export async function login(username: string, password: string): Promise<void> {
  await postJson('/api/login', { username, password })
}

export async function logout(): Promise<void> {
  await postJson('/logout')
}
"""

TS_MAIN = """\
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import './index.css'
import App from './App.tsx'

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
)
"""

TS_ROUTER_MAIN = """\
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { BrowserRouter } from 'react-router-dom'
import App from './App'

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <BrowserRouter>
      <App />
    </BrowserRouter>
  </StrictMode>,
)
"""

CRA_INDEX = """\
import React from "react";
import ReactDOM from "react-dom/client";
import App from "./App";

const root = ReactDOM.createRoot(document.getElementById("root"));
root.render(<App />);
"""

DATA_ROUTER_MAIN = """\
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createBrowserRouter, RouterProvider } from 'react-router';
import Root from './routes/root';
import Home from './routes/home';

const router = createBrowserRouter([
  {
    path: '/',
    element: <Root />,
    children: [{ index: true, element: <Home /> }],
  },
]);

createRoot(document.getElementById('root')).render(
  <StrictMode>
    <RouterProvider router={router} />
  </StrictMode>,
);
"""

DATA_ROUTER_ROOT = """\
import { Link, Outlet } from 'react-router';
import { signOut } from '../session';

export default function Root() {
  return (
    <div className="layout">
      <nav>
        <Link to="/">Home</Link>
        <button onClick={signOut}>Sign out</button>
      </nav>
      <main>
        <Outlet />
      </main>
    </div>
  );
}
"""

SESSION_JS = """\
import { api } from './api';

export function signOut() {
  localStorage.removeItem('token');
  return api.post('/logout');
}

export async function signIn(credentials) {
  const { data } = await api.post('/login', credentials);
  localStorage.setItem('token', data.token);
}
"""


def _package(dependencies: dict[str, str], dev: dict[str, str] | None = None) -> str:
    manifest = {"name": "app", "private": True, "type": "module", "dependencies": dependencies}
    if dev:
        manifest["devDependencies"] = dev
    return json.dumps(manifest, indent=2) + "\n"


def _write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "app")
    return root


def _ts_app(root: Path, *, router: bool) -> Path:
    dependencies = {"react": "^19.1.1", "react-dom": "^19.1.1"} | ({"react-router-dom": "^7.9.0"} if router else {})
    return _write(root, {
        "package.json": _package(dependencies, {"typescript": "~5.8.3", "vite": "^7.1.7"}),
        "tsconfig.json": "{}\n",
        "index.html": VITE_HTML.format(ext="tsx"),
        "src/main.tsx": TS_ROUTER_MAIN if router else TS_MAIN,
        "src/App.tsx": "export default function App() {\n  return <h1>Hello</h1>\n}\n",
        "src/api.ts": "export function postJson(url: string, body?: unknown) {\n  return fetch(url, { method: 'POST', body: JSON.stringify(body) })\n}\n",
        "src/auth.ts": TS_AUTH,
    })


def _assert_idempotent_and_uninstalls(cli, root: Path, before: dict[str, bytes], *options: str) -> None:  # type: ignore[no-untyped-def]
    again = _install(cli, root, *options)
    assert "Nothing to do" in again.output, again.output
    removed = cli("uninstall", str(root), "--yes")
    assert removed.exit_code == 0, removed.output
    assert snapshot(root) == before


def test_typescript_app_with_react_router_cookie_auth(tmp_path, cli):
    root = _ts_app(tmp_path, router=True)
    before = snapshot(root)
    result = _install(cli, root)
    assert only_the_api_is_left(result), result.output
    assert (root / "src/main.tsx").read_text() == textwrap.dedent("""\
        import { StrictMode } from 'react'
        import { createRoot } from 'react-dom/client'
        import { BrowserRouter } from 'react-router-dom'
        import App from './App'
        import { IntercomMessenger } from './intercom/IntercomMessenger'

        createRoot(document.getElementById('root')!).render(
          <StrictMode>
            <BrowserRouter>
              <IntercomMessenger />
              <App />
            </BrowserRouter>
          </StrictMode>,
        )
        """)
    assert (root / "src/auth.ts").read_text() == textwrap.dedent("""\
        import { postJson } from './api'
        import { intercomLogin, intercomLogout } from './intercom/messenger'

        export async function login(username: string, password: string): Promise<void> {
          await postJson('/api/login', { username, password })
          void intercomLogin()
        }

        export async function logout(): Promise<void> {
          intercomLogout()
          await postJson('/logout')
        }
        """)
    component = (root / "src/intercom/IntercomMessenger.tsx").read_text()
    assert "import { useLocation } from 'react-router-dom'" in component
    assert "intercomPageChanged()\n  }, [location])" in component
    core = (root / "src/intercom/messenger.ts").read_text()
    assert "return { method: 'GET', credentials: 'include', headers }" in core and "const REGION: 'eu' | 'ap' | undefined = undefined" in core
    assert "// --load immediate:" in core
    assert '"@intercom/messenger-js-sdk": "^0.0.20"' in (root / "package.json").read_text()
    assert SECRET not in "".join(p.read_text() for p in (root / "src").rglob("*.ts*"))
    _assert_idempotent_and_uninstalls(cli, root, before)


def test_typescript_app_without_router_bearer_eu_idle(tmp_path, cli):
    root = _ts_app(tmp_path, router=False)
    before = snapshot(root)
    options = ("--auth", "bearer", "--token-storage-key", "access_token", "--region", "eu", "--load", "idle")
    result = _install(cli, root, *options)
    assert only_the_api_is_left(result), result.output
    assert (root / "src/main.tsx").read_text() == TS_MAIN.replace(
        "import App from './App.tsx'\n", "import App from './App.tsx'\nimport { IntercomMessenger } from './intercom/IntercomMessenger.tsx'\n"
    ).replace("    <App />\n", "    <App />\n    <IntercomMessenger />\n")
    component = (root / "src/intercom/IntercomMessenger.tsx").read_text()
    assert "useLocation" not in component and "intercomPageChanged" not in component
    assert "import { startIntercomMessenger } from './messenger'" in component
    core = (root / "src/intercom/messenger.ts").read_text()
    assert "const ACCESS_TOKEN_KEY = 'access_token'" in core
    assert "const REGION: 'eu' | 'ap' | undefined = 'eu'" in core and "'https://api-iam.eu.intercom.io'" in core
    assert "// --load idle:" in core
    _assert_idempotent_and_uninstalls(cli, root, before, *options)


def test_javascript_create_react_app_without_logout_is_a_manual_step(tmp_path, cli):
    root = _write(tmp_path, {
        "package.json": _package({"react": "^18.3.1", "react-dom": "^18.3.1", "react-scripts": "5.0.1"}),
        "public/index.html": '<!doctype html>\n<html><body><div id="root"></div></body></html>\n',
        "src/index.js": CRA_INDEX,
        "src/App.js": "function App() {\n  return <h1>Hello</h1>;\n}\n\nexport default App;\n",
    })
    before = snapshot(root)
    options = ("--region", "au", "--load", "interaction")
    result = _install(cli, root, *options)
    assert result.exit_code == 4, result.output
    assert "intercomLogout();" in result.output and "void intercomLogin();" in result.output
    assert "src/index.js" in result.output
    assert (root / "src/index.js").read_text() == CRA_INDEX.replace(
        'import App from "./App";\n', 'import App from "./App";\nimport { IntercomMessenger } from "./intercom/IntercomMessenger";\n'
    ).replace("root.render(<App />);", "root.render(<><App /><IntercomMessenger /></>);")
    assert not (root / "src/intercom/messenger.ts").exists()
    core = (root / "src/intercom/messenger.js").read_text()
    component = (root / "src/intercom/IntercomMessenger.jsx").read_text()
    for javascript in (core, component):
        assert ": string" not in javascript and ": void" not in javascript and "type " not in javascript
    # The app writes double quotes (src/index.js): so does the wizard.
    assert 'const REGION = "ap";' in core and 'const API_BASE = "https://api-iam.au.intercom.io";' in core
    assert "// --load interaction:" in core
    assert "export function IntercomMessenger() {" in component
    _assert_idempotent_and_uninstalls(cli, root, before, *options)


def test_javascript_data_router_renders_in_the_root_layout(tmp_path, cli):
    root = _write(tmp_path, {
        "package.json": _package({"react": "^19.1.1", "react-dom": "^19.1.1", "react-router": "^7.9.0"}),
        "index.html": VITE_HTML.format(ext="jsx"),
        "src/main.jsx": DATA_ROUTER_MAIN,
        "src/routes/root.jsx": DATA_ROUTER_ROOT,
        "src/routes/home.jsx": "export default function Home() {\n  return <h1>Home</h1>;\n}\n",
        "src/api.js": "export const api = { post: (url, body) => fetch(url, { method: 'POST', body: JSON.stringify(body) }) };\n",
        "src/session.js": SESSION_JS,
    })
    before = snapshot(root)
    result = _install(cli, root)
    assert only_the_api_is_left(result), result.output
    assert (root / "src/main.jsx").read_text() == DATA_ROUTER_MAIN
    assert (root / "src/routes/root.jsx").read_text() == DATA_ROUTER_ROOT.replace(
        "import { signOut } from '../session';\n",
        "import { signOut } from '../session';\nimport { IntercomMessenger } from '../intercom/IntercomMessenger';\n",
    ).replace("        <Outlet />\n", "        <Outlet />\n        <IntercomMessenger />\n")
    assert (root / "src/session.js").read_text() == SESSION_JS.replace(
        "import { api } from './api';\n", "import { api } from './api';\nimport { intercomLogin, intercomLogout } from './intercom/messenger';\n"
    ).replace("export function signOut() {\n", "export function signOut() {\n  intercomLogout();\n").replace(
        "  localStorage.setItem('token', data.token);\n", "  localStorage.setItem('token', data.token);\n  void intercomLogin();\n"
    )
    component = (root / "src/intercom/IntercomMessenger.jsx").read_text()
    assert "import { useLocation } from 'react-router';" in component
    _assert_idempotent_and_uninstalls(cli, root, before)


def test_router_without_a_router_element_is_a_manual_step(tmp_path, cli):
    root = _ts_app(tmp_path, router=False)
    manifest = json.loads((root / "package.json").read_text())
    manifest["dependencies"]["react-router"] = "^7.9.0"
    (root / "package.json").write_text(json.dumps(manifest, indent=2) + "\n")
    git(root, "commit", "-qam", "router")
    before = snapshot(root)
    result = _install(cli, root)
    assert result.exit_code == 4, result.output
    assert "inside your router" in result.output and "<IntercomMessenger />" in result.output
    assert (root / "src/main.tsx").read_text() == TS_MAIN
    removed = cli("uninstall", str(root), "--yes")
    assert removed.exit_code == 0 and snapshot(root) == before
