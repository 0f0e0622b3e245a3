"""React Router 4.3.1 on React 16.14 (Vite 4.5.5), for real: the app builds before and after the install,
the built app passes `verify` in Chromium (sign in, client-side navigation, sign out), and uninstall
restores the app. Pins: the package.json in react_router4_support.py (also docs/frontends-react.md)."""

import os

import pytest
from conftest import WORKSPACE_ID, git, only_the_api_is_left
from react_router4_support import FILES
from spa_verify import verify_built_app
from test_react import _npm, _own_output, _scaffold_files, _tools_missing, _wizard


@pytest.fixture(scope="module")
def router_4_app(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    missing = _tools_missing()
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"{missing} (required in CI)")
        pytest.skip(missing)
    app = tmp_path_factory.mktemp("react-router-4") / "app"
    for name, text in FILES.items():
        (app / name).parent.mkdir(parents=True, exist_ok=True)
        (app / name).write_text(text)
    _npm(app, "install", "--no-audit", "--no-fund", "--prefer-offline")
    _npm(app, "run", "build")  # the app builds before the wizard touches it
    git(app, "init", "-q")
    git(app, "add", "-A")
    git(app, "commit", "-qm", "react router 4 app")
    before = _scaffold_files(app)
    installed = _wizard("install", str(app), "--workspace-id", WORKSPACE_ID, "--yes", "--auth", "cookie")
    assert only_the_api_is_left(installed), installed.stdout + installed.stderr  # the API is spa_server.py, not in the app
    return app, before, _npm(app, "run", "build")


def test_router_4_idiom_builds(router_4_app) -> None:  # type: ignore[no-untyped-def]
    app, _, build = router_4_app
    assert "error" not in _own_output(build).lower()
    component = (app / "src/intercom/IntercomMessenger.jsx").read_text()
    assert "withRouter(IntercomMessengerOnRoutes)" in component and "useLocation" not in component.replace("has no useLocation()", "")
    assert "  <BrowserRouter>\n    <>\n    <IntercomMessenger />\n    <App />\n    </>\n  </BrowserRouter>," in (app / "src/main.jsx").read_text()


def test_router_4_app_passes_verification_in_chromium(router_4_app) -> None:  # type: ignore[no-untyped-def]
    app, _, _ = router_4_app
    report, text = verify_built_app(app / "dist", app)
    assert report.exit_code == 0, text


def test_router_4_uninstall_restores_the_app(router_4_app) -> None:  # type: ignore[no-untyped-def]
    app, before, _ = router_4_app
    removed = _wizard("uninstall", str(app), "--yes")
    assert removed.returncode == 0, removed.stdout + removed.stderr
    assert _scaffold_files(app) == before
