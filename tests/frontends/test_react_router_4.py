"""React Router 4.3.1 on React 16.14 (Vite 4.5.5), for real: the app builds before and after the install,
the built app passes `verify` in Chromium (sign in, client-side navigation, sign out), and uninstall
restores the app. Pins: the package.json in react_router4_support.py (also docs/frontends-react.md)."""

import pytest
from built_spa import BuiltApp, build_installed_app, check_uninstall_restores, check_verifies_in_chromium
from react_router4_support import FILES
from test_react import _own_output


@pytest.fixture(scope="module")
def router_4_app(tmp_path_factory: pytest.TempPathFactory) -> BuiltApp:
    return build_installed_app(tmp_path_factory, "react-router-4", FILES)


def test_router_4_idiom_builds(router_4_app: BuiltApp) -> None:
    app = router_4_app.root
    assert "error" not in _own_output(router_4_app.build).lower()
    component = (app / "src/intercom/IntercomMessenger.jsx").read_text()
    assert "withRouter(IntercomMessengerOnRoutes)" in component and "useLocation" not in component.replace("has no useLocation()", "")
    assert "  <BrowserRouter>\n    <>\n    <IntercomMessenger />\n    <App />\n    </>\n  </BrowserRouter>," in (app / "src/main.jsx").read_text()


def test_router_4_app_passes_verification_in_chromium(router_4_app: BuiltApp) -> None:
    check_verifies_in_chromium(router_4_app)


def test_router_4_uninstall_restores_the_app(router_4_app: BuiltApp) -> None:
    check_uninstall_restores(router_4_app)
