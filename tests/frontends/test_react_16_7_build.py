"""React 16.7.0 (before hooks) with React Router 4.3.1 (Vite 4.5.5, @vitejs/plugin-react 4.2.1 with the
classic JSX runtime, which React < 16.14 needs), for real: the class component builds, the built app
passes `verify` in Chromium (sign in, client-side navigation, sign out), and uninstall restores the
app. The app is the React Router 4 fixture (react_router4_support.py) pinned to React 16.7.0; the pins
are also in docs/frontends-react.md."""

import json
import os

import pytest
from conftest import WORKSPACE_ID, git, only_the_api_is_left
from react_router4_support import FILES
from spa_verify import verify_built_app
from test_react import _npm, _own_output, _scaffold_files, _tools_missing, _wizard

REACT = "16.7.0"
VITE_CONFIG = "import { defineConfig } from 'vite';\nimport react from '@vitejs/plugin-react';\n\nexport default defineConfig({ plugins: [react({ jsxRuntime: 'classic' })] });\n"


@pytest.fixture(scope="module")
def react_16_7_app(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    missing = _tools_missing()
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"{missing} (required in CI)")
        pytest.skip(missing)
    app = tmp_path_factory.mktemp("react-16.7") / "app"
    manifest = json.loads(FILES["package.json"])
    manifest["dependencies"] |= {"react": REACT, "react-dom": REACT}
    files = FILES | {"package.json": json.dumps(manifest, indent=2) + "\n", "vite.config.js": VITE_CONFIG}
    for name, text in files.items():
        (app / name).parent.mkdir(parents=True, exist_ok=True)
        (app / name).write_text(text)
    _npm(app, "install", "--no-audit", "--no-fund", "--prefer-offline")
    _npm(app, "run", "build")  # the app builds before the wizard touches it
    git(app, "init", "-q")
    git(app, "add", "-A")
    git(app, "commit", "-qm", "react 16.7 app")
    before = _scaffold_files(app)
    installed = _wizard("install", str(app), "--workspace-id", WORKSPACE_ID, "--yes", "--auth", "cookie")
    assert only_the_api_is_left(installed), installed.stdout + installed.stderr  # the API is spa_server.py, not in the app
    return app, before, _npm(app, "run", "build")


def test_class_component_builds_on_react_16_7(react_16_7_app) -> None:  # type: ignore[no-untyped-def]
    app, _, build = react_16_7_app
    assert "error" not in _own_output(build).lower()
    assert json.loads((app / "node_modules/react/package.json").read_text())["version"] == REACT
    component = (app / "src/intercom/IntercomMessenger.jsx").read_text()
    assert "class IntercomMessengerOnRoutes extends Component {" in component and "useEffect" not in component


def test_react_16_7_app_passes_verification_in_chromium(react_16_7_app) -> None:  # type: ignore[no-untyped-def]
    app, _, _ = react_16_7_app
    report, text = verify_built_app(app / "dist", app)
    assert report.exit_code == 0, text


def test_react_16_7_uninstall_restores_the_app(react_16_7_app) -> None:  # type: ignore[no-untyped-def]
    app, before, _ = react_16_7_app
    removed = _wizard("uninstall", str(app), "--yes")
    assert removed.returncode == 0, removed.stdout + removed.stderr
    assert _scaffold_files(app) == before
