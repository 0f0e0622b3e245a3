"""React (Vite, Create React App, any webpack set-up; TypeScript or JavaScript).

The glue is one component, `<IntercomMessenger />`, next to the framework-agnostic core in
`src/intercom/`: it starts the Messenger in an effect and, when React Router is in the app, calls
`intercomPageChanged()` whenever `useLocation()` changes (before React Router 5.1: the location
`withRouter()` passes in; in React Router 4, whose `<Router>` takes one child, the component and
that child share a fragment). Where it is rendered:

- without a router: beside `<App />` in the entry's `render(...)` (inside `<StrictMode>` when there);
- with `<BrowserRouter>` (or Hash/Memory router) in the code: as the router element's first child;
- with a data router (`createBrowserRouter` + `<RouterProvider>`): in the root route's layout
  component, beside its `<Outlet />`;
- otherwise a manual step says where it belongs.
"""

import posixpath
import re
from dataclasses import dataclass

from ast_grep_py import SgNode

from intercom_wizard.edits import (
    indent_unit,
    indentation_at,
    insert_lines_after,
    insert_lines_before,
    last_import,
    parse,
    starts_line,
)
from intercom_wizard.integrations.base import Detection, PlanContext
from intercom_wizard.integrations.frontends.spa import detect_framework
from intercom_wizard.integrations.frontends.spa_common import (
    SpaApp,
    core_module,
    import_path,
    spa_app,
    wire_auth_hooks,
)
from intercom_wizard.plan import Insertion
from intercom_wizard.sourcefile import SourceText
from intercom_wizard.support import Supported, SupportTable
from intercom_wizard.templates import render
from intercom_wizard.tree import ProjectTree, join
from intercom_wizard.typescript import strip_types
from intercom_wizard.versions import npm_version

NAME = "react"
# The versions this integration generates code for (docs list the same table).
SUPPORTED: SupportTable = (
    Supported("React", "npm", "react", (16, 8), (20, 0)),  # hooks
    Supported("react-router-dom", "npm", "react-router-dom", (4, 0), (8, 0), optional=True),  # withRouter() before 5.1
    Supported("react-router", "npm", "react-router", (4, 0), (8, 0), optional=True),
)
# --csp-nonce: a built single-page app is static files, so its nonce comes from what serves index.html.
CSP_NONCE_NOTE = (
    "Vite writes nonce=\"<your placeholder>\" on the tags of index.html when `html.cspNonce` is set in vite.config; "
    "the server that sends index.html swaps the placeholder for the request's nonce (webpack: `__webpack_nonce__`)."
)
COMPONENT = "IntercomMessenger"
ELEMENT = f"<{COMPONENT} />"
ROUTER_PACKAGES = ("react-router-dom", "react-router")  # the one a v6 app imports from comes first
# Router components, by the name their package exports (an app may import them under an alias:
# `BrowserRouter as Router`); `Router` takes a history object in react-router 4/5.
ROUTER_ELEMENTS = ("BrowserRouter", "HashRouter", "MemoryRouter", "Router", "HistoryRouter", "unstable_HistoryRouter")
# connected-react-router's (and its fork's) router renders react-router's <Router> with the store's history.
CONNECTED_ROUTERS = {"connected-react-router": ("ConnectedRouter",), "redux-first-history": ("HistoryRouter",)}
DATA_ROUTERS = ("createBrowserRouter", "createHashRouter", "createMemoryRouter")
ENTRY_NAMES = ("main", "index")
ENTRY_SUFFIXES = (".tsx", ".jsx", ".ts", ".js")
SOURCE_SUFFIXES = (".tsx", ".jsx", ".ts", ".js", ".mjs")
MOUNT_REASON = "renders the Messenger component once at the root of the app"
FIRST_WITH_USE_LOCATION = (5, 1)  # before: withRouter()
FIRST_WITH_SEVERAL_ROUTER_CHILDREN = (5, 0)  # React Router 4's <Router> renders React.Children.only


def detect(tree: ProjectTree) -> list[Detection]:
    return detect_framework(tree, NAME)


@dataclass(frozen=True)
class Mount:
    file: str
    insertions: list[Insertion]  # the first one holds ELEMENT: it names the edit


def source_folder(tree: ProjectTree, root: str) -> str:
    """Where the app's own code lives: src/, else app/ (react-boilerplate's layout)."""
    for folder in ("src", "app"):
        if tree.glob(*SOURCE_SUFFIXES, under=join(root, folder)):
            return folder
    return "src"


