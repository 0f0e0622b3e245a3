"""Vue 3: the Messenger as a Vue plugin, installed in the app's entry (`main.ts` / `main.js`).

Files written (TypeScript, or JavaScript for JavaScript projects):
- `src/intercom/messenger.ts`: the framework-agnostic core (spa_common), which declares the SDK;
- `src/plugins/intercom.ts`: a plugin that starts the Messenger when installed (client-side only:
  the core does nothing during server-side rendering) and, given the app's router, reports each
  completed navigation from `router.afterEach`.

The entry gets one import and `app.use(intercomMessenger, { router })` before `app.mount(...)`,
on the app variable (`const app = createApp(App)`) or in a chain
(`createApp(App).use(router).mount('#app')`). Login and logout hooks are wired into the app's own
functions (Pinia actions, composables, Options API methods, `<script setup>` functions) by
spa_common. Every anchor is found with ast-grep; when one is missing, the exact line is printed.

Vue 2.6/2.7 (vue-router 3) get a Vue 2 plugin instead, installed with `Vue.use(intercomMessenger,
{ router })` before `new Vue({ router, ... })` (`vue2`).

The package's modules: `entry` (the entry file and its mount call), `router` (the router the app
installs), `install` (the edit to the entry), `vue2` (the Vue 2 entry); the plugin's source is
templates/vue/.
"""

import re
from dataclasses import dataclass

from intercom_wizard.edits import parse
from intercom_wizard.integrations.base import Detection, FrontendDetails, PlanContext
from intercom_wizard.integrations.frontends.spa import framework_apps, uses_typescript
from intercom_wizard.integrations.frontends.spa_common import SpaApp, core_module, import_path, spa_app, wire_auth_hooks
from intercom_wizard.integrations.frontends.vue.babel6 import babel6_core_module, import_runtime_first, uses_babel_6
from intercom_wizard.integrations.frontends.vue.entry import find_entry, find_mount
from intercom_wizard.integrations.frontends.vue.install import PLUGIN, install_plugin
from intercom_wizard.integrations.frontends.vue.router import find_router
from intercom_wizard.integrations.frontends.vue.vue2 import (
    FIRST_VUE_3,
    VUE2_PLUGIN_TEMPLATE,
    VUE2_PLUGIN_WITHOUT_ROUTER_TEMPLATE,
    find_root_instance,
    install_vue2_plugin,
    use_call,
)
from intercom_wizard.integrations.package_json import manifest_of, read_package_json
from intercom_wizard.support import Supported, SupportTable
from intercom_wizard.templates import render
from intercom_wizard.tree import ProjectTree, join
from intercom_wizard.typescript import strip_types
from intercom_wizard.versions import npm_version

__all__ = ["CSP_NONCE_NOTE", "DOC", "NAME", "PACKAGES", "SOURCE_SUFFIXES", "SUPPORTED", "VueDetails", "detect", "plan", "plugin_source"]

NAME = "vue"
# The package.json dependencies that make an app a Vue app, most specific first.
PACKAGES: tuple[str, ...] = ("vue",)
# The kinds of file this integration creates or edits (login/logout hooks go into components too).
SOURCE_SUFFIXES: tuple[str, ...] = (".ts", ".js", ".mts", ".mjs", ".vue")
# Its page under docs/.
DOC: str | None = "docs/frontends-vue.md"
# The versions this integration generates code for (docs list the same table).
SUPPORTED: SupportTable = (
    Supported("Vue", "npm", "vue", (2, 6), (4, 0)),  # Vue 2.6/2.7 get a `Vue.use` plugin (vue2.py)
    # 3.x for Vue 2; 5.x keeps the 4.x API (the e2e scaffold resolves 5.5)
    Supported("vue-router", "npm", "vue-router", (3, 0), (6, 0), optional=True),
)
# --csp-nonce: a built single-page app is static files, so its nonce comes from what serves index.html.
CSP_NONCE_NOTE = (
    "Vite writes nonce=\"<your placeholder>\" on the tags of index.html when `html.cspNonce` is set in vite.config; "
    "the server that sends index.html swaps the placeholder for the request's nonce."
)
SOURCE_DIR = "src"


@dataclass(frozen=True, kw_only=True)
class VueDetails(FrontendDetails):
    entry: str | None = None  # the module index.html loads, else src/main.* and friends; None = not found


def detect(tree: ProjectTree) -> list[Detection[VueDetails]]:
    return [Detection(NAME, "frontend", app.folder, app.evidence, details_of(tree, app.folder)) for app in framework_apps(tree, NAME)]


def details_of(tree: ProjectTree, root: str) -> VueDetails:
    """What detection knows of the Vue app in `root`."""
    manifest = read_package_json(tree, manifest_of(tree, root))
    return VueDetails(typescript=uses_typescript(tree, root, manifest), entry=find_entry(tree, root, join(root, SOURCE_DIR)))


def _details(tree: ProjectTree, detection: Detection[VueDetails]) -> VueDetails:
    found: object = detection.details
    # `--frontend vue` plans a Detection the planner made itself, without details.
    return found if isinstance(found, VueDetails) else details_of(tree, detection.root)


