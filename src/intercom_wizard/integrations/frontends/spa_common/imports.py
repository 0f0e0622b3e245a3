"""Placing an import in an app's source file: after its last import, quoted like its own imports,
below a directive ('use client'), inside a Vue component's <script> block.
"""

from ast_grep_py import SgNode

from intercom_wizard.edits import insert_lines_after, insert_lines_before, last_import, parse
from intercom_wizard.integrations.base import PlanContext
from intercom_wizard.js_config import project_import_order
from intercom_wizard.js_import_order import ImportOrder, place_import
from intercom_wizard.plan import Insertion
from intercom_wizard.sourcefile import SourceText
from intercom_wizard.style import infer_js_style, js_language
from intercom_wizard.tree import ProjectTree


def add_import(context: PlanContext, path: str, statement: str, reason: str) -> None:
    """Place an import, quoted like the file's own, after its last import (or first thing, below
    any directive such as 'use client')."""
    statement = in_file_style(context.tree, path, statement)
    insertion = import_insertion(context, path, 0, statement)
    if insertion is None:
        context.builder.manual(path, "Add this import at the top of the file:", statement)
        return
    context.builder.insert(path, [insertion], reason)


def in_file_style(tree: ProjectTree, path: str, statement: str) -> str:
    """The import statement quoted like the file's own imports (create-next-app writes double quotes)."""
    first = parse(tree.text(path), language_of(path)).find(kind="import_statement")
    source = first.field("source") if first is not None else None
    if source is not None and source.text().startswith('"'):
        return statement.replace("'", '"')
    if source is None and infer_js_style(tree, path).quote == '"':
        return statement.replace("'", '"')
    return statement


def language_of(path: str) -> str:
    """The ast-grep grammar for a source file: JavaScript's reads JSX too, TypeScript's does not."""
    return js_language(path) or "javascript"


def scripts(text: str, path: str) -> list[tuple[str, int, str]]:
    """The JS/TS to parse in a file: the file itself, or a component's (.vue) <script> blocks."""
    if not is_component(path):
        return [(text, 0, language_of(path))]
    blocks = []
    for script in parse(text, "html").find_all(kind="script_element"):
        raw = next((c for c in script.children() if c.kind() == "raw_text"), None)
        if raw is not None:
            blocks.append((raw.text(), raw.range().start.index, "typescript"))
    return blocks


def import_insertion(context: PlanContext, path: str, offset: int, statement: str) -> Insertion | None:
    """After the last import of the script at `offset`; at its top (below any directive) if it has none."""
    source = context.tree.read(path)
    for text, script_offset, language in scripts(source.text, path):
        if script_offset != offset:
            continue
        root = parse(text, language)
        anchor = last_import(root, language)
        if anchor is None:
            directives = [c for c in root.children() if c.kind() == "expression_statement" and _is_string(c.child(0))]
            if directives:  # 'use client', 'use strict'
                return insert_lines_after(source, script_offset + directives[-1].range().end.index, "\n" + statement)
            at = text_line_after(source.text, script_offset) if is_component(path) else script_offset
            return Insertion(at, source.native(statement + "\n\n"))
        order = project_import_order(context.tree, path)
        placed = ordered_import(order, source, (text, script_offset, language), root, statement)
        return placed or insert_lines_after(source, script_offset + anchor.range().end.index, statement)
    return None


def ordered_import(order: ImportOrder | None, source: SourceText, script: tuple[str, int, str], root: SgNode, statement: str) -> Insertion | None:
    """Among the script's imports where the project's order (ESLint's rule, else the file's own
    grouping) puts it; None when the file keeps no order we can follow."""
    text, script_offset, language = script
    placement = place_import(root, text, statement, language, order)
    if placement is None:
        return None
    if placement.after is not None:
        lines = ("\n" if placement.blank_before else "") + statement
        return insert_lines_after(source, script_offset + placement.after.range().end.index, lines)
    assert placement.before is not None  # a placement names one neighbour or the other
    lines = statement + ("\n\n" if placement.blank_after else "\n")
    return insert_lines_before(source, script_offset + _with_leading_comments(placement.before).range().start.index, lines)


def _with_leading_comments(node: SgNode) -> SgNode:
    """The first of the comments on the lines right above `node` (they belong to it), or `node` itself."""
    first = node
    previous = node.prev()
    while previous is not None and previous.kind() == "comment" and previous.range().end.line + 1 == first.range().start.line:
        first, previous = previous, previous.prev()
    return first


def is_component(path: str) -> bool:
    """A front end's own component file (a Vue single-file component): its code is in <script> blocks."""
    # Imported here: the registry imports every front end, and they import this module.
    from intercom_wizard.integrations.registry import component_suffixes

    return path.endswith(component_suffixes())


def _is_string(node: SgNode | None) -> bool:
    return node is not None and node.kind() == "string"


def text_line_after(text: str, offset: int) -> int:
    """The start of the line after the one `offset` is on (a Vue <script> tag's own line)."""
    newline = text.find("\n", offset)
    return len(text) if newline == -1 else newline + 1
