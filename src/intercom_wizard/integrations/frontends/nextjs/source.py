"""Reading and editing the app's own modules, shared by both routers and the CSP step: the language
a file is written in, import specifiers, the default-exported component and its statements."""

import json
import posixpath

from ast_grep_py import SgNode

from intercom_wizard.astgrep import field_text
from intercom_wizard.edits import indent_unit, indentation_at, insert_lines_after, line_start
from intercom_wizard.integrations.base import PlanContext
from intercom_wizard.integrations.frontends.nextjs.detect import SCRIPT_SUFFIXES, NextApp
from intercom_wizard.integrations.frontends.spa_common import add_import, import_path, in_file_style
from intercom_wizard.integrations.shared.javascript import to_javascript
from intercom_wizard.plan import Insertion
from intercom_wizard.sourcefile import SourceText
from intercom_wizard.tree import ProjectTree, join


def language(source: str, app: NextApp, *, jsx: bool = False) -> str:
    """TypeScript as written, or JavaScript: types stripped and type-only imports dropped."""
    return source if app.ts else to_javascript(source, jsx=jsx)


def specifier(tree: ProjectTree, app: NextApp, from_file: str, module_file: str) -> str:
    """'@/lib/x' when the project maps `@/*` to its source folder (as create-next-app does), else relative."""
    for config in ("tsconfig.json", "jsconfig.json"):
        path = join(app.spa.root, config)
        if not tree.exists(path):
            continue
        try:
            paths = json.loads(tree.text(path)).get("compilerOptions", {}).get("paths", {})
        except ValueError:
            break
        target = paths.get("@/*")
        if isinstance(target, list) and target:
            mapped = posixpath.normpath(join(app.spa.root, target[0].removeprefix("./").removesuffix("*").rstrip("/") or "."))
            stem = posixpath.splitext(module_file)[0]
            if mapped in (".", "") or stem.startswith(mapped + "/"):
                return "@/" + (stem if mapped in (".", "") else stem[len(mapped) + 1 :])
        break
    return import_path(from_file, module_file)


def existing(tree: ProjectTree, stem: str) -> str | None:
    """The first of `stem` + .tsx/.jsx/.ts/.js that exists (app/layout, pages/_app, pages/_document)."""
    return next((path for path in (stem + suffix for suffix in SCRIPT_SUFFIXES) if tree.exists(path)), None)


def root_layout(tree: ProjectTree, app: NextApp) -> str | None:
    return existing(tree, join(app.base, "app/layout"))


def default_function(root: SgNode) -> tuple[SgNode, SgNode] | None:
    """The default-exported function (declaration, expression or arrow) and the top-level statement
    that holds it."""
    export = next((node for node in root.children() if node.kind() == "export_statement" and node.text().startswith("export default")), None)
    if export is None:
        return None
    value = export.field("declaration") or export.field("value")
    if value is not None and value.kind() in ("function_declaration", "function_expression", "arrow_function"):
        return value, export
    if value is None or value.kind() != "identifier":
        return None
    for statement in root.children():
        if statement.kind() == "function_declaration" and field_text(statement, "name") == value.text():
            return statement, statement
        if statement.kind() in ("lexical_declaration", "variable_declaration"):
            for declarator in statement.find_all(kind="variable_declarator"):
                init = declarator.field("value")
                if field_text(declarator, "name") == value.text() and init is not None and init.kind() in ("arrow_function", "function_expression"):
                    return init, statement
    return None


def exported_const(root: SgNode, name: str) -> str | None:
    """The value's text of a top-level `export const <name> = ...`, or None."""
    for export in root.children():
        if export.kind() != "export_statement":
            continue
        for declarator in export.find_all(kind="variable_declarator"):
            value = field_text(declarator, "value")
            if field_text(declarator, "name") == name and value is not None:
                return value
    return None


def leading_comments_start(statement: SgNode) -> int:
    """Where `statement` starts, including the comments directly above it (its doc comment)."""
    start = statement
    previous = start.prev()
    while previous is not None and previous.kind() == "comment" and previous.range().end.line >= start.range().start.line - 1:
        start = previous
        previous = start.prev()
    return start.range().start.index


def first_statement(source: SourceText, body: SgNode, line: str) -> Insertion:
    """Insert `line` as the first statement of a function's block `body`, at its indentation."""
    text = source.text
    statements = [c for c in body.children() if c.kind() not in ("{", "}")]
    if statements:
        first = statements[0].range().start.index
        return Insertion(line_start(text, first), source.native(f"{indentation_at(text, first)}{line}\n"))
    brace = body.range().start.index
    return Insertion(text.find("\n", brace) + 1, source.native(f"{indentation_at(text, brace)}{indent_unit(text)}{line}\n"))


def add_package_import(context: PlanContext, path: str, root: SgNode, statement: str, reason: str) -> None:
    """Place an import of a package with the file's other package imports (before its own modules)."""
    packages = [
        node
        for node in root.children()
        if node.kind() == "import_statement"
        and (source := node.field("source")) is not None
        and not source.text().strip("'\"").startswith((".", "@/", "~/", "#"))
    ]
    if not packages:
        add_import(context, path, statement, reason)
        return
    source_text = context.tree.read(path)
    line = in_file_style(context.tree, path, statement)
    context.builder.insert(path, [insert_lines_after(source_text, packages[-1].range().end.index, line)], reason)
