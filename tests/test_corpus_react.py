"""React router shapes seen in the real-app corpus (docs/corpus.md), as small apps of our own.

The router imported under an alias (`BrowserRouter as Router`) and rendered in App.jsx rather than
the entry file, react-router 5's `<Router history={history}>`, connected-react-router's
`<ConnectedRouter>` in an app whose code lives in app/ (react-boilerplate's layout), and a data
router the wizard cannot place the component in: the manual step names the router's own file.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import WORKSPACE_ID, git, install_quietly, snapshot, write_files

ENTRY = """\
import React from 'react';
import { render } from 'react-dom';
import { App } from './App/App';

render(<App />, document.getElementById('app'));
"""

APP_WITH_ALIAS = """\
import React from 'react';
import { BrowserRouter as Router, Route, Switch } from 'react-router-dom';
import { HomePage } from '../HomePage';

export function App() {
    return (
        <div className="container">
            <Router>
                <Switch>
                    <Route exact path="/" component={HomePage} />
                </Switch>
            </Router>
        </div>
    );
}
"""

APP_WITH_HISTORY = APP_WITH_ALIAS.replace(
    "import { BrowserRouter as Router, Route, Switch } from 'react-router-dom';\n",
    "import { Router, Route, Switch } from 'react-router-dom';\nimport { history } from '../history';\n",
).replace("<Router>", "<Router history={history}>")


def _react_app(root: Path, files: dict[str, str], dependencies: dict[str, str]) -> Path:
    write_files(root, {
        "package.json": json.dumps({"name": "app", "private": True, "scripts": {"start": "webpack serve"},
                                    "dependencies": {"react": "^16.14.0", "react-dom": "^16.14.0", **dependencies}}, indent=2) + "\n",
        **files,
    })
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "app")
    return root


@pytest.mark.parametrize(("app_source", "router_line"), [(APP_WITH_ALIAS, "<Router>"), (APP_WITH_HISTORY, "<Router history={history}>")], ids=["alias", "history"])
def test_component_goes_inside_the_router_rendered_in_app_jsx(tmp_path: Path, cli, app_source: str, router_line: str) -> None:  # type: ignore[no-untyped-def]
    root = _react_app(tmp_path, {
        "src/index.jsx": ENTRY,
        "src/App/App.jsx": app_source,
        "src/HomePage/index.jsx": "export function HomePage() {\n    return <h1>Home</h1>;\n}\n",
        "src/history.js": "import { createBrowserHistory } from 'history';\nexport const history = createBrowserHistory();\n",
    }, {"react-router-dom": "^5.3.4", "history": "^4.10.1"})
    before = snapshot(root)
    result = install_quietly(cli, root, "--backend", "none")
    app = (root / "src/App/App.jsx").read_text()
    assert f"            {router_line}\n                <IntercomMessenger />\n                <Switch>" in app, result.output
    assert "import { IntercomMessenger } from '../intercom/IntercomMessenger';" in app
    assert (root / "src/index.jsx").read_text() == ENTRY
    assert "import { useLocation } from 'react-router-dom';" in (root / "src/intercom/IntercomMessenger.jsx").read_text()
    assert "inside your router" not in result.output
    assert cli("uninstall", str(root), "--yes").exit_code == 0 and snapshot(root) == before


CONNECTED_ENTRY = """\
import React from 'react';
import ReactDOM from 'react-dom';
import { Provider } from 'react-redux';
import { ConnectedRouter } from 'connected-react-router';
import history from 'utils/history';
import App from 'containers/App';
import configureStore from './configureStore';

const store = configureStore({}, history);

