"""Our TypeScript templates as plain JavaScript, for projects that do not use TypeScript.

One source of truth per module: the type-only syntax is removed structurally (ast-grep's
TypeScript grammar), which is all it takes for the constructs our templates use.
"""

import re

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
            text = strip_types(inner.text(), jsx=jsx) if inner is not None else ""
            parens = node.parent()
            if inner is not None and parens is not None and _parens_only_for_the_cast(parens, inner, text):
                # `(x as T)` -> `x`, not `(x)`: prettier drops the parentheses the cast needed.
                start, end = parens.range().start.index, parens.range().end.index
            elif inner is not None and inner.kind() == "parenthesized_expression" and parens is not None and _open(parens, node):
                # `(await x) as T` -> `await x`: the parentheses were there for the cast.
                text = text[1:-1] if text.startswith("(") and text.endswith(")") else text
            edits.append((start, end, text))
        elif node.kind() in REMOVED_STATEMENTS:
            line_start = source.rfind("\n", 0, start) + 1
            line_end = source.find("\n", end)
            edits.append((line_start, len(source) if line_end == -1 else line_end + 1, ""))
        else:
            edits.append((start, end, ""))
    for start, end, replacement in sorted(edits, reverse=True):
        source = source[:start] + replacement + source[end:]
    return _tidy(source)


# Where any expression may stand without parentheses (right of `=`, a return value, an argument...).
OPEN_CONTEXTS = frozenset({"variable_declarator", "assignment_expression", "return_statement", "arguments", "pair",
                           "array", "expression_statement", "ternary_expression", "spread_element"})
# Expressions that bind tighter than anything around them: never need parentheses.
PRIMARY = frozenset({"identifier", "member_expression", "call_expression", "subscript_expression", "this", "string",
                     "number", "parenthesized_expression", "template_string"})


def _parens_only_for_the_cast(parens: SgNode, inner: SgNode, stripped: str) -> bool:
    """`parens` is `( <cast> )` and, the cast gone, the expression needs no parentheses there."""
    if parens.kind() != "parenthesized_expression" or len([c for c in parens.children() if c.is_named()]) != 1:
        return False
    if inner.kind() in PRIMARY or re.fullmatch(r"[\w$.]+", stripped):  # `window as unknown as T`: a name once stripped
        return True
    context = parens.parent()
    return context is not None and _open(context, parens)


def _open(context: SgNode, expression: SgNode) -> bool:
    """`expression`, a child of `context`, may stand there without parentheses."""
    if context.kind() not in OPEN_CONTEXTS or context.kind() == "expression_statement":
        return False  # a statement that would start with `{` or `function` keeps them
    # The condition of `a ? b : c` keeps them too.
    condition = context.field("condition") if context.kind() == "ternary_expression" else None
    return condition is None or condition.range().start.index != expression.range().start.index


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
