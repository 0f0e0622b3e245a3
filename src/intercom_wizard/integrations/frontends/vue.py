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
"""

import posixpath
from dataclasses import dataclass

from ast_grep_py import SgNode

from intercom_wizard.edits import insert_lines_after, insert_lines_before, last_import, parse, starts_line
from intercom_wizard.integrations.base import Detection, PlanContext
from intercom_wizard.integrations.frontends.spa import detect_framework
from intercom_wizard.integrations.frontends.spa_common import SpaApp, core_module, import_path, spa_app, wire_auth_hooks
from intercom_wizard.plan import Insertion
from intercom_wizard.sourcefile import SourceText
from intercom_wizard.support import Supported, SupportTable
from intercom_wizard.templates import render
from intercom_wizard.tree import ProjectTree, join
from intercom_wizard.typescript import strip_types

NAME = "vue"
# The versions this integration generates code for (docs list the same table).
SUPPORTED: SupportTable = (
    Supported("Vue", "npm", "vue", (3, 0), (4, 0)),
    Supported("vue-router", "npm", "vue-router", (4, 0), (6, 0), optional=True),  # 5.x keeps the 4.x API (the e2e scaffold resolves 5.5)
)
# --csp-nonce: a built single-page app is static files, so its nonce comes from what serves index.html.
CSP_NONCE_NOTE = (
    "Vite writes nonce=\"<your placeholder>\" on the tags of index.html when `html.cspNonce` is set in vite.config; "
    "the server that sends index.html swaps the placeholder for the request's nonce."
)
PLUGIN = "intercomMessenger"
APP_FACTORIES = ("createApp", "createSSRApp")
ENTRY_NAMES = ("main", "index", "app", "entry-client")
SCRIPT_SUFFIXES = (".ts", ".mts", ".js", ".mjs")
RESOLVED_SUFFIXES = ("", ".ts", ".js", ".mts", ".mjs", "/index.ts", "/index.js")


def detect(tree: ProjectTree) -> list[Detection]:
    return detect_framework(tree, NAME)


def plan(context: PlanContext, detection: Detection) -> None:
    app = spa_app(context.tree, detection)
    core_path = join(app.source_dir, "intercom/messenger" + app.extension)
    plugin_path = join(app.source_dir, "plugins/intercom" + app.extension)
    core_module(context, app, core_path)

    entry = _find_entry(context.tree, app)
    mount = _find_mount(context.tree, entry) if entry else None
    router = _find_router(context.tree, mount) if mount else None
    has_router = app.depends_on("vue-router")
    passes_router = router is not None or (mount is None and has_router)
    use_call = f"use({PLUGIN}, {{ {_router_option(router)} }})" if passes_router else f"use({PLUGIN})"

    template = "spa/vue/intercom-plugin.ts" if has_router else "spa/vue/intercom-plugin-without-router.ts"
    source = render(template, core_import=import_path(plugin_path, core_path))
    context.builder.create(
        plugin_path,
        source if app.typescript else _without_type_imports(strip_types(source)),
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
        _install_plugin(context, mount, plugin_path, use_call)
        if router is None and has_router:
            context.builder.note(
                f"vue-router is a dependency, but no router is installed on the app in {mount.file}; the Messenger "
                "is started without page-change updates. Once the app uses a router, install the plugin with "
                f"`app.use({PLUGIN}, {{ router }})` instead (the plugin in {plugin_path} accepts it).",
                "warning",
            )
    wire_auth_hooks(context, app, core_path, likely_file=_likely_auth_file(context.tree, app, entry))


def _router_option(router: str | None) -> str:
    return "router" if router in (None, "router") else f"router: {router}"


# --- the entry file and its createApp(...) ... .mount(...) ------------------------------------


@dataclass(frozen=True)
class Mount:
    file: str
    call: SgNode  # the `.mount(...)` call expression
    app_variable: str | None  # `app` in `const app = createApp(App)`; None for a chain off createApp()
    root: SgNode  # the parsed program


def _find_entry(tree: ProjectTree, app: SpaApp) -> str | None:
    """The module index.html loads (Vite), else src/main.* and friends, else a file calling createApp."""
    html = join(app.root, "index.html")
    if tree.exists(html):
        for script in parse(tree.text(html), "html").find_all(kind="script_element"):
            for attribute in script.find_all(kind="attribute"):
                name = attribute.find(kind="attribute_name")
                value = attribute.find(kind="attribute_value")
                if name is None or value is None or name.text() != "src":
                    continue
                path = join(app.root, value.text().lstrip("/"))
                if path.endswith(SCRIPT_SUFFIXES) and tree.exists(path):
                    return path
    for name in ENTRY_NAMES:
        for suffix in SCRIPT_SUFFIXES:
            path = join(app.source_dir, name + suffix)
            if tree.exists(path):
                return path
    for path in tree.glob(*SCRIPT_SUFFIXES, under=app.source_dir):
        if "intercom" not in path and _root_of(path, tree.text(path)).find(any=_factory_rules()) is not None:
            return path
    return None


def _root_of(path: str, text: str) -> SgNode:
    return parse(text, "typescript")  # entries are .ts/.js: the TypeScript grammar reads both


def _factory_rules() -> list[dict[str, object]]:
    return [{"pattern": f"{factory}($$$)"} for factory in APP_FACTORIES]


def _find_mount(tree: ProjectTree, path: str) -> Mount | None:
    root = _root_of(path, tree.text(path))
    for call in root.find_all(kind="call_expression"):
        function = call.field("function")
        if function is None or function.kind() != "member_expression":
            continue
        prop = function.field("property")
        if prop is None or prop.text() != "mount":
            continue
        base = _chain_base(function.field("object"))
        if base is None:
            continue
        if base.kind() == "call_expression" and _is_factory_call(base):
            return Mount(path, call, None, root)
        if base.kind() == "identifier" and _created_by_factory(root, base.text()):
            return Mount(path, call, base.text(), root)
    return None


def _chain_base(node: SgNode | None) -> SgNode | None:
    """The start of a call chain: `createApp(App)` in `createApp(App).use(router).mount`, `app` in `app.use(x).mount`."""
    while node is not None and node.kind() == "call_expression":
        function = node.field("function")
        if function is None:
            return None
        if function.kind() != "member_expression":
            return node
        node = function.field("object")
    if node is not None and node.kind() == "parenthesized_expression":
        return None
    return node


def _is_factory_call(call: SgNode) -> bool:
    function = call.field("function")
    return function is not None and function.kind() == "identifier" and function.text() in APP_FACTORIES


def _created_by_factory(root: SgNode, name: str) -> bool:
    for declarator in root.find_all(kind="variable_declarator"):
        declared, value = declarator.field("name"), declarator.field("value")
        if declared is None or value is None or declared.text() != name:
            continue
        base = _chain_base(value) if value.kind() == "call_expression" else None
        if base is not None and base.kind() == "call_expression" and _is_factory_call(base):
            return True
    return False


# --- the router --------------------------------------------------------------------------------


def _find_router(tree: ProjectTree, mount: Mount) -> str | None:
    """The router the app installs: an argument of `.use(...)` bound to a `createRouter(...)` result."""
    for argument in _plugins_used(mount):
        if argument.kind() == "identifier" and _is_router_binding(tree, mount, argument.text()):
            return argument.text()
    return None


def _plugins_used(mount: Mount) -> list[SgNode]:
    """First arguments of `.use(...)` on the mounted app (in the mount chain or on the app variable)."""
    found = []
    for call in mount.root.find_all(kind="call_expression"):
        function = call.field("function")
        if function is None or function.kind() != "member_expression":
            continue
        prop = function.field("property")
        if prop is None or prop.text() != "use":
            continue
        base = _chain_base(function.field("object"))
        if base is None:
            continue
        ours = (
            base.text() == mount.app_variable
            if mount.app_variable
            else base.kind() == "call_expression" and _is_factory_call(base) and _contains(mount.call, call)
        )
        arguments = call.field("arguments")
        first = next((a for a in arguments.children() if a.kind() not in ("(", ")", ",")), None) if arguments else None
        if ours and first is not None:
            found.append(first)
    return found


def _contains(outer: SgNode, inner: SgNode) -> bool:
    return outer.range().start.index <= inner.range().start.index and inner.range().end.index <= outer.range().end.index


def _is_router_binding(tree: ProjectTree, mount: Mount, name: str) -> bool:
    for declarator in mount.root.find_all(kind="variable_declarator"):
        declared, value = declarator.field("name"), declarator.field("value")
        if declared is not None and declared.text() == name and value is not None:
            return value.find(pattern="createRouter($$$)") is not None or value.text().startswith("createRouter(")
    for statement in mount.root.find_all(kind="import_statement"):
        source = statement.field("source")
        if source is None or not any(_binds(node, name) for node in statement.find_all(kind="import_clause")):
            continue
        specifier = source.text()[1:-1]
        if not specifier.startswith(".") and not specifier.startswith("@/"):
            return False
        module = _resolve(tree, mount.file, specifier)
        return module is not None and _root_of(module, tree.text(module)).find(pattern="createRouter($$$)") is not None
    return False


def _binds(clause: SgNode, name: str) -> bool:
    """Whether an import clause binds `name` (default, named, or `as` alias)."""
    for child in clause.children():
        if child.kind() == "identifier" and child.text() == name:
            return True
        if child.kind() == "named_imports":
            for specifier in child.find_all(kind="import_specifier"):
                alias = specifier.field("alias") or specifier.field("name")
                if alias is not None and alias.text() == name:
                    return True
    return False


def _resolve(tree: ProjectTree, importer: str, specifier: str) -> str | None:
    if specifier.startswith("@/"):
        base = posixpath.join("src", specifier[2:])
        folder = importer.split("src/", 1)[0] if "src/" in importer else ""
        base = posixpath.join(folder, base) if folder else base
    else:
        base = posixpath.normpath(posixpath.join(posixpath.dirname(importer), specifier))
    return next((base + suffix for suffix in RESOLVED_SUFFIXES if tree.exists(base + suffix) and (base + suffix).endswith(SCRIPT_SUFFIXES)), None)


# --- the edit to the entry --------------------------------------------------------------------


def _install_plugin(context: PlanContext, mount: Mount, plugin_path: str, use_call: str) -> None:
    source = context.tree.read(mount.file)
    # The new import follows the file's own style: its quotes and whether statements end with `;`.
    anchor = last_import(mount.root, "typescript")
    anchor_source = anchor.field("source") if anchor is not None else None
    quote = '"' if anchor_source is not None and anchor_source.text().startswith('"') else "'"
    semicolon = ";" if anchor is not None and anchor.text().rstrip().endswith(";") else ""
    specifier = import_path(mount.file, plugin_path)
    statement = f"import {{ {PLUGIN} }} from {quote}{specifier}{quote}{semicolon}"

    if mount.app_variable is None:
        use = _chained_use(source, mount, use_call)
    else:
        use = _statement_use(source, mount, use_call, semicolon)
    insertions = [use]
    if anchor is not None:
        insertions.append(insert_lines_after(source, anchor.range().end.index, statement))
    else:
        insertions.append(Insertion(0, source.native(statement + "\n")))
    context.builder.insert(mount.file, insertions, "installs the Messenger plugin on the Vue app before it is mounted")


def _chained_use(source: SourceText, mount: Mount, use_call: str) -> Insertion:
    """`.use(intercomMessenger, { router })` just before `.mount(...)` in the chain off createApp()."""
    member = mount.call.field("function")
    assert member is not None
    receiver = member.field("object")
    prop = member.field("property")
    assert receiver is not None and prop is not None
    text = source.text
    dot = text.rfind(".", receiver.range().end.index, prop.range().start.index)
    if starts_line(text, dot):
        return insert_lines_before(source, dot, f".{use_call}")
    return Insertion(receiver.range().end.index, f".{use_call}")


def _statement_use(source: SourceText, mount: Mount, use_call: str, semicolon: str) -> Insertion:
    """`app.use(intercomMessenger, { router })` after the app's last `app.use(...)`, else before the mount."""
    statement = _top_level(mount.call)
    line = f"{mount.app_variable}.{use_call}"
    previous = None
    for node in mount.root.children():
        if node.range().start.index >= statement.range().start.index:
            break
        if node.kind() == "expression_statement" and _is_use_on(node, mount.app_variable or ""):
            previous = node
    if previous is not None:
        ends_with_semicolon = ";" if previous.text().rstrip().endswith(";") else ""
        return insert_lines_after(source, previous.range().end.index, line + ends_with_semicolon)
    ends_with_semicolon = ";" if statement.text().rstrip().endswith(";") else semicolon
    return insert_lines_before(source, statement.range().start.index, line + ends_with_semicolon)


