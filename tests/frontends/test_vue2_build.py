"""Vue 2.7.16 with vue-router 3.6.5 (Vite 4.5.5, @vitejs/plugin-vue2 2.3.1, vue-tsc 1.8.27), for real:
the app type-checks and builds before and after the install, the built app passes `verify` in Chromium
(sign in, client-side navigation, sign out), and uninstall restores the app. The app is our own
fixture (vue2_support.py); the pins are also in docs/frontends-vue.md."""

import os

import pytest
from conftest import WORKSPACE_ID, git, only_the_api_is_left
from spa_verify import verify_built_app
from test_vue import _npm, _scaffold_files, _tools_missing, _wizard
from vue2_support import FILES


@pytest.fixture(scope="module")
def vue2_app(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    missing = _tools_missing()
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"{missing} (required in CI)")
        pytest.skip(missing)
    app = tmp_path_factory.mktemp("vue-2.7") / "app"
    for name, text in FILES.items():
        (app / name).parent.mkdir(parents=True, exist_ok=True)
        (app / name).write_text(text)
    _npm(app, "install", "--no-audit", "--no-fund", "--prefer-offline")
    _npm(app, "run", "build")  # the app type-checks and builds before the wizard touches it
    git(app, "init", "-q")
    git(app, "add", "-A")
    git(app, "commit", "-qm", "vue 2.7 app")
    before = _scaffold_files(app)
    installed = _wizard("install", str(app), "--workspace-id", WORKSPACE_ID, "--yes", "--auth", "cookie")
    assert only_the_api_is_left(installed), installed.output  # the API is spa_server.py, not in the app
    return app, before, _npm(app, "run", "build")


def test_vue_2_plugin_type_checks_and_builds(vue2_app) -> None:  # type: ignore[no-untyped-def]
    app, _, build = vue2_app
    assert "vue-tsc --noEmit && vite build" in build.stdout and "error" not in build.stdout.lower()
    main = (app / "src/main.ts").read_text()
    assert "Vue.config.productionTip = false;\n\nVue.use(intercomMessenger, { router });\nnew Vue({" in main
    assert "PluginObject<IntercomMessengerOptions>" in (app / "src/plugins/intercom.ts").read_text()
    auth = (app / "src/services/auth.ts").read_text()
    assert "void intercomLogin();" in auth and "intercomLogout();" in auth


def test_vue_2_app_passes_verification_in_chromium(vue2_app) -> None:  # type: ignore[no-untyped-def]
    app, _, _ = vue2_app
    report, text = verify_built_app(app / "dist", app)
    assert report.exit_code == 0, text


def test_vue_2_uninstall_restores_the_app(vue2_app) -> None:  # type: ignore[no-untyped-def]
    app, before, _ = vue2_app
    removed = _wizard("uninstall", str(app), "--yes")
    assert removed.exit_code == 0, removed.output
    assert _scaffold_files(app) == before
