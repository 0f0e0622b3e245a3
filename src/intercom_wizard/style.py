"""The project's JavaScript/TypeScript style, for code we write where no formatter is installed.

One place decides how our snippets and generated modules look in someone else's code base: quotes,
semicolons, indentation, and whether `void promise()` is allowed. The evidence, strongest first:
the formatter's configuration (prettier's `semi`, `singleQuote`, `tabWidth`, `useTabs`), the lint
configuration's rules (`semi`, `quotes`, `no-void`, the `standard` style), then the file itself (or,
for a new file, the project's own source files). Templates are written with single quotes,
semicolons and two-space indentation; `restyle_js` turns them into the project's style on the
syntax tree (ast-grep), so a string's content or a template literal is never touched.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

from ast_grep_py import SgNode

from intercom_wizard.edits import parse
from intercom_wizard.js_commas import (
    trailing_comma_edits,
    trailing_comma_from_code,
    trailing_comma_from_eslint,
    trailing_comma_from_prettier,
)
from intercom_wizard.js_config import ESLINT_FILES, PRETTIER_FILES, folders_up, join_path, loose_prettier_config, project_import_order, read_config
from intercom_wizard.js_wrap import wrap_long_imports
from intercom_wizard.tree import ProjectTree

if TYPE_CHECKING:
    from intercom_wizard.js_import_order import ImportOrder

DEFAULT_QUOTE = "'"
SAMPLE_FILES = 20
# Larger files are bundles or vendored libraries (a framework's build), not the project's own style.
SAMPLE_MAX_BYTES = 64 * 1024
# A statement may not lose its semicolon when the next line starts with one of these (ASI hazards).
ASI_HAZARDS = ("(", "[", "`", "+", "-", "/")
STATEMENT_END_PARENTS = frozenset(
    {
        "expression_statement", "lexical_declaration", "variable_declaration", "import_statement", "export_statement",
        "return_statement", "throw_statement", "break_statement", "continue_statement", "debugger_statement",
        "do_statement", "type_alias_declaration", "public_field_definition", "field_definition", "abstract_method_signature",
        "ambient_declaration", "import_alias",
    }
)

@dataclass(frozen=True)
class JsStyle:
    """How the project writes JavaScript/TypeScript: what our created and inserted code follows."""

    quote: str = DEFAULT_QUOTE
    semicolons: bool = True
    indent: str = "  "
    allows_void: bool = True
    trailing_commas: str | None = None  # "all", "es5", "none"; None: our lists as written
    commas_configured: bool = False  # trailing_commas comes from prettier/ESLint configuration, not code
    import_order: ImportOrder | None = None  # ESLint's import order rule: how a created file's imports are laid out
    print_width: int | None = None  # prettier's printWidth where a configuration names prettier (js_wrap.py)

    def restyle(self, text: str, language: str, *, reindent: bool = True) -> str:
        return restyle_js(text, language, self, reindent=reindent)

    def floating_call(self, call: str) -> str:
        """A statement that starts a promise and deliberately does not wait for it.

        `void call()` unless the lint config forbids `no-void`; then `.catch` handles the rejection,
        which also satisfies typescript-eslint's no-floating-promises.
        """
        end = ";" if self.semicolons else ""
        if self.allows_void:
            return f"void {call}{end}"
        return f"{call}.catch(() => undefined){end}"


@dataclass
class _Evidence:
    """What the project's configuration and code say of each style point; None where nothing does."""

    quote: str | None = None
    semicolons: bool | None = None
    indent: str | None = None
    allows_void: bool | None = None
    trailing_commas: str | None = None
    commas_configured: bool | None = None
    print_width: int | None = None

    def fill(self, other: _Evidence) -> None:
        for name in ("quote", "semicolons", "indent", "allows_void", "trailing_commas", "commas_configured", "print_width"):
            if getattr(self, name) is None:
                setattr(self, name, getattr(other, name))