ReactDOM.render(
  <Provider store={store}>
    <ConnectedRouter history={history}>
      <App />
    </ConnectedRouter>
  </Provider>,
  document.getElementById('app'),
);
"""


def test_connected_react_router_in_an_app_folder(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    root = _react_app(tmp_path, {
        "app/app.js": CONNECTED_ENTRY,
        "app/index.html": '<!doctype html>\n<html>\n<body>\n<div id="app"></div>\n</body>\n</html>\n',
        "app/containers/App/index.js": "import React from 'react';\n\nexport default function App() {\n  return <main>Shop</main>;\n}\n",
        "app/configureStore.js": "export default function configureStore(state, history) {\n  return { state, history };\n}\n",
        "app/utils/history.js": "import { createBrowserHistory } from 'history';\nexport default createBrowserHistory();\n",
    }, {"react-router-dom": "^5.3.4", "connected-react-router": "^6.9.3", "react-redux": "^7.2.9"})
    before = snapshot(root)
    result = install_quietly(cli, root, "--backend", "none")
    entry = (root / "app/app.js").read_text()
    assert "    <ConnectedRouter history={history}>\n      <IntercomMessenger />\n      <App />" in entry, result.output
    assert "import { IntercomMessenger } from './intercom/IntercomMessenger';" in entry
    assert (root / "app/intercom/IntercomMessenger.jsx").is_file() and not (root / "src").exists()
    assert cli("uninstall", str(root), "--yes").exit_code == 0 and snapshot(root) == before


DATA_ROUTER = """\
import { createBrowserRouter } from 'react-router';
import { RouterProvider } from 'react-router/dom';

const router = createBrowserRouter([
  { path: '/', lazy: () => import('./routes/landing') },
  { path: '/app', lazy: () => import('./routes/app/root') },
]);

export const AppRouter = () => <RouterProvider router={router} />;
"""


def test_unplaceable_router_names_the_router_file_not_the_entry(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    root = _react_app(tmp_path, {
        "index.html": '<!doctype html>\n<html>\n<body>\n<div id="root"></div>\n<script type="module" src="/src/main.tsx"></script>\n</body>\n</html>\n',
        "tsconfig.json": "{}\n",
        "src/main.tsx": "import { createRoot } from 'react-dom/client';\nimport { App } from './app';\n\ncreateRoot(document.getElementById('root')!).render(<App />);\n",
        "src/app/index.tsx": "import { AppRouter } from './router';\n\nexport const App = () => <AppRouter />;\n",
        "src/app/router.tsx": DATA_ROUTER,
        "src/app/routes/landing.tsx": "export const Component = () => <h1>Welcome</h1>;\n",
    }, {"react-router": "^7.1.0"})
    result = install_quietly(cli, root, "--backend", "none", "--dry-run", "--json")
    plan = json.loads(result.stdout)
    render_steps = [step for step in plan["manual_steps"] if "inside your router" in step["instruction"]]
    assert [step["file"] for step in render_steps] == ["src/app/router.tsx"]


def test_next_pages_router_with_a_modules_folder_named_app(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    # src/app holds providers, not routes (no page/layout files): the app uses the Pages Router, and
    # no step may name an App Router layout that does not exist.
    write_files(tmp_path, {
        "package.json": json.dumps({"name": "site", "private": True, "scripts": {"dev": "next dev"},
                                    "dependencies": {"next": "14.2.5", "react": "^18.3.1", "react-dom": "^18.3.1"}}, indent=2) + "\n",
        "tsconfig.json": "{}\n",
        "src/app/provider.tsx": "export function AppProvider({ children }: { children: React.ReactNode }) {\n  return <>{children}</>\n}\n",
        "src/app/pages/landing.tsx": "export const LandingPage = () => <h1>Welcome</h1>\n",
        "src/pages/_app.tsx": "import type { AppProps } from 'next/app'\nimport { AppProvider } from '@/app/provider'\n\nexport default function App({ Component, pageProps }: AppProps) {\n  return (\n    <AppProvider>\n      <Component {...pageProps} />\n    </AppProvider>\n  )\n}\n",
        "src/pages/index.tsx": "export { LandingPage as default } from '@/app/pages/landing'\n",
        "src/lib/auth.tsx": "export async function logout() {\n  await fetch('/api/auth/logout', { method: 'POST' })\n}\n",
    })
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "app")
    result = cli("install", str(tmp_path), "--workspace-id", WORKSPACE_ID, "--yes", "--no-install", "--dry-run", "--json")
    plan = json.loads(result.stdout)
    paths = {change["path"] for change in plan["changes"]}
    assert "src/pages/_app.tsx" in paths and "src/pages/api/intercom-jwt.ts" in paths
    assert not any(path.startswith("src/app/") for path in paths)
    for step in plan["manual_steps"]:
        assert (tmp_path / step["file"]).is_file() or step["file"] in paths, step
