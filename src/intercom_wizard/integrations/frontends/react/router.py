"""React Router placements: the component as the router element's first child (`<BrowserRouter>`,
Hash/Memory routers, connected routers; in React Router 4, whose `<Router>` takes one child, in a
fragment with that child), or beside the root route layout's `<Outlet />` with a data router."""

import posixpath
import re

from ast_grep_py import SgNode

from intercom_wizard.astgrep import field_text
from intercom_wizard.edits import indentation_at, parse, starts_line
from intercom_wizard.integrations.frontends.react.detect import ROUTER_PACKAGES, SOURCE_SUFFIXES
from intercom_wizard.integrations.frontends.react.jsx import (
    ELEMENT,
    JSX,
    Mount,
    beside,
    element_name,
    first_child,
    imported_names,
    language,
    local_imports,
)
from intercom_wizard.integrations.frontends.spa_common import SpaApp
from intercom_wizard.js_config import alias_target
from intercom_wizard.plan import Insertion
from intercom_wizard.sourcefile import SourceText
from intercom_wizard.tree import ProjectTree, join

# Router components, by the name their package exports (an app may import them under an alias:
# `BrowserRouter as Router`); `Router` takes a history object in react-router 4/5.
ROUTER_ELEMENTS = ("BrowserRouter", "HashRouter", "MemoryRouter", "Router", "HistoryRouter", "unstable_HistoryRouter")
# connected-react-router's (and its fork's) router renders react-router's <Router> with the store's history.
CONNECTED_ROUTERS = {"connected-react-router": ("ConnectedRouter",), "redux-first-history": ("HistoryRouter",)}
DATA_ROUTERS = ("createBrowserRouter", "createHashRouter", "createMemoryRouter")


def router_mount(tree: ProjectTree, app: SpaApp, *, single_child: bool = False) -> Mount | None:
    files = [p for p in tree.glob(*SOURCE_SUFFIXES, under=app.source_dir) if "intercom" not in p.lower() and ".test." not in p and ".spec." not in p]
    for path in files:
        text = tree.text(path)
        if "Router" not in text:
            continue
        root = parse(text, language(path))
        imported = imported_names(root, ROUTER_PACKAGES)
        routers = {local for local, exported in imported.items() if exported in ROUTER_ELEMENTS}
        for package, exports in CONNECTED_ROUTERS.items():
            routers |= {local for local, exported in imported_names(root, (package,)).items() if exported in exports}
        for element in root.find_all(kind="jsx_element"):
            if element_name(element) in routers:
                if single_child:
                    return Mount(path, _single_child(tree.read(path), element))
                return Mount(path, [first_child(tree.read(path), element)])
    for path in files:
        text = tree.text(path)
        if not any(factory in text for factory in DATA_ROUTERS):
            continue
        mount = _layout_mount(tree, path, parse(text, language(path)))
        if mount is not None:
            return mount
    return None


def _single_child(source: SourceText, element: SgNode) -> list[Insertion]:
    """React Router 4's <Router> takes one child: the Messenger and that child share a fragment."""
    children = [c for c in element.children() if c.kind() not in ("jsx_opening_element", "jsx_closing_element") and c.text().strip()]
    if len(children) != 1:
        return [first_child(source, element)]
    start, end = children[0].range().start.index, children[0].range().end.index
    if starts_line(source.text, start):
        indent = indentation_at(source.text, start)
        return [Insertion(start, f"<>\n{indent}{ELEMENT}\n{indent}"), Insertion(end, f"\n{indent}</>")]
    return [Insertion(start, f"<>{ELEMENT}"), Insertion(end, "</>")]


def router_file(tree: ProjectTree, app: SpaApp) -> str | None:
    """The module that renders or creates the app's router (where a manual step belongs)."""
    markers = (*ROUTER_ELEMENTS, *DATA_ROUTERS, "RouterProvider", *[e for exports in CONNECTED_ROUTERS.values() for e in exports])
    for path in tree.glob(*SOURCE_SUFFIXES, under=app.source_dir):
        if "intercom" in path.lower() or ".test." in path or ".spec." in path or "/testing/" in path or "/__tests__/" in path:
            continue
        text = tree.text(path)
        if re.search(r"<(" + "|".join(markers) + r")\b|\b(" + "|".join(DATA_ROUTERS) + r")\(", text):
            return path
    return None


def _layout_mount(tree: ProjectTree, path: str, root: SgNode) -> Mount | None:
    """createBrowserRouter([{ path: '/', element: <Layout />, children: [...] }]): beside Layout's <Outlet />."""
    for call in root.find_all(kind="call_expression"):
        callee = call.field("function")
        arguments = call.field("arguments")
        if callee is None or callee.text() not in DATA_ROUTERS or arguments is None:
            continue
        routes = next((c for c in arguments.children() if c.kind() == "array"), None)
        first = next((c for c in routes.children() if c.kind() == "object"), None) if routes else None
        layout = _route_component(first) if first is not None else None
        if layout is None:
            return None
        module = local_imports(root).get(layout)
        layout_file = _resolve(tree, path, module) if module else path
        return _outlet_mount(tree, layout_file, layout) if layout_file else None
    return None


def _route_component(route: SgNode) -> str | None:
    for pair in route.children():
        key = field_text(pair, "key") if pair.kind() == "pair" else None
        value = pair.field("value") if key is not None else None
        if key is None or value is None:
            continue
        if key == "element" and value.kind() in JSX[:2]:
            return element_name(value)
        if key == "Component" and value.kind() == "identifier":
            return value.text()
    return None


def _resolve(tree: ProjectTree, importer: str, module: str) -> str | None:
    base = alias_target(tree, importer, module) or posixpath.normpath(posixpath.join(posixpath.dirname(importer), module))
    candidates = [base] if base.endswith(SOURCE_SUFFIXES) else [base + s for s in SOURCE_SUFFIXES]
    candidates += [join(base, "index" + s) for s in SOURCE_SUFFIXES]
    return next((c for c in candidates if tree.exists(c)), None)


def _outlet_mount(tree: ProjectTree, path: str, layout: str) -> Mount | None:
    source = tree.read(path)
    root = parse(source.text, language(path))
    if "Outlet" not in imported_names(root, ROUTER_PACKAGES):
        return None
    outlets = [e for e in root.find_all(kind="jsx_self_closing_element") if element_name(e) == "Outlet"]
    if len(outlets) != 1:
        return None
    outlet = outlets[0]
    parent = outlet.parent()
    if parent is None or parent.kind() != "jsx_element":
        return Mount(path, [Insertion(outlet.range().end.index, f"{ELEMENT}</>"), Insertion(outlet.range().start.index, "<>")])
    return Mount(path, [beside(source, outlet)])