def infer_js_style(tree: ProjectTree, path: str, *, ours: frozenset[str] = frozenset()) -> JsStyle:
    """The style for `path` (an existing file, or one about to be created): configuration first, then code.

    `ours` are files the wizard wrote: never evidence (a second install must see the same style)."""
    evidence = _Evidence()
    for folder in folders_up(path):
        evidence.fill(_config_evidence(tree, folder))
    if path not in ours and tree.exists(path) and tree.resolve(path).is_file():
        evidence.fill(_code_evidence([tree.text(path)]))
    if None in (evidence.quote, evidence.semicolons, evidence.indent, evidence.trailing_commas):
        evidence.fill(_code_evidence([tree.text(p) for p in _sample(tree, path) if p not in ours and p != path]))
    return JsStyle(
        quote=evidence.quote or DEFAULT_QUOTE,
        semicolons=True if evidence.semicolons is None else evidence.semicolons,
        indent=evidence.indent or "  ",
        allows_void=True if evidence.allows_void is None else evidence.allows_void,
        trailing_commas=evidence.trailing_commas,
        commas_configured=bool(evidence.commas_configured),
        import_order=project_import_order(tree, path),
        print_width=evidence.print_width,
    )


def _config_evidence(tree: ProjectTree, folder: str) -> _Evidence:
    evidence = _Evidence()
    manifest: dict[str, Any] = {}  # package.json: JSON values of any type
    raw = read_config(tree, join_path(folder, "package.json"))
    if raw:
        try:
            loaded = json.loads(raw)
            manifest = loaded if isinstance(loaded, dict) else {}
        except ValueError:
            manifest = {}
    prettier: dict[str, Any] | None = manifest.get("prettier") if isinstance(manifest.get("prettier"), dict) else None
    for name in PRETTIER_FILES:
        text = read_config(tree, join_path(folder, name))
        if text is not None and prettier is None:
            prettier = loose_prettier_config(text)
    if prettier is not None:
        evidence.semicolons = bool(prettier.get("semi", True))
        evidence.quote = "'" if prettier.get("singleQuote") else '"'
        if prettier.get("useTabs"):
            evidence.indent = "\t"
        elif isinstance(prettier.get("tabWidth"), int):
            evidence.indent = " " * prettier["tabWidth"]
        else:
            evidence.indent = "  "
        evidence.trailing_commas = trailing_comma_from_prettier(prettier, manifest)
        evidence.commas_configured = True
        evidence.print_width = prettier["printWidth"] if isinstance(prettier.get("printWidth"), int) else 80
    lint = " ".join(filter(None, (read_config(tree, join_path(folder, name)) for name in ESLINT_FILES)))
    lint += " " + json.dumps(manifest.get("eslintConfig", ""))
    dependencies = {**(manifest.get("dependencies") or {}), **(manifest.get("devDependencies") or {})}
    if "standard" in dependencies or "eslint-config-standard" in dependencies or re.search(r"['\"]standard['\"]", lint):
        # standard's rules include no-void (found by tests/test_formatting_biome_standard.py with the real tool)
        evidence.fill(_Evidence(quote="'", semicolons=False, indent="  ", allows_void=False, trailing_commas="none"))
    if re.search(r"['\"]?\bsemi['\"]?\s*:\s*\[?\s*['\"]?(error|warn|2|1)['\"]?\s*,\s*['\"]never['\"]", lint):
        evidence.semicolons = False
    quotes = re.search(r"['\"]?\bquotes['\"]?\s*:\s*\[\s*['\"]?(error|warn|2|1)['\"]?\s*,\s*['\"](single|double)['\"]", lint)
    if quotes:
        evidence.quote = "'" if quotes.group(2) == "single" else '"'
    if evidence.trailing_commas is None:
        evidence.trailing_commas = trailing_comma_from_eslint(lint)
        evidence.commas_configured = evidence.trailing_commas is not None or None
    if re.search(r"['\"]no-void['\"]\s*:\s*\[?\s*['\"]?(error|warn|2|1)\b", lint):
        evidence.allows_void = False
    return evidence


def _sample(tree: ProjectTree, path: str) -> list[str]:
    """The project's own source files nearest to `path` (same folder first), our files excluded."""
    suffixes = (".ts", ".tsx", ".js", ".jsx", ".mjs", ".vue")
    folder = PurePosixPath(path).parent.as_posix()
    candidates = [
        p
        for p in tree.glob(*suffixes)
        if "intercom" not in p.lower() and not p.endswith((".min.js", ".d.ts")) and tree.resolve(p).stat().st_size <= SAMPLE_MAX_BYTES
    ]
    candidates.sort(key=lambda p: (not p.startswith(folder + "/"), p.count("/"), p))
    return candidates[:SAMPLE_FILES]


