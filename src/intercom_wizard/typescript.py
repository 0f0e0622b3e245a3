"""Our TypeScript templates as plain JavaScript, for projects that do not use TypeScript.

One source of truth per module: the type-only syntax is removed structurally (ast-grep's
TypeScript grammar), which is all it takes for the constructs our templates use.
"""

from ast_grep_py import SgNode

from intercom_wizard.edits import parse

REMOVED = ("type_annotation", "type_arguments", "type_parameters")
REMOVED_STATEMENTS = ("type_alias_declaration", "interface_declaration")
UNWRAPPED = ("as_expression", "satisfies_expression", "non_null_expression")


def strip_types(source: str, *, jsx: bool = False) -> str:
    """`source` without its type-only syntax; `jsx` for .tsx sources (giving .jsx)."""
    root = parse(source, "tsx" if jsx else "typescript")
    edits: list[tuple[int, int, str]] = []
    optional_marks = [child for parameter in root.find_all(kind="optional_parameter") for child in parameter.children() if child.kind() == "?"]
    for node in _outermost(root, REMOVED + REMOVED_STATEMENTS + UNWRAPPED) + optional_marks:
        start, end = node.range().start.index, node.range().end.index
        if node.kind() == "?":  # the mark of an optional parameter
            edits.append((start, end, ""))
        elif node.kind() in UNWRAPPED:
            inner = node.child(0)
            edits.append((start, end, strip_types(inner.text(), jsx=jsx) if inner is not None else ""))
        elif node.kind() in REMOVED_STATEMENTS:
            line_start = source.rfind("\n", 0, start) + 1
            line_end = source.find("\n", end)
            edits.append((line_start, len(source) if line_end == -1 else line_end + 1, ""))
        else:
            edits.append((start, end, ""))
    for start, end, replacement in sorted(edits, reverse=True):
        source = source[:start] + replacement + source[end:]
    return _tidy(source)


def _outermost(root: SgNode, kinds: tuple[str, ...]) -> list[SgNode]:
    """Matching nodes that are not inside another match (their text goes with the outer one)."""
    found: list[SgNode] = []
    stack = [root]
    while stack:
        node = stack.pop()
        if node.kind() in kinds:
            found.append(node)
            continue
        stack.extend(node.children())
    return found


def _tidy(source: str) -> str:
    """Collapse the blank lines left where type declarations stood (our templates use single ones)."""
    while "\n\n\n" in source:
        source = source.replace("\n\n\n", "\n\n")
    return source
