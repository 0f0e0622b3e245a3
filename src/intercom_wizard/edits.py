"""Structural anchors found with ast-grep, turned into minimal line insertions."""

from collections.abc import Iterable

from ast_grep_py import SgNode, SgRoot

from intercom_wizard.plan import Insertion
from intercom_wizard.sourcefile import SourceText


def parse(text: str, language: str) -> SgNode:
    return SgRoot(text, language).root()


def line_start(text: str, offset: int) -> int:
    return text.rfind("\n", 0, offset) + 1


def line_end(text: str, offset: int) -> int:
    """Offset just past the newline that ends the line containing `offset` (or len(text))."""
    newline = text.find("\n", offset)
    return len(text) if newline == -1 else newline + 1


def indentation_at(text: str, offset: int) -> str:
    start = line_start(text, offset)
    line = text[start:offset] if offset > start else text[start : line_end(text, start)]
    return line[: len(line) - len(line.lstrip(" \t"))]


def indent_unit(text: str) -> str:
    """The file's indentation step: a tab, or the smallest run of leading spaces found."""
    widths = []
    for line in text.splitlines():
        stripped = line.lstrip(" ")
        if line.startswith("\t"):
            return "\t"
        if stripped and len(line) != len(stripped):
            widths.append(len(line) - len(stripped))
    return " " * min(widths) if widths else "  "


def starts_line(text: str, offset: int) -> bool:
    return text[line_start(text, offset) : offset].strip() == ""


def insert_lines_before(source: SourceText, offset: int, lines: str, indent: str | None = None) -> Insertion:
    """Insert whole lines above the line holding `offset`, indented like it unless told otherwise."""
    text = source.text
    prefix = indentation_at(text, offset) if indent is None else indent
    if starts_line(text, offset):
        at = line_start(text, offset)
        return Insertion(at, source.native(_indent(lines, prefix)))
    # The anchor shares its line with other code: open a new line right before it.
    return Insertion(offset, source.native("\n" + _indent(lines, prefix) + prefix))


def insert_lines_after(source: SourceText, end_offset: int, lines: str, indent: str | None = None) -> Insertion:
    """Insert whole lines below the line on which a node ending at `end_offset` ends."""
    text = source.text
    prefix = indentation_at(text, line_start(text, end_offset - 1)) if indent is None else indent
    at = line_end(text, max(end_offset - 1, 0))
    block = source.native(_indent(lines, prefix))
    if at == len(text) and text and not text.endswith("\n"):
        return Insertion(at, source.newline + block.rstrip("\r\n"))
    return Insertion(at, block)


def append_lines(source: SourceText, lines: str) -> Insertion:
    text = source.text
    block = source.native(lines)
    if text and not text.endswith("\n"):
        return Insertion(len(text), source.newline + block.rstrip("\r\n"))
    return Insertion(len(text), block)


def _indent(lines: str, prefix: str) -> str:
    if not lines.endswith("\n"):
        lines += "\n"
    return "".join(prefix + line if line.strip() else line for line in lines.splitlines(keepends=True))


def apply_insertions(text: str, insertions: Iterable[Insertion]) -> str:
    """Apply insertions given as offsets into the original text (stable for equal offsets)."""
    ordered = sorted(enumerate(insertions), key=lambda pair: (pair[1].offset, pair[0]))
    pieces = []
    cursor = 0
    for _, insertion in ordered:
        pieces.append(text[cursor : insertion.offset])
        pieces.append(insertion.text)
        cursor = insertion.offset + len(insertion.replaced)
    pieces.append(text[cursor:])
    return "".join(pieces)


def top_level(root: SgNode, *kinds: str) -> list[SgNode]:
    return [child for child in root.children() if child.kind() in kinds]


def _ends_python_header(statement: SgNode) -> bool:
    if statement.kind() in ("function_definition", "class_definition", "decorated_definition"):
        return True
    first = statement.child(0)
    return statement.kind() == "expression_statement" and first is not None and first.kind() == "assignment"


def last_import(root: SgNode, language: str) -> SgNode | None:
    """The last module-level import (or require) statement, after which new imports belong."""
    if language == "python":
        # Only the module header: an import placed after `app = Flask(...)` or a definition could come
        # after the line that uses it (apps import extensions mid-file, or views at the very end).
        header_end = next((n.range().start.index for n in root.children() if _ends_python_header(n)), None)
        imports = [
            node
            for node in top_level(root, "import_statement", "import_from_statement", "future_import_statement")
            if header_end is None or node.range().start.index < header_end
        ]
    else:
        imports = top_level(root, "import_statement")
        imports += [
            node
            for node in top_level(root, "lexical_declaration", "variable_declaration")
            if node.find(pattern="require($$$)") is not None
        ]
        imports.sort(key=lambda n: n.range().start.index)
    return imports[-1] if imports else None