def _code_evidence(texts: list[str]) -> _Evidence:
    """Quotes of import sources and strings, semicolons at statement ends, the indentation step."""
    single = double = with_semicolon = without_semicolon = 0
    widths: list[int] = []
    tabs = 0
    for text in texts:
        for line in text.splitlines():
            stripped = line.strip()
            if stripped.startswith(("import ", "export ", "const ", "let ", "return ")) or re.match(r"^[\w.]+\(.*\)\s*;?$", stripped):
                if stripped.endswith(";"):
                    with_semicolon += 1
                elif stripped.endswith((")", "'", '"', "]")) or re.search(r"\w$", stripped):
                    without_semicolon += 1
            if stripped.startswith(("import ", "export ")) or " from " in stripped:
                single += stripped.count("'")
                double += stripped.count('"')
            if line.startswith("\t"):
                tabs += 1
            elif line.startswith(" ") and stripped and not stripped.startswith("*"):
                widths.append(len(line) - len(line.lstrip(" ")))
    evidence = _Evidence()
    if single or double:
        evidence.quote = "'" if single >= double else '"'
    if with_semicolon or without_semicolon:
        evidence.semicolons = with_semicolon >= without_semicolon
    if tabs > len(widths):
        evidence.indent = "\t"
    elif widths:
        evidence.indent = " " * min(widths)
    evidence.trailing_commas = trailing_comma_from_code(texts)
    return evidence


# -- rewriting code into a style ----------------------------------------------------------------


def restyle_js(text: str, language: str, style: JsStyle, *, reindent: bool = True) -> str:
    """Our single-quoted, semicolon-terminated, two-space code in `style`; unchanged if it does not parse.

    Snippets inserted into an existing file are already indented like their spot: `reindent=False`."""
    root = parse(text, language)
    if root.find(kind="ERROR") is not None:
        return text
    if not style.allows_void:
        text = _apply(text, _void_edits(root))
        root = parse(text, language)
    edits: list[tuple[int, int, str]] = []
    if style.quote != DEFAULT_QUOTE:
        edits += _quote_edits(root, style.quote)
    if not style.semicolons:
        # prettier's `semi: false`: a statement that starts with `(`, `[` or a template literal gets a
        # leading `;` (the line before then loses its own, like every other).
        hazards = {statement.range().start.index for statement in _walk(root)
                   if statement.kind() == "expression_statement" and statement.text().startswith(ASI_HAZARDS)
                   and not _after_empty_statement(statement)}
        edits += [(start, start, ";") for start in sorted(hazards)]
        edits += _semicolon_edits(root, text, hazards) + _member_semicolon_edits(root, text)
    if style.trailing_commas is not None:
        # A plain script (no import/export) may run unbundled in old browsers: commas after call
        # arguments and parameters are ES2017 syntax, so only the ES5 ones there - unless the
        # project's prettier/ESLint configuration asks for them (its own check would flag ours).
        plain = language == "javascript" and root.find(kind="import_statement") is None and root.find(kind="export_statement") is None
        if plain and style.trailing_commas == "all" and not style.commas_configured:
            edits += trailing_comma_edits(root, "es5", remove=False)
        else:
            edits += trailing_comma_edits(root, style.trailing_commas)
    result = _apply(text, edits)
    if reindent and style.import_order is not None:  # a whole file we create (snippets come with reindent=False)
        from intercom_wizard.js_import_order import arrange_imports  # only with an import order rule (issue 14)

        result = arrange_imports(result, language, style.import_order)
    if reindent and style.indent != "  ":
        result = _reindent(result, language, style.indent)
    if reindent and style.print_width:  # a whole file we create: its imports as prettier lays them out
        result = wrap_long_imports(result, style.print_width, indent=style.indent, trailing_comma=style.trailing_commas in ("all", "es5"))
    return result


def _void_edits(root: SgNode) -> list[tuple[int, int, str]]:
    """`void promise()` (a deliberately unawaited call) as `promise().catch(() => undefined)`."""
    edits = []
    for node in root.find_all(kind="unary_expression"):
        operator = node.child(0)
        argument = node.field("argument")
        if operator is None or operator.text() != "void" or argument is None or argument.kind() != "call_expression":
            continue
        span = node.range()
        edits.append((span.start.index, span.end.index, f"{argument.text()}.catch(() => undefined)"))
    # Outermost first would overlap inner ones; our templates never nest them, so keep the outer.
    edits.sort()
    kept: list[tuple[int, int, str]] = []
    for edit in edits:
        if not kept or edit[0] >= kept[-1][1]:
            kept.append(edit)
    return kept