def plan(context: PlanContext, detection: Detection) -> None:
    tree = context.tree
    app = spa_app(tree, detection, source_dir=source_folder(tree, detection.root))
    folder = join(app.source_dir, "intercom")
    core_path = join(folder, "messenger" + app.extension)
    component_path = join(folder, COMPONENT + (".tsx" if app.typescript else ".jsx"))
    router = next((package for package in ROUTER_PACKAGES if app.depends_on(package)), None)

    core_module(context, app, core_path)
    router_version = npm_version(tree, app.root, router) if router else None
    with_router = router_version is not None and router_version.below(*FIRST_WITH_USE_LOCATION)
    template = "spa/react/IntercomMessenger.tsx"
    if router:
        template = "spa/react/IntercomMessengerWithRouter.tsx" if with_router else "spa/react/IntercomMessengerRouter.tsx"
    values = {"core_import": import_path(component_path, core_path)}
    if router:
        values["router_package"] = router
    source = render(template, **values)
    context.builder.create(
        component_path,
        source if app.typescript else _without_type_imports(strip_types(source, jsx=True)),
        "starts the Messenger from React" + (" and reports React Router navigation" if router else ""),
    )

    entry = find_entry(tree, app)
    single_child = router_version is not None and router_version.below(*FIRST_WITH_SEVERAL_ROUTER_CHILDREN)
    mount = _router_mount(tree, app, single_child=single_child) if router else _root_mount(tree, entry) if entry else None
    if mount is None:
        where = "inside your router (it reads useLocation()), e.g. in the root layout" if router else "once at the root of your app, beside <App />"
        # Inside the router means in the router's own file: never a file outside it.
        target = (router_file(tree, app) if router else None) or entry or join(app.source_dir, "App" + (".tsx" if app.typescript else ".jsx"))
        context.builder.manual(
            target,
            f"Render the Messenger component {where}; import {{ {COMPONENT} }} from {component_path}:",
            ELEMENT,
        )
    else:
        _add_import(context, mount.file, component_path)
        context.builder.insert(mount.file, mount.insertions, MOUNT_REASON)
        if router:
            context.builder.note(f"{ELEMENT} is rendered in {mount.file}, inside the router, so it sees every route change.")

    wire_auth_hooks(context, app, core_path, likely_file=entry or component_path)


# --- where the app starts ---------------------------------------------------------------------


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
            if tree.exists(path) and _render_call(_root(tree, path)) is not None:
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


def _language(path: str) -> str:
    # tree-sitter's JavaScript grammar reads JSX, so .js files written with JSX (CRA) parse too.
    return "tsx" if path.endswith(".tsx") else "typescript" if path.endswith(".ts") else "javascript"


def _root(tree: ProjectTree, path: str) -> SgNode:
    return parse(tree.text(path), _language(path))


def _render_call(root: SgNode) -> SgNode | None:
    """The JSX handed to React: root.render(<…>), ReactDOM.render(<…>, el) or hydrateRoot(el, <…>)."""
    for call in root.find_all(kind="call_expression"):
        callee = call.field("function")
        arguments = call.field("arguments")
        if callee is None or arguments is None:
            continue
        name = callee.field("property").text() if callee.kind() == "member_expression" and callee.field("property") else callee.text()
        values = [c for c in arguments.children() if c.kind() not in ("(", ")", ",", "comment")]
        index = 1 if name == "hydrateRoot" else 0  # hydrateRoot(container, <App />); the others take the JSX first
        if name in ("render", "hydrate", "hydrateRoot") and len(values) > index and values[index].kind() in _JSX:
            return values[index]
    return None


_JSX = ("jsx_element", "jsx_self_closing_element", "parenthesized_expression")


def _element_name(node: SgNode) -> str | None:
    tag = node if node.kind() == "jsx_self_closing_element" else node.field("open_tag")
    name = tag.field("name") if tag is not None else None
    return name.text() if name is not None else None


def _local_imports(root: SgNode) -> dict[str, str]:
    """Names imported from the app's own modules: {'App': './App.tsx'}."""
    found = {}
    for statement in root.find_all(kind="import_statement"):
        source = statement.field("source")
        module = source.text()[1:-1] if source is not None else ""
        if not module.startswith("."):
            continue
        clause = next((c for c in statement.children() if c.kind() == "import_clause"), None)
        for name in clause.find_all(kind="identifier") if clause else []:
            found[name.text()] = module
    return found


