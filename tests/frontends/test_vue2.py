"""Vue 2.6 / 2.7 with vue-router 3: a `Vue.use` plugin installed before `new Vue({ router, ... })`.

The entries are the shapes Vue 2 apps are written in (vue-cli's `new Vue({ router, render }).$mount`,
webpack apps with `el:`), our own fixtures; the build with the real toolchain is
tests/frontends/test_vue2_build.py."""

import json
from pathlib import Path

import pytest
from bands import band_diff
from test_vue import install_cycle, write

from intercom_wizard.edits import parse
from intercom_wizard.integrations.frontends.spa_common.core import core_source
from intercom_wizard.integrations.frontends.vue.babel6 import downlevel
from intercom_wizard.options import ClientAuth, InstallOptions, LoadStrategy, parse_workspace_id
from intercom_wizard.typescript import strip_types

VUE_2_7 = {"vue": "2.7.16", "vue-router": "3.6.5"}

ROUTER_JS = """
import Vue from 'vue';
import VueRouter from 'vue-router';
import HomeView from '../views/HomeView.vue';

Vue.use(VueRouter);

export default new VueRouter({
  mode: 'history',
  routes: [{ path: '/', component: HomeView }],
});
"""

AUTH_STORE_JS = """
export async function login(username, password) {
  const response = await fetch('/login', { method: 'POST', credentials: 'same-origin', body: JSON.stringify({ username, password }) });
  if (!response.ok) {
    throw new Error('Wrong username or password');
  }
}

export async function logout() {
  await fetch('/logout', { method: 'POST', credentials: 'same-origin' });
}
"""


def vue2_app(root: Path, main: str, *, dependencies: dict[str, str] | None = None, typescript: bool = False) -> Path:
    manifest = {"name": "vue2-app", "private": True, "dependencies": dependencies or VUE_2_7}
    if typescript:
        manifest["devDependencies"] = {"typescript": "4.9.5"}
    extension = "ts" if typescript else "js"
    files = {
        "package.json": json.dumps(manifest, indent=2) + "\n",
        f"src/main.{extension}": main,
        f"src/router/index.{extension}": ROUTER_JS,
        "src/App.vue": "<template>\n  <router-view />\n</template>\n",
        "src/views/HomeView.vue": "<template>\n  <h1>Home</h1>\n</template>\n",
        f"src/stores/auth.{extension}": AUTH_STORE_JS,
    }
    if typescript:
        files["tsconfig.json"] = '{ "compilerOptions": { "strict": true } }\n'
    write(root, files)
    return root


VUE_CLI_MAIN = """
import Vue from 'vue'
import App from './App.vue'
import router from './router'

Vue.config.productionTip = false

new Vue({
  router,
  render: (h) => h(App),
}).$mount('#app')
"""


