"""Vue 2.7.16 with vue-router 3.6.5 (Vite 4.5.5, @vitejs/plugin-vue2 2.3.1, vue-tsc 1.8.27), for real:
the app type-checks and builds before and after the install, the built app passes `verify` in Chromium
(sign in, client-side navigation, sign out), and uninstall restores the app. The app is our own
fixture (vue2_support.py); the pins are also in docs/frontends-vue.md."""

import pytest
from built_spa import BuiltApp, build_installed_app, check_uninstall_restores, check_verifies_in_chromium
from vue2_support import FILES


@pytest.fixture(scope="module")
def vue2_app(tmp_path_factory: pytest.TempPathFactory) -> BuiltApp:
    return build_installed_app(tmp_path_factory, "vue-2.7", FILES)  # npm run build: vue-tsc, then vite build


def test_vue_2_plugin_type_checks_and_builds(vue2_app: BuiltApp) -> None:
    app, build = vue2_app.root, vue2_app.build
    assert "vue-tsc --noEmit && vite build" in build.stdout and "error" not in build.stdout.lower()
    main = (app / "src/main.ts").read_text()
    assert "Vue.config.productionTip = false;\n\nVue.use(intercomMessenger, { router });\nnew Vue({" in main
    assert "PluginObject<IntercomMessengerOptions>" in (app / "src/plugins/intercom.ts").read_text()
    auth = (app / "src/services/auth.ts").read_text()
    assert "void intercomLogin();" in auth and "intercomLogout();" in auth


def test_vue_2_app_passes_verification_in_chromium(vue2_app: BuiltApp) -> None:
    check_verifies_in_chromium(vue2_app)


def test_vue_2_uninstall_restores_the_app(vue2_app: BuiltApp) -> None:
    check_uninstall_restores(vue2_app)
