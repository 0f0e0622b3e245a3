"""Reading and editing the app's JSX modules: their grammar, the elements and imports in them, and
the insertions that put `<IntercomMessenger />` beside or inside an element. Shared by the entry
and router placements."""

import posixpath
from dataclasses import dataclass

from ast_grep_py import SgNode

from intercom_wizard.astgrep import field_text, required_field
from intercom_wizard.edits import indent_unit, indentation_at, insert_lines_after, insert_lines_before, last_import, parse, starts_line
from intercom_wizard.integrations.base import PlanContext
from intercom_wizard.integrations.frontends.react.detect import SOURCE_SUFFIXES
from intercom_wizard.integrations.frontends.spa_common import import_path
from intercom_wizard.js_config import alias_specifier
from intercom_wizard.plan import Insertion
from intercom_wizard.sourcefile import SourceText
from intercom_wizard.tree import ProjectTree

COMPONENT = "IntercomMessenger"
ELEMENT = f"<{COMPONENT} />"
MOUNT_REASON = "renders the Messenger component once at the root of the app"
JSX = ("jsx_element", "jsx_self_closing_element", "parenthesized_expression")


@dataclass(frozen=True)
class Mount:
    file: str
    insertions: list[Insertion]  # the first one holds ELEMENT: it names the edit


def language(path: str) -> str:
    # tree-sitter's JavaScript grammar reads JSX, so .js files written with JSX (CRA) parse too.
    return "tsx" if path.endswith(".tsx") else "typescript" if path.endswith(".ts") else "javascript"


def root_of(tree: ProjectTree, path: str) -> SgNode:
    return parse(tree.text(path), language(path))


def element_name(node: SgNode) -> str | None:
    tag = node if node.kind() == "jsx_self_closing_element" else node.field("open_tag")
    return field_text(tag, "name") if tag is not None else None


def local_imports(root: SgNode) -> dict[str, str]:
    """Names imported from the app's own modules: {'App': './App.tsx'}; an alias path (`@/App`,
    `~/App`: no package name starts that way) is the app's own too."""
    found = {}
    for statement in root.find_all(kind="import_statement"):
        source = statement.field("source")
        module = source.text()[1:-1] if source is not None else ""
        if not module.startswith((".", "@/", "~/")):
            continue
        clause = next((c for c in statement.children() if c.kind() == "import_clause"), None)
        for name in clause.find_all(kind="identifier") if clause else []:
            found[name.text()] = module
    return found


def imported_names(root: SgNode, packages: tuple[str, ...]) -> dict[str, str]:
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


def beside(source: SourceText, element: SgNode) -> Insertion:
    """ELEMENT as the next sibling of `element`: on its own line when the element has one."""
    text = source.text
    end = element.range().end.index
    rest_of_line = text[end : text.find("\n", end) if "\n" in text[end:] else len(text)]
    if starts_line(text, element.range().start.index) and not rest_of_line.strip():
        return insert_lines_after(source, end, ELEMENT)
    return Insertion(end, ELEMENT)


def first_child(source: SourceText, element: SgNode) -> Insertion:
    """ELEMENT as the first child of the JSX element `element`."""
    text = source.text
    opening = required_field(element, "open_tag")
    end = opening.range().end.index
    children = [c for c in element.children() if c.kind() not in ("jsx_opening_element", "jsx_closing_element")]
    first = next((c for c in children if c.text().strip()), None)
    if first is not None and starts_line(text, first.range().start.index):
        return insert_lines_before(source, first.range().start.index, ELEMENT)
    if text[end : text.find("\n", end)].strip() == "" and first is not None:
        indent = indentation_at(text, opening.range().start.index) + indent_unit(text)
        return insert_lines_after(source, end, ELEMENT, indent=indent)
    return Insertion(end, ELEMENT)


def add_component_import(context: PlanContext, path: str, component_path: str, component: str = COMPONENT, reason: str = MOUNT_REASON) -> None:
    """Import the component where it is rendered, written like the file's own imports."""
    source = context.tree.read(path)
    root = parse(source.text, language(path))
    specifier = alias_specifier(context.tree, path, component_path) or import_path(path, component_path)
    if _uses_extensions(root):
        specifier += posixpath.splitext(component_path)[1]
    statement = f"import {{ {component} }} from '{specifier}';"
    if not _uses_semicolons(root):
        statement = statement[:-1]
    if _quote(root) == '"':
        statement = statement.replace("'", '"')
    anchor = last_import(root, "javascript")
    if anchor is None:
        context.builder.insert(path, [Insertion(0, source.native(statement + "\n"))], reason)
        return
    context.builder.insert(path, [insert_lines_after(source, anchor.range().end.index, statement)], reason)


def _uses_extensions(root: SgNode) -> bool:
    """Vite's TypeScript template imports './App.tsx' with its extension: follow the file's habit."""
    local = [m for m in local_imports(root).values() if not m.endswith((".css", ".scss", ".svg"))]
    return bool(local) and all(m.endswith(SOURCE_SUFFIXES) for m in local)


def _uses_semicolons(root: SgNode) -> bool:
    imports = root.find_all(kind="import_statement")
    return not imports or any(statement.text().rstrip().endswith(";") for statement in imports)


def _quote(root: SgNode) -> str:
    first = next(iter(root.find_all(kind="import_statement")), None)
    source = first.field("source") if first is not None else None
    return source.text()[0] if source is not None else "'"
