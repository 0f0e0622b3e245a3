"""Trailing commas in multi-line JavaScript/TypeScript lists, as the project writes them.

prettier's `trailingComma` ("all": every multi-line list; "es5": objects, arrays, imports and
exports, not call arguments or parameters; "none"), ESLint's `comma-dangle`, or else the project's
own multi-line literals decide; our templates are rewritten on the syntax tree (ast-grep) so a
comma is only ever added after, or removed from after, the last element of a list whose closing
bracket is on a line of its own. Single-line lists never get one (no formatter writes that).
"""

from __future__ import annotations

import re
from typing import Any

from ast_grep_py import SgNode

from intercom_wizard.edits import parse

# Lists where ES5 already allowed a trailing comma (prettier's "es5"). Not TypeScript's object types:
# their members end in `;` (prettier's separator there, whatever trailingComma says), so a comma
# after the last one would read `string,;`.
ES5_LISTS = frozenset({"object", "array", "named_imports", "export_clause", "object_pattern", "array_pattern"})
# Lists prettier's "all" adds: call arguments and parameters (ES2017), type parameters/arguments.
ALL_LISTS = ES5_LISTS | {"arguments", "formal_parameters", "type_arguments", "type_parameters"}
# After a rest element nothing may follow, not even a comma.
REST_KINDS = frozenset({"rest_pattern", "rest_parameter"})
MODES = ("all", "es5", "none")


def trailing_comma_from_prettier(prettier: dict[str, Any], manifest: dict[str, Any]) -> str:
    """prettier's option, or its default: "all" since prettier 3, "es5" before."""
    value = prettier.get("trailingComma")
    if value in MODES:
        return str(value)
    dependencies = {**(manifest.get("dependencies") or {}), **(manifest.get("devDependencies") or {})}
    declared = str(dependencies.get("prettier", ""))
    return "es5" if re.match(r"^[~^>=\s]*[12]\.", declared) else "all"


def trailing_comma_from_eslint(lint: str) -> str | None:
    """ESLint's `comma-dangle`: "always-multiline"/"always" -> all, "never" -> none, else no opinion."""
    match = re.search(r"['\"]comma-dangle['\"]\s*:\s*\[?\s*['\"]?(?:error|warn|2|1)['\"]?\s*,\s*['\"]([\w-]+)['\"]", lint)
    if not match:
        return None
    return {"always-multiline": "all", "always": "all", "never": "none"}.get(match.group(1))


def trailing_comma_from_code(texts: list[str]) -> str | None:
    """What the project's own multi-line lists do: objects/arrays, then call arguments/parameters."""
    es5_with = es5_without = all_with = all_without = 0
    for text in texts:
        for node, has_comma in _multi_line_lists(parse(text, "tsx")):
            if node.kind() in ES5_LISTS:
                es5_with, es5_without = es5_with + has_comma, es5_without + (not has_comma)
            else:
                all_with, all_without = all_with + has_comma, all_without + (not has_comma)
    if es5_with + es5_without + all_with + all_without < 2:
        return None  # too little to go on: leave our lists as written
    if es5_with + all_with == 0:
        return "none"
    if es5_with >= es5_without and all_without > all_with:
        return "es5"
    return "all" if es5_with + all_with >= es5_without + all_without else "none"


def _multi_line_lists(root: SgNode) -> list[tuple[SgNode, bool]]:
    """Every list whose closing bracket has a line of its own, and whether its last element has a comma."""
    found: list[tuple[SgNode, bool]] = []
    stack = [root]
    while stack:
        node = stack.pop()
        stack.extend(child for child in node.children() if child.is_named())
        if node.kind() not in ALL_LISTS:
            continue
        children = node.children()
        elements = [child for child in children[1:-1] if child.is_named() and child.kind() != "comment"]
        if len(children) < 3 or not elements or children[-1].range().start.line == elements[-1].range().end.line:
            continue
        last_end = elements[-1].range().end.index
        found.append((node, any(c.kind() == "," and c.range().start.index >= last_end for c in children)))
    return found


def trailing_comma_edits(root: SgNode, mode: str, *, remove: bool = True) -> list[tuple[int, int, str]]:
    """Edits (start, end, replacement) that give every multi-line list under `root` the mode's comma
    (`remove=False`: only add the mode's commas, leave the others as written)."""
    wanted = ALL_LISTS if mode == "all" else ES5_LISTS if mode == "es5" else frozenset()
    edits: list[tuple[int, int, str]] = []
    for node, has_comma in _multi_line_lists(root):
        children = node.children()
        last = [child for child in children[1:-1] if child.is_named() and child.kind() != "comment"][-1]
        if node.kind() in wanted and not has_comma and not _is_rest(last):
            edits.append((last.range().end.index, last.range().end.index, ","))
        elif remove and node.kind() not in wanted and has_comma:
            comma = next(c for c in children if c.kind() == "," and c.range().start.index >= last.range().end.index)
            edits.append((comma.range().start.index, comma.range().end.index, ""))
    return edits


def _is_rest(element: SgNode) -> bool:
    """`...rest` (TypeScript wraps it in a required_parameter): nothing may follow it."""
    if element.kind() in REST_KINDS:
        return True
    first = next((child for child in element.children() if child.is_named()), None)
    return element.kind() in ("required_parameter", "optional_parameter") and first is not None and first.kind() in REST_KINDS
