"""Vue 2 (2.6, 2.7) with vue-router 3: the Messenger as a Vue 2 plugin, installed with `Vue.use`.

Vue 2 has no `createApp`: the entry imports `Vue` from 'vue', installs plugins on the constructor
(`Vue.use(...)`) and creates the root instance with `new Vue({ router, render: h => h(App) })`
(mounted by `el` or `.$mount(...)`). The plugin (templates/vue/intercom-plugin-vue2*.ts, Options
API era, ES2017 syntax) is installed with `Vue.use(intercomMessenger, { router })` just before the
statement that creates the root instance, the router being the `router` option of that instance;
it reports each completed navigation from `router.afterEach`.
"""

from dataclasses import dataclass

from ast_grep_py import SgNode

from intercom_wizard.edits import insert_lines_after, insert_lines_before
from intercom_wizard.integrations.base import PlanContext
from intercom_wizard.integrations.frontends.vue.entry import root_of
from intercom_wizard.integrations.frontends.vue.install import PLUGIN, import_plugin
from intercom_wizard.tree import ProjectTree

VUE2_PLUGIN_TEMPLATE = "vue/intercom-plugin-vue2.ts"
VUE2_PLUGIN_WITHOUT_ROUTER_TEMPLATE = "vue/intercom-plugin-vue2-without-router.ts"
FIRST_VUE_3 = (3, 0)


@dataclass(frozen=True)
class RootInstance:
    file: str
    root: SgNode  # the parsed program
    statement: SgNode  # the top-level statement holding `new Vue(...)`
    vue: str  # the name `Vue` is imported under
    router: str | None  # the identifier given as the instance's `router` option; None = no router option


def find_root_instance(tree: ProjectTree, path: str) -> RootInstance | None:
    """`new Vue({...})` in the entry, on the constructor imported from 'vue'."""
    root = root_of(path, tree.text(path))
    vue = _vue_import(root)
    if vue is None:
        return None
    for created in root.find_all(kind="new_expression"):
        constructor = created.field("constructor")
        if constructor is None or constructor.text() != vue:
            continue
        return RootInstance(path, root, _top_level(created), vue, _router_option(created))
    return None


def install_vue2_plugin(context: PlanContext, instance: RootInstance, plugin_path: str) -> None:
    """The plugin's import, and `Vue.use(intercomMessenger[, { router }])` above `new Vue(...)`."""
    source = context.tree.read(instance.file)
    plugin_import, semicolon = import_plugin(source, instance.root, instance.file, plugin_path, context.tree)
    line = f"{instance.vue}.{use_call(instance)}"
    previous = _last_use_before(instance)
    if previous is not None:
        # Beside the app's own `Vue.use(...)` calls, in their style.
        ending = ";" if previous.text().rstrip().endswith(";") else ""
        use = insert_lines_after(source, previous.range().end.index, line + ending)
    else:
        ending = ";" if instance.statement.text().rstrip().endswith(";") else semicolon
        use = insert_lines_before(source, instance.statement.range().start.index, line + ending)
    context.builder.insert(instance.file, [use, plugin_import], "installs the Messenger plugin on Vue before the root instance is created")


def use_call(instance: RootInstance | None, has_router: bool = True) -> str:
    """`use(intercomMessenger, { router })`, with the instance's own router variable."""
    router = instance.router if instance is not None else ("router" if has_router else None)
    if router is None:
        return f"use({PLUGIN})"
    return f"use({PLUGIN}, {{ {'router' if router == 'router' else f'router: {router}'} }})"


def _last_use_before(instance: RootInstance) -> SgNode | None:
    """The last top-level `Vue.use(...)` statement above the root instance and below the router's
    declaration when the entry declares it (`Vue.use(VueRouter)` usually comes before `new VueRouter`)."""
    found = None
    declared_at = _router_declaration_end(instance)
    for node in instance.root.children():
        if node.range().start.index >= instance.statement.range().start.index:
            break
        if node.range().start.index < declared_at:
            continue
        call = node.child(0) if node.kind() == "expression_statement" else None
        function = call.field("function") if call is not None and call.kind() == "call_expression" else None
        if function is not None and function.kind() == "member_expression" and function.text() == f"{instance.vue}.use":
            found = node
    return found


def _router_declaration_end(instance: RootInstance) -> int:
    """Where the top-level declaration of the router variable ends in the entry; 0 when it is imported."""
    for node in instance.root.children():
        if node.kind() not in ("lexical_declaration", "variable_declaration"):
            continue
        for declarator in node.find_all(kind="variable_declarator"):
            name = declarator.field("name")
            if name is not None and name.text() == instance.router:
                return node.range().end.index
    return 0


def _vue_import(root: SgNode) -> str | None:
    """The default import of 'vue' (`import Vue from 'vue'`), the constructor of Vue 2."""
    for statement in root.find_all(kind="import_statement"):
        source = statement.field("source")
        if source is None or source.text()[1:-1] != "vue":
            continue
        clause = statement.find(kind="import_clause")
        default = next((child for child in clause.children() if child.kind() == "identifier"), None) if clause else None
        if default is not None:
            return default.text()
    return None


def _router_option(created: SgNode) -> str | None:
    """The identifier passed as `router` (shorthand `{ router }` or `router: appRouter`)."""
    arguments = created.field("arguments")
    options = next((child for child in arguments.children() if child.kind() == "object"), None) if arguments is not None else None
    if options is None:
        return None
    for child in options.children():
        if child.kind() == "shorthand_property_identifier" and child.text() == "router":
            return "router"
        if child.kind() == "pair":
            key, value = child.field("key"), child.field("value")
            if key is not None and key.text().strip("'\"") == "router" and value is not None and value.kind() == "identifier":
                return value.text()
    return None


def _top_level(node: SgNode) -> SgNode:
    while (parent := node.parent()) is not None and parent.kind() != "program":
        node = parent
    return node
