"""Our generated Python, written for the project's Python when that is older than 3.10.

Annotations of function signatures and module/class variables are evaluated when the module is
imported, and FastAPI evaluates them again to build its dependencies, so `from __future__ import
annotations` is no cure: `dict[str, Any] | None` raises TypeError on Python 3.9. The templates are
written in today's idiom; for an older project each evaluated annotation is rewritten to the
`typing` spelling that version understands (`Optional[...]`, `Union[...]`, and before 3.9 `Dict`,
`List`, ... and typing's `Annotated` from typing_extensions, collections.abc generics from typing),
and the names it needs are imported.
"""

import ast
from collections.abc import Iterator
from dataclasses import replace

from intercom_wizard.plan import FileChange
from intercom_wizard.tree import ProjectTree, folder_of
from intercom_wizard.versions import language_level

BUILTIN_GENERICS = {"dict": "Dict", "list": "List", "tuple": "Tuple", "set": "Set", "frozenset": "FrozenSet", "type": "Type"}


class _Rewriter(ast.NodeTransformer):
    def __init__(self, level: tuple[int, int]) -> None:
        self.level = level
        self.needed: set[str] = set()

    def visit_BinOp(self, node: ast.BinOp) -> ast.expr:
        if not isinstance(node.op, ast.BitOr):
            self.generic_visit(node)  # transforms the children in place
            return node
        members = [self.visit(member) for member in _union_members(node)]
        others = [m for m in members if not (isinstance(m, ast.Constant) and m.value is None)]
        if len(others) < len(members):
            self.needed.add("Optional")
            inner = others[0] if len(others) == 1 else self._union(others)
            return ast.Subscript(ast.Name("Optional", ast.Load()), inner, ast.Load())
        return self._union(members)

    def _union(self, members: list[ast.expr]) -> ast.expr:
        self.needed.add("Union")
        return ast.Subscript(ast.Name("Union", ast.Load()), ast.Tuple(members, ast.Load()), ast.Load())

    def visit_Subscript(self, node: ast.Subscript) -> ast.expr:
        self.generic_visit(node)  # transforms the children in place
        if self.level < (3, 9) and isinstance(node.value, ast.Name) and node.value.id in BUILTIN_GENERICS:
            name = BUILTIN_GENERICS[node.value.id]
            self.needed.add(name)
            node.value = ast.Name(name, ast.Load())
        return node


def _union_members(node: ast.expr) -> Iterator[ast.expr]:
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        yield from _union_members(node.left)
        yield from _union_members(node.right)
    else:
        yield node


def downlevel(source: str, level: tuple[int, int]) -> str:
    """`source` with its evaluated annotations spelled for Python `level` (unchanged from 3.10 on)."""
    if level >= (3, 10):
        return source
    from intercom_wizard.outputcheck import evaluated_annotations  # outputcheck loads `packaging`: only for old Pythons

    try:
        module = ast.parse(source)
    except SyntaxError:
        return source  # not ours to repair: the output check names the file and the error
    if any(isinstance(n, ast.ImportFrom) and n.module == "__future__" and any(a.name == "annotations" for a in n.names) for n in module.body):
        if not _fastapi(module):
            return source  # annotations stay strings nobody evaluates
    rewriter = _Rewriter(level)
    lines = source.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    edits: list[tuple[int, int, str]] = []
    for annotation in evaluated_annotations(module):
        before = ast.unparse(annotation)
        rewritten = rewriter.visit(ast.parse(before, mode="eval").body)
        after = ast.unparse(rewritten)
        # end_lineno/end_col_offset are None only on nodes built by hand; ast.parse always sets them.
        if after != before and annotation.end_lineno is not None and annotation.end_col_offset is not None:
            start = offsets[annotation.lineno - 1] + _char_offset(lines[annotation.lineno - 1], annotation.col_offset)
            end = offsets[annotation.end_lineno - 1] + _char_offset(lines[annotation.end_lineno - 1], annotation.end_col_offset)
            edits.append((start, end, after))
    for start, end, text in sorted(edits, reverse=True):
        source = source[:start] + text + source[end:]
    return _imports_for(source, rewriter.needed, level)


def _char_offset(line: str, byte_offset: int) -> int:
    """ast's column offsets count UTF-8 bytes."""
    return len(line.encode("utf-8")[:byte_offset].decode("utf-8"))


def _fastapi(module: ast.Module) -> bool:
    return any(isinstance(n, ast.ImportFrom) and (n.module or "").split(".")[0] == "fastapi" for n in module.body)


def _imports_for(source: str, needed: set[str], level: tuple[int, int]) -> str:
    """Add the typing names the rewrite uses; before 3.9 take Annotated from typing_extensions and
    collections.abc's generics from typing (they cannot be subscripted there)."""
    module = ast.parse(source)
    lines = source.splitlines(keepends=True)
    typing_span: tuple[int, int] | None = None
    typing_names: list[str] = []
    extensions: list[str] = []
    for node in module.body:
        if isinstance(node, ast.ImportFrom) and node.module == "typing" and typing_span is None:
            typing_span, typing_names = (node.lineno - 1, node.end_lineno or node.lineno), [a.name for a in node.names]
        elif level < (3, 9) and isinstance(node, ast.ImportFrom) and node.module == "collections.abc":
            lines[node.lineno - 1] = lines[node.lineno - 1].replace("from collections.abc import", "from typing import", 1)
    if level < (3, 9) and "Annotated" in typing_names:
        typing_names.remove("Annotated")
        extensions.append("Annotated")
    names = sorted(set(typing_names) | needed)
    if not needed and not extensions:
        return "".join(lines)
    statement = f"from typing import {', '.join(names)}\n" if names else ""
    statement += "from typing_extensions import Annotated\n" if extensions else ""
    if typing_span is not None:
        lines[typing_span[0] : typing_span[1]] = [statement]
    else:
        first_import = next((n.lineno - 1 for n in module.body if isinstance(n, (ast.Import, ast.ImportFrom)) and getattr(n, "module", None) != "__future__"), 0)
        lines.insert(first_import, statement)
    return "".join(lines)


def fit_created_python(tree: ProjectTree, changes: list[FileChange]) -> list[FileChange]:
    """The plan's new Python modules, spelled for the Python each one's app declares."""
    fitted = []
    for change in changes:
        if change.action == "create" and change.path.endswith(".py"):
            level = language_level(tree, folder_of(change.path), "python")
            if level is not None and level.release < (3, 10, 0):
                change = replace(change, after=downlevel(change.after, (level.release[0], level.release[1])))
        fitted.append(change)
    return fitted