def _root_mount(tree: ProjectTree, entry: str) -> Mount | None:
    """Beside the app's own root component in the entry's render(...) call."""
    source = tree.read(entry)
    root = parse(source.text, _language(entry))
    rendered = _render_call(root)
    if rendered is None:
        return None
    local = _local_imports(root)
    elements = [rendered] + rendered.find_all(any=[{"kind": "jsx_element"}, {"kind": "jsx_self_closing_element"}])
    app = next((e for e in elements if e.kind() in _JSX[:2] and _element_name(e) in local), None)
    if app is None:
        return None
    parent = app.parent()
    if parent is not None and parent.kind() == "jsx_element":
        return Mount(entry, [_beside(source, app)])
    # render(<App />): the root becomes a fragment of the app and the Messenger component.
    start, end = app.range().start.index, app.range().end.index
    return Mount(entry, [Insertion(end, f"{ELEMENT}</>"), Insertion(start, "<>")])


def _beside(source: SourceText, element: SgNode) -> Insertion:
    """ELEMENT as the next sibling of `element`: on its own line when the element has one."""
    text = source.text
    end = element.range().end.index
    rest_of_line = text[end : text.find("\n", end) if "\n" in text[end:] else len(text)]
    if starts_line(text, element.range().start.index) and not rest_of_line.strip():
        return insert_lines_after(source, end, ELEMENT)
    return Insertion(end, ELEMENT)


def _first_child(source: SourceText, element: SgNode) -> Insertion:
    """ELEMENT as the first child of the JSX element `element`."""
    text = source.text
    opening = element.field("open_tag")
    assert opening is not None
    end = opening.range().end.index
    children = [c for c in element.children() if c.kind() not in ("jsx_opening_element", "jsx_closing_element")]
    first = next((c for c in children if c.text().strip()), None)
    if first is not None and starts_line(text, first.range().start.index):
        return insert_lines_before(source, first.range().start.index, ELEMENT)
    if text[end : text.find("\n", end)].strip() == "" and first is not None:
        indent = indentation_at(text, opening.range().start.index) + indent_unit(text)
        return insert_lines_after(source, end, ELEMENT, indent=indent)
    return Insertion(end, ELEMENT)


# --- React Router -----------------------------------------------------------------------------


def _without_type_imports(source: str) -> str:
    """strip_types keeps `import type` lines; JavaScript has no such statement."""
    return "".join(line for line in source.splitlines(keepends=True) if not line.startswith("import type "))


def _single_child(source: SourceText, element: SgNode) -> list[Insertion]:
    """React Router 4's <Router> takes one child: the Messenger and that child share a fragment."""
    children = [c for c in element.children() if c.kind() not in ("jsx_opening_element", "jsx_closing_element") and c.text().strip()]
    if len(children) != 1:
        return [_first_child(source, element)]
    start, end = children[0].range().start.index, children[0].range().end.index
    if starts_line(source.text, start):
        indent = indentation_at(source.text, start)
        return [Insertion(start, f"<>\n{indent}{ELEMENT}\n{indent}"), Insertion(end, f"\n{indent}</>")]
    return [Insertion(start, f"<>{ELEMENT}"), Insertion(end, "</>")]


def _router_mount(tree: ProjectTree, app: SpaApp, *, single_child: bool = False) -> Mount | None:
    files = [p for p in tree.glob(*SOURCE_SUFFIXES, under=app.source_dir) if "intercom" not in p.lower() and ".test." not in p and ".spec." not in p]
    for path in files:
        text = tree.text(path)
        if "Router" not in text:
            continue
        root = parse(text, _language(path))
        imported = _imported_names(root, ROUTER_PACKAGES)
        routers = {local for local, exported in imported.items() if exported in ROUTER_ELEMENTS}
        for package, exports in CONNECTED_ROUTERS.items():
            routers |= {local for local, exported in _imported_names(root, (package,)).items() if exported in exports}
        for element in root.find_all(kind="jsx_element"):
            if _element_name(element) in routers:
                if single_child:
                    return Mount(path, _single_child(tree.read(path), element))
                return Mount(path, [_first_child(tree.read(path), element)])
    for path in files:
        text = tree.text(path)
        if not any(factory in text for factory in DATA_ROUTERS):
            continue
        mount = _layout_mount(tree, path, parse(text, _language(path)))
        if mount is not None:
            return mount
    return None


