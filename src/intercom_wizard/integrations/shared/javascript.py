"""TypeScript templates as the JavaScript a JavaScript project gets, for the front ends that write
.ts/.tsx templates (Next.js, React): `strip_types` removes the type syntax, and this also drops the
type-only imports it keeps (`import type ...`, `type X` specifiers), which JavaScript does not have."""

import re

from intercom_wizard.edits import parse
from intercom_wizard.typescript import strip_types


def to_javascript(source: str, *, jsx: bool = False) -> str:
    """`source` (TypeScript, or TSX with `jsx`) as JavaScript, without its type-only imports."""
    javascript = strip_types(_without_type_specifiers(source, "tsx" if jsx else "typescript"), jsx=jsx)
    for node in sorted(parse(javascript, "javascript").find_all(kind="import_statement"), key=lambda n: -n.range().start.index):
        if node.text().startswith("import type "):
            start, end = node.range().start.index, node.range().end.index
            javascript = javascript[:start] + javascript[end:].removeprefix("\n")
    return javascript


def _without_type_specifiers(source: str, grammar: str) -> str:
    """`import { a, type B } from 'm'` as `import { a } from 'm'` (strip_types keeps import statements)."""
    for node in sorted(parse(source, grammar).find_all(kind="import_statement"), key=lambda n: -n.range().start.index):
        start, end = node.range().start.index, node.range().end.index
        statement = re.sub(r"\btype\s+\w+\s*,\s*", "", re.sub(r",\s*type\s+\w+", "", node.text()))
        source = source[:start] + statement + source[end:]
    return source