def plan(context: PlanContext, detection: Detection[VueDetails]) -> None:
    app = spa_app(context.tree, detection, SOURCE_DIR)
    core_path = join(app.source_dir, "intercom/messenger" + app.extension)
    plugin_path = join(app.source_dir, "plugins/intercom" + app.extension)
    entry = _details(context.tree, detection).entry
    if uses_babel_6(context.tree, app.root, app):
        babel6_core_module(context, app, core_path)
        if entry:
            import_runtime_first(context, entry)
    else:
        core_module(context, app, core_path)
    vue = npm_version(context.tree, app.root, "vue")
    if vue is not None and vue.below(*FIRST_VUE_3):
        _plan_vue2(context, app, entry, core_path, plugin_path)
        return
    mount = find_mount(context.tree, entry) if entry else None
    router = find_router(context.tree, mount) if mount else None
    has_router = app.depends_on("vue-router")
    passes_router = router is not None or (mount is None and has_router)
    use_call = f"use({PLUGIN}, {{ {_router_option(router)} }})" if passes_router else f"use({PLUGIN})"

    context.builder.create(
        plugin_path,
        plugin_source(app, has_router, import_path(plugin_path, core_path)),
        "a Vue plugin that starts the Messenger" + (" and reports router navigations to it" if has_router else ""),
    )

    if mount is None:
        where = f"in {entry}" if entry else "in your app's entry (src/main.ts or src/main.js)"
        context.builder.manual(
            entry or join(app.source_dir, "main" + app.extension),
            f"No `createApp(...)...mount(...)` was found {where}. Import the plugin from {plugin_path} and "
            "install it on your app before it is mounted:",
            f"app.{use_call}",
        )
    else:
        install_plugin(context, mount, plugin_path, use_call)
        if router is None and has_router:
            context.builder.note(
                f"vue-router is a dependency, but no router is installed on the app in {mount.file}: the plugin reports "
                "the navigations of a router installed on the app before it elsewhere (`app.config.globalProperties"
                ".$router`, e.g. by a plugins function), else the Messenger is started without page-change updates. "
                "Once the app uses a router, install the plugin with "
                f"`app.use({PLUGIN}, {{ router }})` instead (the plugin in {plugin_path} accepts it).",
                "warning",
            )
    wire_auth_hooks(context, app, core_path, likely_file=likely_auth_file(context.tree, app, entry))


def _plan_vue2(context: PlanContext, app: SpaApp, entry: str | None, core_path: str, plugin_path: str) -> None:
    """Vue 2: the plugin goes on the constructor (`Vue.use`) before `new Vue({ router, ... })`."""
    instance = find_root_instance(context.tree, entry) if entry else None
    has_router = app.depends_on("vue-router")
    context.builder.create(
        plugin_path,
        plugin_source(app, has_router, import_path(plugin_path, core_path), vue2=True),
        "a Vue 2 plugin that starts the Messenger" + (" and reports router navigations to it" if has_router else ""),
    )
    if instance is None:
        where = f"in {entry}" if entry else "in your app's entry (src/main.js or src/main.ts)"
        context.builder.manual(
            entry or join(app.source_dir, "main" + app.extension),
            f"No `new Vue(...)` on the constructor imported from 'vue' was found {where}. Import the plugin from "
            f"{plugin_path} and install it before the root instance is created:",
            f"Vue.{use_call(None, has_router)}",
        )
    else:
        install_vue2_plugin(context, instance, plugin_path)
        if instance.router is None and has_router:
            context.builder.note(
                f"vue-router is a dependency, but `new Vue(...)` in {instance.file} gets no `router` variable; the Messenger "
                f"is started without page-change updates. Pass the router to the plugin (`{instance.vue}.use({PLUGIN}, "
                "{ router })`) to report navigations.",
                "warning",
            )
    wire_auth_hooks(context, app, core_path, likely_file=likely_auth_file(context.tree, app, entry))


def plugin_source(app: SpaApp, has_router: bool, core_import: str, *, vue2: bool = False) -> str:
    """The plugin (templates/vue/), as TypeScript or, for a JavaScript app, without its types."""
    if vue2:
        template = VUE2_PLUGIN_TEMPLATE if has_router else VUE2_PLUGIN_WITHOUT_ROUTER_TEMPLATE
    else:
        template = "vue/intercom-plugin.ts" if has_router else "vue/intercom-plugin-without-router.ts"
    source = render(template, core_import=core_import)
    return source if app.typescript else without_type_imports(strip_types(source))


def _router_option(router: str | None) -> str:
    return "router" if router in (None, "router") else f"router: {router}"


def without_type_imports(javascript: str) -> str:
    """Drop `import type ...` lines, which strip_types keeps (they are type-only syntax too)."""
    root = parse(javascript, "typescript")
    for statement in reversed(root.find_all(kind="import_statement")):
        if statement.text().startswith("import type "):
            start, end = statement.range().start.index, statement.range().end.index
            end = javascript.find("\n", end) + 1 or len(javascript)
            if javascript[start - 3 : start] == "*/\n" and javascript[end : end + 1] == "\n":
                end += 1  # the blank line that separated the type imports from the others
            javascript = javascript[:start] + javascript[end:]
    return javascript


# Code that signs users in or out, or keeps what proves it (a token, a session).
SIGN_IN_WORDS = re.compile(r"log_?in|log_?out|sign_?in|sign_?out|token|session", re.IGNORECASE)


def likely_auth_file(tree: ProjectTree, app: SpaApp, entry: str | None) -> str:
    """Where a logout/login most likely lives when none was found: an auth/user store, else App.vue.
    Only a module whose code speaks of signing in or out counts (not an icon named `UserAvatar.vue`)."""
    candidates = [
        path
        for path in tree.glob(".ts", ".js", ".vue", under=app.source_dir)
        if "intercom" not in path
        and any(word in path.lower() for word in ("auth", "session", "user", "account"))
        and SIGN_IN_WORDS.search(tree.text(path))
    ]
    stores = [path for path in candidates if "/stores/" in path or "/store/" in path]
    if stores or candidates:
        return (stores or candidates)[0]
    app_component = join(app.source_dir, "App.vue")
    return app_component if tree.exists(app_component) else entry or app_component