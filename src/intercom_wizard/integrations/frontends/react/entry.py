"""Where a React app starts: the module index.html loads (Vite) or src/main|index.* (Create React
App, webpack), its `render(...)` call, and the placement beside the app's root component there
(used when the app has no router)."""

from ast_grep_py import SgNode

from intercom_wizard.astgrep import field_text
from intercom_wizard.edits import parse
from intercom_wizard.integrations.frontends.react.detect import SOURCE_SUFFIXES
from intercom_wizard.integrations.frontends.react.jsx import ELEMENT, JSX, Mount, beside, element_name, language, local_imports, root_of
from intercom_wizard.integrations.frontends.spa_common import SpaApp
from intercom_wizard.plan import Insertion
from intercom_wizard.tree import ProjectTree, join

ENTRY_NAMES = ("main", "index")
ENTRY_SUFFIXES = (".tsx", ".jsx", ".ts", ".js")


def find_entry(tree: ProjectTree, app: SpaApp) -> str | None:
    """The module index.html loads (Vite), else src/main.* or src/index.* (Create React App, webpack)."""
    html = join(app.root, "index.html")
    if tree.exists(html):
        for script in parse(tree.text(html), "html").find_all(kind="script_element"):
            src = _attribute(script, "src")
            if src and src.startswith("/") and src.endswith(SOURCE_SUFFIXES):
                path = join(app.root, src.lstrip("/"))
                if tree.exists(path):
                    return path
    for name in ENTRY_NAMES:
        for suffix in ENTRY_SUFFIXES:
            path = join(app.source_dir, name + suffix)
            if tree.exists(path) and render_call(root_of(tree, path)) is not None:
                return path
    return None


def _attribute(element: SgNode, name: str) -> str | None:
    start = next((c for c in element.children() if c.kind() == "start_tag"), None)
    for attribute in start.find_all(kind="attribute") if start else []:
        key = next((c for c in attribute.children() if c.kind() == "attribute_name"), None)
        if key is not None and key.text() == name:
            value = attribute.find(kind="attribute_value")
            return value.text() if value is not None else None
    return None


def render_call(root: SgNode) -> SgNode | None:
    """The JSX handed to React: root.render(<…>), ReactDOM.render(<…>, el) or hydrateRoot(el, <…>)."""
    for call in root.find_all(kind="call_expression"):
        callee = call.field("function")
        arguments = call.field("arguments")
        if callee is None or arguments is None:
            continue
        name = (field_text(callee, "property") if callee.kind() == "member_expression" else None) or callee.text()
        values = [c for c in arguments.children() if c.kind() not in ("(", ")", ",", "comment")]
        index = 1 if name == "hydrateRoot" else 0  # hydrateRoot(container, <App />); the others take the JSX first
        if name in ("render", "hydrate", "hydrateRoot") and len(values) > index and values[index].kind() in JSX:
            return values[index]
    return None


def root_mount(tree: ProjectTree, entry: str) -> Mount | None:
    """Beside the app's own root component in the entry's render(...) call."""
    source = tree.read(entry)
    root = parse(source.text, language(entry))
    rendered = render_call(root)
    if rendered is None:
        return None
    local = local_imports(root)
    elements = [rendered] + rendered.find_all(any=[{"kind": "jsx_element"}, {"kind": "jsx_self_closing_element"}])
    app = next((e for e in elements if e.kind() in JSX[:2] and element_name(e) in local), None)
    if app is None:
        return None
    parent = app.parent()
    if parent is not None and parent.kind() == "jsx_element":
        return Mount(entry, [beside(source, app)])
    # render(<App />): the root becomes a fragment of the app and the Messenger component.
    start, end = app.range().start.index, app.range().end.index
    return Mount(entry, [Insertion(end, f"{ELEMENT}</>"), Insertion(start, "<>")])