def test_vue_cli_entry_gets_vue_use_before_the_root_instance(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    _, after = install_cycle(cli, vue2_app(tmp_path, VUE_CLI_MAIN))
    main = after["src/main.js"]
    assert "import { intercomMessenger } from './plugins/intercom'\n" in main
    assert "Vue.config.productionTip = false\n\nVue.use(intercomMessenger, { router })\nnew Vue({" in main
    plugin = after["src/plugins/intercom.js"]
    assert "options.router.afterEach(() => {" in plugin and "startIntercomMessenger();" in plugin
    # Vue 2: no Composition API, no app instance, no vue-router 4 types; JavaScript keeps no type import.
    for vue_3_only in ("createApp", "_app", "import type", "failure"):
        assert vue_3_only not in plugin, vue_3_only


def test_beside_the_apps_own_vue_use_and_with_the_routers_own_name(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    main = """
    import Vue from 'vue';
    import Vuelidate from 'vuelidate';
    import appRouter from './router';
    import App from './App.vue';

    Vue.use(Vuelidate);

    new Vue({
        el: '#app',
        router: appRouter,
        render: h => h(App)
    });
    """
    _, after = install_cycle(cli, vue2_app(tmp_path, main))
    assert "Vue.use(Vuelidate);\nVue.use(intercomMessenger, { router: appRouter });\n\nnew Vue({" in after["src/main.js"]


def test_router_declared_in_the_entry_is_passed_after_its_declaration(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    main = """
    import Vue from 'vue';
    import VueRouter from 'vue-router';
    import App from './App.vue';

    Vue.use(VueRouter);

    const router = new VueRouter({ mode: 'history', routes: [] });

    new Vue({ router, render: (h) => h(App) }).$mount('#app');
    """
    _, after = install_cycle(cli, vue2_app(tmp_path, main))
    # Not after `Vue.use(VueRouter)`: `router` would not be declared yet there.
    assert "const router = new VueRouter({ mode: 'history', routes: [] });\n\nVue.use(intercomMessenger, { router });\nnew Vue(" in after["src/main.js"]


def test_typescript_vue_2_6_gets_typed_plugin(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    _, after = install_cycle(cli, vue2_app(tmp_path, VUE_CLI_MAIN, dependencies={"vue": "^2.6.14", "vue-router": "^3.5.1"}, typescript=True))
    plugin = after["src/plugins/intercom.ts"]
    assert "import type { PluginObject } from 'vue';" in plugin and "import type VueRouter from 'vue-router';" in plugin
    assert "export const intercomMessenger: PluginObject<IntercomMessengerOptions> = {" in plugin


def test_without_vue_router_the_plugin_takes_no_options(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    main = "import Vue from 'vue'\nimport App from './App.vue'\n\nnew Vue({ render: (h) => h(App) }).$mount('#app')\n"
    root = vue2_app(tmp_path, main, dependencies={"vue": "2.7.16"})
    (root / "src/router/index.js").unlink()
    _, after = install_cycle(cli, root)
    assert "Vue.use(intercomMessenger)\nnew Vue({ render" in after["src/main.js"]
    assert "afterEach" not in after["src/plugins/intercom.js"]


def test_entry_without_new_vue_prints_the_line(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    main = "import { bootstrap } from './bootstrap'\n\nbootstrap()\n"
    result, after = install_cycle(cli, vue2_app(tmp_path, main), exit_code=4)
    text = " ".join(result.stderr.split())
    assert "No `new Vue(...)`" in text and "Vue.use(intercomMessenger, { router })" in text
    assert after["src/main.js"] == main.lstrip("\n")


def test_vue_2_7_golden(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    root = vue2_app(tmp_path, VUE_CLI_MAIN)
    band_diff(cli, root, "vue-2.7", "--backend", "none", "--auth", "cookie", exit_code=4)  # its API is elsewhere


def test_vue_before_2_6_is_refused_with_the_range(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    root = vue2_app(tmp_path, VUE_CLI_MAIN, dependencies={"vue": "^2.5.17", "vue-router": "^3.0.1"})
    before = {path: path.read_bytes() for path in root.rglob("*") if path.is_file()}
    result = cli("install", str(root), "--workspace-id", "abc12345", "--yes", "--no-install", "--backend", "none")
    assert result.exit_code == 2, result.output
    assert "Vue 2.5.17" in " ".join(result.stderr.split()) and ">= 2.6, < 4.0" in result.stderr
    assert {path: path.read_bytes() for path in root.rglob("*") if path.is_file()} == before


def _babel_6_app(root: Path) -> Path:
    """The corpus app vue2-role-auth's build, in small: webpack 4 with babel-core 6, a JavaScript entry."""
    vue2_app(root, VUE_CLI_MAIN, dependencies={"vue": "^2.6.8", "vue-router": "^3.0.2"})
    manifest = json.loads((root / "package.json").read_text())
    manifest["devDependencies"] = {"babel-core": "^6.26.0", "babel-loader": "^7.1.5", "webpack": "^4.29.6"}
    (root / "package.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return root


def test_babel_6_app_gets_a_core_it_compiles_and_the_regenerator_runtime_first(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    _, after = install_cycle(cli, _babel_6_app(tmp_path))
    assert after["src/main.js"].startswith("import 'regenerator-runtime/runtime'\nimport Vue from 'vue'\n")  # in the entry's style: no semicolons
    assert json.loads(after["package.json"])["dependencies"]["regenerator-runtime"] == "^0.13.11"
    core = after["src/intercom/messenger.js"]
    for newer in ("?.", "??", "catch {", "extends Error", "await import("):
        assert newer not in core, newer
    assert "catch (_error) {" in core and "EndpointMissing.prototype = Object.create(Error.prototype);" in core


def test_babel_6_app_builds_its_token_url_on_a_webpack_external(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    """vue2-role-auth-api: its API's origin is `config.apiUrl`, a webpack external; the Babel 6 core reads
    it too (before, the Babel 6 path never looked for the app's API base)."""
    root = _babel_6_app(tmp_path)
    write(root, {
        "webpack.config.js": "module.exports = {\n  externals: {\n    config: JSON.stringify({ apiUrl: 'http://localhost:4000' })\n  }\n};\n",
        "src/_services/user.service.js": "import config from 'config';\n\nexport function getAll(token) {\n"
                                         "  return fetch(`${config.apiUrl}/users`, { headers: { Authorization: `Bearer ${token}` } });\n}\n",
    })
    _, after = install_cycle(cli, root)
    core = after["src/intercom/messenger.js"]
    assert "import APP_CONFIG from 'config'" in core and "const APP_API_BASE = APP_CONFIG.apiUrl" in core
    assert "fetchTokenWithRetry(tokenUrl(TOKEN_URL))" in core and "?." not in core


@pytest.mark.parametrize("bearer", [False, True])
@pytest.mark.parametrize("load", list(LoadStrategy))
@pytest.mark.parametrize("anonymous", [False, True])
def test_downlevel_handles_every_variant_of_the_core(bearer: bool, load: LoadStrategy, anonymous: bool) -> None:
    options = InstallOptions(
        workspace=parse_workspace_id("abc12345"), load=load,
        auth=ClientAuth.BEARER if bearer else None, token_storage_key="access_token" if bearer else None,
    )
    javascript = downlevel(strip_types(core_source(options, anonymous_only=anonymous, sdk_import="static")))
    assert "?." not in javascript and "??" not in javascript and "catch {" not in javascript
    assert not parse(javascript, "javascript").find(kind="ERROR")


def test_downlevel_refuses_a_chain_it_cannot_rewrite() -> None:
    with pytest.raises(ValueError, match="optional chain"):
        downlevel("const a = b.c?.d;\n")
