"""React 16.7.0 (before hooks) with React Router 4.3.1 (Vite 4.5.5, @vitejs/plugin-react 4.2.1 with the
classic JSX runtime, which React < 16.14 needs), for real: the class component builds, the built app
passes `verify` in Chromium (sign in, client-side navigation, sign out), and uninstall restores the
app. The app is the React Router 4 fixture (react_router4_support.py) pinned to React 16.7.0; the pins
are also in docs/frontends-react.md."""

import json

import pytest
from built_spa import BuiltApp, build_installed_app, check_uninstall_restores, check_verifies_in_chromium
from react_router4_support import FILES
from test_react import _own_output

REACT = "16.7.0"
VITE_CONFIG = "import { defineConfig } from 'vite';\nimport react from '@vitejs/plugin-react';\n\nexport default defineConfig({ plugins: [react({ jsxRuntime: 'classic' })] });\n"


@pytest.fixture(scope="module")
def react_16_7_app(tmp_path_factory: pytest.TempPathFactory) -> BuiltApp:
    manifest = json.loads(FILES["package.json"])
    manifest["dependencies"] |= {"react": REACT, "react-dom": REACT}
    files = FILES | {"package.json": json.dumps(manifest, indent=2) + "\n", "vite.config.js": VITE_CONFIG}
    return build_installed_app(tmp_path_factory, "react-16.7", files)


def test_class_component_builds_on_react_16_7(react_16_7_app: BuiltApp) -> None:
    app = react_16_7_app.root
    assert "error" not in _own_output(react_16_7_app.build).lower()
    assert json.loads((app / "node_modules/react/package.json").read_text())["version"] == REACT
    component = (app / "src/intercom/IntercomMessenger.jsx").read_text()
    assert "class IntercomMessengerOnRoutes extends Component {" in component and "useEffect" not in component


def test_react_16_7_app_passes_verification_in_chromium(react_16_7_app: BuiltApp) -> None:
    check_verifies_in_chromium(react_16_7_app)


def test_react_16_7_uninstall_restores_the_app(react_16_7_app: BuiltApp) -> None:
    check_uninstall_restores(react_16_7_app)
