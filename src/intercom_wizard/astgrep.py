"""Small helpers over ast-grep's `SgNode` that the integrations and doctor checks share."""

from ast_grep_py import SgNode


class MissingNodeField(LookupError):
    """A grammar field that the tree-sitter grammar always fills was absent: a parser bug, not user input."""


def required_field(node: SgNode, name: str) -> SgNode:
    """`node.field(name)` for a field the grammar requires (a call's `function`, an assignment's `left`).

    ast-grep types every field as optional; this says which ones are not, and fails loudly if the
    grammar ever disagrees instead of passing `None` on.
    """
    child = node.field(name)
    if child is None:
        raise MissingNodeField(f"{node.kind()} at line {node.range().start.line + 1} has no {name!r} field")
    return child


def field_text(node: SgNode, name: str) -> str | None:
    """The text of an optional field, or None when the node does not have it."""
    child = node.field(name)
    return child.text() if child is not None else None