def _quote_edits(root: SgNode, quote: str) -> list[tuple[int, int, str]]:
    edits = []
    for node in root.find_all(kind="string"):
        parent = node.parent()
        if parent is not None and parent.kind() in ("jsx_attribute",):
            continue
        raw = node.text()
        body = raw[1:-1]
        if raw[:1] == quote or quote in body or "\\" in body:
            continue
        span = node.range()
        edits.append((span.start.index, span.end.index, quote + body + quote))
    return edits


def _after_empty_statement(statement: SgNode) -> bool:
    """`;[1].map(f)`: the statement has its leading `;` already (an empty statement before it)."""
    before = statement.prev()
    return before is not None and before.kind() == "empty_statement"


def _semicolon_edits(root: SgNode, text: str, guarded: Collection[int] = ()) -> list[tuple[int, int, str]]:
    """Statement-ending semicolons to remove; one before an ASI hazard stays unless that statement
    (its start in `guarded`) gets a leading `;` of its own."""
    edits = []
    for statement in _walk(root):
        children = statement.children()
        if statement.kind() not in STATEMENT_END_PARENTS or not children or children[-1].kind() != ";":
            continue
        node = children[-1]
        end = node.range().end.index
        newline = text.find("\n", end)
        same_line = text[end : len(text) if newline == -1 else newline].strip()
        if same_line and not same_line.startswith("//"):
            continue  # more code follows on the same line
        following = _next_code(text, end)
        if following.startswith(ASI_HAZARDS) and len(text) - len(following) not in guarded:
            continue
        edits.append((node.range().start.index, end, ""))
    return edits


def _member_semicolon_edits(root: SgNode, text: str) -> list[tuple[int, int, str]]:
    """A TypeScript object type's or interface's `;` at the end of a member's line (prettier's
    `semi: false` writes its multi-line members with none; `{ a: string; b: number }` keeps them)."""
    edits = []
    for node in _walk(root):
        if node.kind() in ("object_type", "interface_body"):
            for separator in (child for child in node.children() if child.kind() == ";"):
                end = separator.range().end.index
                line_end = text.find("\n", end)
                rest = text[end : len(text) if line_end == -1 else line_end].strip()
                if not rest or rest.startswith("//"):
                    edits.append((separator.range().start.index, end, ""))
    return edits


def _next_code(text: str, offset: int) -> str:
    """The text from the next token after `offset`, past whitespace and comments."""
    rest = text[offset:]
    while True:
        rest = rest.lstrip()
        if rest.startswith("//"):
            newline = rest.find("\n")
            rest = "" if newline == -1 else rest[newline:]
        elif rest.startswith("/*"):
            close = rest.find("*/")
            rest = "" if close == -1 else rest[close + 2 :]
        else:
            return rest


def _walk(root: SgNode) -> list[SgNode]:
    """Every node (grammars differ in their kinds, so no kind filter that one of them would reject)."""
    found, stack = [], [root]
    while stack:
        node = stack.pop()
        found.append(node)
        stack.extend(child for child in node.children() if child.is_named())
    return found


def _apply(text: str, edits: list[tuple[int, int, str]]) -> str:
    for start, end, replacement in sorted(edits, reverse=True):
        text = text[:start] + replacement + text[end:]
    return text


def _reindent(text: str, language: str, indent: str) -> str:
    """Two-space steps to the project's step, leaving lines inside multi-line template literals alone."""
    frozen: set[int] = set()
    for node in parse(text, language).find_all(kind="template_string"):
        span = node.range()
        frozen.update(range(span.start.line + 1, span.end.line + 1))
    lines = text.splitlines(keepends=True)
    result = []
    for number, line in enumerate(lines):
        spaces = len(line) - len(line.lstrip(" "))
        if number in frozen or not line.strip():
            result.append(line)
            continue
        result.append(indent * (spaces // 2) + " " * (spaces % 2) + line[spaces:])
    return "".join(result)


def signature(text: str) -> str:
    """The code with everything a formatter may change removed: whitespace, semicolons, commas, quote kinds.

    A snippet whose signature is in a file's signature is already there, however it was formatted.
    """
    return re.sub(r"[\s;,]", "", text).replace('"', "'")


def js_language(path: str) -> str | None:
    """The ast-grep grammar for a JavaScript/TypeScript file (JavaScript's reads JSX too), None for others."""
    if path.endswith(".tsx"):
        return "tsx"
    if path.endswith((".ts", ".mts", ".cts")):
        return "typescript"
    if path.endswith((".js", ".jsx", ".mjs", ".cjs")):
        return "javascript"
    return None
