"""The Vue app's entry and its `createApp(...)` ... `.mount(...)`: the module index.html loads (else
src/main.* and friends), the mount call found with ast-grep, on the app variable
(`const app = createApp(App)`) or at the end of a chain (`createApp(App).use(router).mount('#app')`).
"""

from dataclasses import dataclass

from ast_grep_py import Rule, SgNode

from intercom_wizard.edits import parse
from intercom_wizard.tree import ProjectTree, join

APP_FACTORIES = ("createApp", "createSSRApp")
ENTRY_NAMES = ("main", "index", "app", "entry-client")
SCRIPT_SUFFIXES = (".ts", ".mts", ".js", ".mjs")


@dataclass(frozen=True)
class Mount:
    file: str
    call: SgNode  # the `.mount(...)` call expression
    app_variable: str | None  # `app` in `const app = createApp(App)`; None for a chain off createApp()
    root: SgNode  # the parsed program


def find_entry(tree: ProjectTree, root: str, source_dir: str) -> str | None:
    """The module index.html loads (Vite), else src/main.* and friends, else a file calling createApp."""
    html = join(root, "index.html")
    if tree.exists(html):
        for script in parse(tree.text(html), "html").find_all(kind="script_element"):
            for attribute in script.find_all(kind="attribute"):
                attribute_name = attribute.find(kind="attribute_name")
                value = attribute.find(kind="attribute_value")
                if attribute_name is None or value is None or attribute_name.text() != "src":
                    continue
                path = join(root, value.text().lstrip("/"))
                if path.endswith(SCRIPT_SUFFIXES) and tree.exists(path):
                    return path
    for name in ENTRY_NAMES:
        for suffix in SCRIPT_SUFFIXES:
            path = join(source_dir, name + suffix)
            if tree.exists(path):
                return path
    for path in tree.glob(*SCRIPT_SUFFIXES, under=source_dir):
        if "intercom" not in path and root_of(path, tree.text(path)).find(any=_factory_rules()) is not None:
            return path
    return None


def root_of(path: str, text: str) -> SgNode:
    return parse(text, "typescript")  # entries are .ts/.js: the TypeScript grammar reads both


def _factory_rules() -> list[Rule]:
    return [{"pattern": f"{factory}($$$)"} for factory in APP_FACTORIES]


def find_mount(tree: ProjectTree, path: str) -> Mount | None:
    root = root_of(path, tree.text(path))
    for call in root.find_all(kind="call_expression"):
        function = call.field("function")
        if function is None or function.kind() != "member_expression":
            continue
        prop = function.field("property")
        if prop is None or prop.text() != "mount":
            continue
        base = chain_base(function.field("object"))
        if base is None:
            continue
        if base.kind() == "call_expression" and is_factory_call(base):
            return Mount(path, call, None, root)
        if base.kind() == "identifier" and _created_by_factory(root, base.text()):
            return Mount(path, call, base.text(), root)
    return None


def chain_base(node: SgNode | None) -> SgNode | None:
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


def is_factory_call(call: SgNode) -> bool:
    function = call.field("function")
    return function is not None and function.kind() == "identifier" and function.text() in APP_FACTORIES


def _created_by_factory(root: SgNode, name: str) -> bool:
    for declarator in root.find_all(kind="variable_declarator"):
        declared, value = declarator.field("name"), declarator.field("value")
        if declared is None or value is None or declared.text() != name:
            continue
        base = chain_base(value) if value.kind() == "call_expression" else None
        if base is not None and base.kind() == "call_expression" and is_factory_call(base):
            return True
    return False
