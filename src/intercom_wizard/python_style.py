"""The import block of a Python module we create, sorted as isort/ruff (`I001`) would sort it.

Used where the project has no Python formatter installed: a generated module whose imports mix
our fixed ones with the project's own (a Django view importing the project's authentication
classes) must still pass the project's `ruff check` / `isort --check`. The result is what ruff's
default isort settings produce: sections `__future__`, standard library, third party, first party
(the project's own top-level packages), relative; `import x` lines before `from x import y` lines
in each section, modules compared case-insensitively, names ordered constants, classes, then the
rest, one `from` line per module, wrapped black-style past the project's line length (88 by default).
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Collection
from dataclasses import dataclass, field

from ast_grep_py import SgNode

from intercom_wizard.tree import ProjectTree

LINE_LENGTH = 88  # black's and ruff's default


@dataclass
class _Section:
    """The imports of one section of an import block (standard library, third party, first party)."""

    plain: set[str] = field(default_factory=set)  # `import x` / `import x as y`
    names: dict[str, set[str]] = field(default_factory=dict)  # module -> `name` / `name as alias`


def sort_python_imports(text: str, first_party: Collection[str], line_length: int = LINE_LENGTH) -> str:
    """`text` with its leading import block sorted; unchanged when the block holds comments or
    anything but imports (we never move code we cannot read completely)."""
    lines = text.splitlines(keepends=True)
    start, end = _import_block(text, lines)
    if start is None:
        return text
    block = "".join(lines[start:end])
    if "#" in block:
        return text
    try:
        statements = ast.parse(block).body
    except SyntaxError:
        return text
    sections: dict[int, _Section] = {}
    for statement in statements:
        if isinstance(statement, ast.Import):
            for alias in statement.names:
                rank = _rank(alias.name, 0, first_party)
                sections.setdefault(rank, _Section()).plain.add(_alias(alias))
        elif isinstance(statement, ast.ImportFrom):
            module = "." * statement.level + (statement.module or "")
            rank = _rank(statement.module or "", statement.level, first_party)
            names = sections.setdefault(rank, _Section()).names.setdefault(module, set())
            names.update(_alias(alias) for alias in statement.names)
        else:
            return text
    rendered = "\n\n".join(_render(sections[rank], line_length) for rank in sorted(sections))
    return "".join(lines[:start]) + rendered + "\n" + "".join(lines[end:])


def first_party_modules(tree: ProjectTree) -> set[str]:
    """The project's own top-level Python packages and modules (a `src/` layout looked through)."""
    names: set[str] = set()
    for path in tree.glob(".py"):
        parts = path.split("/")
        if parts[0] == "src" and len(parts) > 1:
            parts = parts[1:]
        names.add(parts[0] if len(parts) > 1 else parts[0].removesuffix(".py"))
    return names


def _import_block(text: str, lines: list[str]) -> tuple[int | None, int]:
    """The line range of the first run of top-level import statements (and blank lines between them)."""
    try:
        module = ast.parse(text)
    except SyntaxError:
        return None, 0
    imports: list[ast.stmt] = []
    for statement in module.body:
        if isinstance(statement, (ast.Import, ast.ImportFrom)):
            imports.append(statement)
        elif imports:
            break
    if not imports:
        return None, 0
    end = imports[-1].end_lineno or imports[-1].lineno
    return imports[0].lineno - 1, end if end <= len(lines) else len(lines)


def _alias(alias: ast.alias) -> str:
    return f"{alias.name} as {alias.asname}" if alias.asname else alias.name


def _rank(module: str, level: int, first_party: Collection[str]) -> int:
    top = module.split(".")[0]
    if level:
        return 4
    if top == "__future__":
        return 0
    if top in sys.stdlib_module_names:
        return 1
    return 3 if top in first_party else 2


def _module_key(module: str) -> tuple[str, str]:
    return module.lower(), module


def _name_key(name: str) -> tuple[int, str, str]:
    """ruff's order-by-type: CONSTANTS, then Classes, then everything else."""
    bare = name.split(" as ")[0]
    kind = 0 if bare.isupper() and len(bare) > 1 else 1 if bare[:1].isupper() else 2
    return kind, bare.lower(), name


def _render(section: _Section, line_length: int) -> str:
    lines = [f"import {name}" for name in sorted(section.plain, key=_module_key)]
    for module in sorted(section.names, key=lambda m: _module_key(m.lstrip(".")) if not m.startswith(".") else ("", m)):
        names = sorted(section.names[module], key=_name_key)
        plain = [name for name in names if " as " not in name]
        if plain:
            lines.append(_from_line(module, plain, line_length))
        # ruff's combine-as-imports is off by default: each `name as alias` has a line of its own.
        lines.extend(_from_line(module, [name], line_length) for name in names if " as " in name)
    return "\n".join(lines)


def _from_line(module: str, names: list[str], line_length: int) -> str:
    one_line = f"from {module} import {', '.join(names)}"
    if len(one_line) <= line_length:
        return one_line
    inner = "".join(f"    {name},\n" for name in names)
    return f"from {module} import (\n{inner})"


IMPORT_KINDS = ("import_statement", "import_from_statement", "future_import_statement")


def import_group(last: SgNode) -> list[SgNode]:
    """The import statements of `last`'s group: it and the imports right above it, up to a blank line."""
    group = [last]
    node = last.prev()
    while node is not None and node.kind() in IMPORT_KINDS and group[0].range().start.line - node.range().end.line == 1:
        group.insert(0, node)
        node = node.prev()
    return group


def import_sort_key(statement: str) -> tuple[int, str, str]:
    """Where isort/ruff put a statement in its section: `import x` lines first, then `from x import`, by module."""
    words = statement.split()
    module = words[1] if len(words) > 1 else ""
    return (1 if words[:1] == ["from"] else 0), module.lower(), module
