"""TypeScript templates as the JavaScript a JavaScript project gets, for the front ends that write
.ts/.tsx templates (Next.js, React): `strip_types` removes the type syntax, and this also drops the
type-only imports it keeps (`import type ...`, `type X` specifiers), which JavaScript does not have,
and puts back on one line a parameter list that only its types made wider than 80 columns."""

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
    return _rejoined_parameters(javascript)


PRINT_WIDTH = 80  # prettier's default: the templates break a signature only past it
# A parameter list laid out one name per line (`f(\n  req,\n  res,\n) {`), as the TypeScript was.
_BROKEN_PARAMETERS = re.compile(r"^(?P<head>[^\n]*\()\n(?P<names>(?:[ \t]+[\w$]+,?\n)+)[ \t]*\)(?P<tail>[^\n]*)$", re.MULTILINE)


def _rejoined_parameters(javascript: str) -> str:
    """Each parameter list that fits on one line without its types, on one line (as prettier puts it)."""
    def rejoin(match: re.Match[str]) -> str:
        names = [name.strip().rstrip(",") for name in match["names"].splitlines()]
        line = f"{match['head']}{', '.join(names)}){match['tail']}"
        return line if len(line) <= PRINT_WIDTH else match.group(0)

    return _BROKEN_PARAMETERS.sub(rejoin, javascript)


def _without_type_specifiers(source: str, grammar: str) -> str:
    """`import { a, type B } from 'm'` as `import { a } from 'm'` (strip_types keeps import statements)."""
    for node in sorted(parse(source, grammar).find_all(kind="import_statement"), key=lambda n: -n.range().start.index):
        start, end = node.range().start.index, node.range().end.index
        statement = re.sub(r"\btype\s+\w+\s*,\s*", "", re.sub(r",\s*type\s+\w+", "", node.text()))
        source = source[:start] + statement + source[end:]
    return source
