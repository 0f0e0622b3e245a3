"""Editing JSON manifests (package.json, composer.json, angular.json) the way a person would.

The one JSON editor of the wizard: a member or an array item is inserted at a byte offset found on
ast-grep's JSON tree, in the file's own indentation, key order and newline style, and a value is
replaced in place. The file is never re-serialised, so everything else stays byte for byte (which
keeps `uninstall` exact). Reading a manifest's data is `integrations/package_json.py`'s job.
"""

import json
from collections.abc import Callable

from ast_grep_py import SgNode

from intercom_wizard.astgrep import field_text, required_field
from intercom_wizard.edits import indentation_at, parse
from intercom_wizard.plan import Insertion
from intercom_wizard.sourcefile import SourceText


def member_entry(key: str, value: object) -> str:
    """`"key": value` as one line of JSON."""
    return f"{json.dumps(key)}: {json.dumps(value)}"


def document(text: str) -> SgNode | None:
    """The top-level object of a JSON file, None when the file holds none."""
    return parse(text, "json").find(kind="object")


def members(node: SgNode) -> list[SgNode]:
    """The `"key": value` pairs of an object node."""
    return [child for child in node.children() if child.kind() == "pair"]


def key_of(pair: SgNode) -> str:
    """A member's key, decoded."""
    return str(json.loads(required_field(pair, "key").text()))


def value_of(node: SgNode, key: str | tuple[str, ...]) -> SgNode | None:
    """The value of the first member named `key` (or any of the names in a tuple), of whatever kind."""
    keys = (key,) if isinstance(key, str) else key
    for pair in members(node):
        name = field_text(pair, "key")
        if name is not None and json.loads(name) in keys:
            return pair.field("value")
    return None


def object_at(text: str, *path: str | tuple[str, ...]) -> SgNode | None:
    """The object reached from the top-level one through `path` (a tuple step accepts any of its names)."""
    node = document(text)
    for key in path:
        node = value_of(node, key) if node is not None else None
    return node if node is not None and node.kind() == "object" else None


def member_value_in(text: str, key: str, sections: tuple[str, ...]) -> SgNode | None:
    """The string value of `key` in the first of the top-level objects `sections` (in file order) that has it."""
    top = document(text)
    for pair in members(top) if top is not None else []:
        section = pair.field("value")
        if key_of(pair) in sections and section is not None and section.kind() == "object":
            value = value_of(section, key)
            if value is not None and value.kind() == "string":
                return value
    return None


def _member_indent(text: str, node: SgNode, default: str) -> str:
    """The whitespace before `node` on its line; `default` when something else precedes it (a one-line object)."""
    start = text.rfind("\n", 0, node.range().start.index) + 1
    prefix = text[start : node.range().start.index]
    return prefix if not prefix.strip() else default


def insert_member(
    source: SourceText, node: SgNode, entry: str, *, default_indent: str, goes_before: Callable[[str], bool] | None = None
) -> Insertion:
    """Insert `entry` into the object `node`: before the first member whose key `goes_before` accepts
    (a tool's sort order), else after the last one. Lines after the first of a multi-line `entry` are
    indented like the members; an empty object gets the entry on a line of its own."""
    text, newline = source.text, source.newline
    pairs = members(node)
    if not pairs:
        parent = node.parent()
        outer = _member_indent(text, parent, default_indent) if parent is not None else ""
        unit = outer or default_indent
        return Insertion(node.range().end.index - 1, f"{newline}{outer}{unit}{entry}{newline}{outer}")
    indent = _member_indent(text, pairs[0], default_indent)
    entry = entry.replace("\n", f"{newline}{indent}")
    following = next((p for p in pairs if goes_before(key_of(p))), None) if goes_before is not None else None
    if following is not None:
        return Insertion(following.range().start.index, f"{entry},{newline}{indent}")
    return Insertion(pairs[-1].range().end.index, f",{newline}{indent}{entry}")


def insert_into_section(
    source: SourceText, section: str, entry: str, *, default_indent: str, goes_before: Callable[[str], bool] | None = None
) -> Insertion | None:
    """Insert `entry` into the top-level object `section` (`dependencies`, `require`), adding the section
    after the last member when there is none; None when the file has no top-level object or `section` is
    not an object (the caller prints the entry for a person to add)."""
    top = document(source.text)
    if top is None:
        return None
    value = next((p.field("value") for p in members(top) if key_of(p) == section), None)
    if value is None:
        pairs = members(top)
        indent = _member_indent(source.text, pairs[0], default_indent) if pairs else default_indent
        block = f"{json.dumps(section)}: {{\n{indent}{entry}\n}}"
        if pairs:
            return insert_member(source, top, block, default_indent=default_indent)
        block = source.native(block.replace("\n", f"\n{indent}"))
        return Insertion(top.range().start.index + 1, f"{source.newline}{indent}{block}{source.newline}")
    if value.kind() != "object":
        return None
    return insert_member(source, value, entry, default_indent=default_indent, goes_before=goes_before)


def append_item(source: SourceText, array: SgNode, item: str) -> Insertion:
    """Append `item` to a JSON array: on a line of its own, like the last item, when the array spans
    lines; after `, ` when it is written on one line; as the only item of an empty one."""
    items = [child for child in array.children() if child.is_named()]
    if not items:
        return Insertion(array.range().start.index + 1, item)
    if "\n" in array.text():
        separator = source.native(f",\n{indentation_at(source.text, items[-1].range().start.index)}")
    else:
        separator = ", "
    return Insertion(items[-1].range().end.index, f"{separator}{item}")