def _imported_names(root: SgNode, packages: tuple[str, ...]) -> dict[str, str]:
    """{local name: exported name} of what is imported from `packages` (`{ BrowserRouter as Router }`)."""
    names = {}
    for statement in root.find_all(kind="import_statement"):
        source = statement.field("source")
        if source is None or source.text()[1:-1] not in packages:
            continue
        for specifier in statement.find_all(kind="import_specifier"):
            exported = specifier.field("name")
            local = specifier.field("alias") or exported
            if local is not None and exported is not None:
                names[local.text()] = exported.text()
    return names


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


def _imports_from(root: SgNode, packages: tuple[str, ...]) -> set[str]:
    names = set()
    for statement in root.find_all(kind="import_statement"):
        source = statement.field("source")
        if source is None or source.text()[1:-1] not in packages:
            continue
        for specifier in statement.find_all(kind="import_specifier"):
            local = specifier.field("alias") or specifier.field("name")
            if local is not None:
                names.add(local.text())
    return names


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
        module = _local_imports(root).get(layout)
        layout_file = _resolve(tree, path, module) if module else path
        return _outlet_mount(tree, layout_file, layout) if layout_file else None
    return None


def _route_component(route: SgNode) -> str | None:
    for pair in route.children():
        if pair.kind() != "pair" or pair.field("key") is None:
            continue
        key, value = pair.field("key").text(), pair.field("value")  # type: ignore[union-attr]
        if value is None:
            continue
        if key == "element" and value.kind() in _JSX[:2]:
            return _element_name(value)
        if key == "Component" and value.kind() == "identifier":
            return value.text()
    return None


def _resolve(tree: ProjectTree, importer: str, module: str) -> str | None:
    base = posixpath.normpath(posixpath.join(posixpath.dirname(importer), module))
    candidates = [base] if base.endswith(SOURCE_SUFFIXES) else [base + s for s in SOURCE_SUFFIXES]
    candidates += [join(base, "index" + s) for s in SOURCE_SUFFIXES]
    return next((c for c in candidates if tree.exists(c)), None)


def _outlet_mount(tree: ProjectTree, path: str, layout: str) -> Mount | None:
    source = tree.read(path)
    root = parse(source.text, _language(path))
    if "Outlet" not in _imports_from(root, ROUTER_PACKAGES):
        return None
    outlets = [e for e in root.find_all(kind="jsx_self_closing_element") if _element_name(e) == "Outlet"]
    if len(outlets) != 1:
        return None
    outlet = outlets[0]
    if outlet.parent() is None or outlet.parent().kind() != "jsx_element":  # type: ignore[union-attr]
        return Mount(path, [Insertion(outlet.range().end.index, f"{ELEMENT}</>"), Insertion(outlet.range().start.index, "<>")])
    return Mount(path, [_beside(source, outlet)])


# --- imports ----------------------------------------------------------------------------------


def _add_import(context: PlanContext, path: str, component_path: str) -> None:
    source = context.tree.read(path)
    root = parse(source.text, _language(path))
    specifier = import_path(path, component_path)
    if _uses_extensions(root):
        specifier += posixpath.splitext(component_path)[1]
    statement = f"import {{ {COMPONENT} }} from '{specifier}';"
    if not _uses_semicolons(root):
        statement = statement[:-1]
    if _quote(root) == '"':
        statement = statement.replace("'", '"')
    anchor = last_import(root, "javascript")
    if anchor is None:
        context.builder.insert(path, [Insertion(0, source.native(statement + "\n"))], MOUNT_REASON)
        return
    context.builder.insert(path, [insert_lines_after(source, anchor.range().end.index, statement)], MOUNT_REASON)


def _uses_extensions(root: SgNode) -> bool:
    """Vite's TypeScript template imports './App.tsx' with its extension: follow the file's habit."""
    local = [m for m in _local_imports(root).values() if not m.endswith((".css", ".scss", ".svg"))]
    return bool(local) and all(m.endswith(SOURCE_SUFFIXES) for m in local)


def _uses_semicolons(root: SgNode) -> bool:
    imports = root.find_all(kind="import_statement")
    return not imports or any(statement.text().rstrip().endswith(";") for statement in imports)


def _quote(root: SgNode) -> str:
    first = next(iter(root.find_all(kind="import_statement")), None)
    source = first.field("source") if first is not None else None
    return source.text()[0] if source is not None else "'"