def _is_use_on(statement: SgNode, variable: str) -> bool:
    call = statement.child(0)
    if call is None or call.kind() != "call_expression":
        return False
    function = call.field("function")
    if function is None or function.kind() != "member_expression":
        return False
    prop = function.field("property")
    base = _chain_base(function.field("object"))
    return prop is not None and prop.text() == "use" and base is not None and base.text() == variable


def _top_level(node: SgNode) -> SgNode:
    while node.parent() is not None and node.parent().kind() != "program":  # type: ignore[union-attr]
        node = node.parent()  # type: ignore[assignment]
    return node


# --- small helpers ------------------------------------------------------------------------------


def _without_type_imports(javascript: str) -> str:
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


def _likely_auth_file(tree: ProjectTree, app: SpaApp, entry: str | None) -> str:
    """Where a logout/login most likely lives when none was found: an auth/user store, else App.vue."""
    candidates = [
        path
        for path in tree.glob(".ts", ".js", ".vue", under=app.source_dir)
        if "intercom" not in path and any(word in path.lower() for word in ("auth", "session", "user", "account"))
    ]
    stores = [path for path in candidates if "/stores/" in path or "/store/" in path]
    if stores or candidates:
        return (stores or candidates)[0]
    app_component = join(app.source_dir, "App.vue")
    return app_component if tree.exists(app_component) else entry or app_component
