"""`install --upgrade`: removing the server's user_hash computation once the JWT replaces it.

Each back end computes the deprecated HMAC in its own idiom; this module finds the smallest piece of
code that exists only for it and removes it when nothing else reads what it defines:
- Python (Flask, Django): a top-level function (a context processor) that returns one template
  variable; Django's registration of it in settings.TEMPLATES goes with it;
- JavaScript (Express): a top-level function, an `app.use(...)` middleware that only sets
  `res.locals.<name>` from `crypto.createHmac` and calls `next()`, or a `const` in a route handler;
  a JSON answer that hands the result to the client (`res.json({ ..., user_hash: hash })`, a login
  or "who am I" answer the client feeds to its boot) loses that property, as the JWT replaces it;
- PHP (plain pages, Laravel): a function or method that only returns `hash_hmac(...)`, or the statement
  assigning it to a variable (with its `<?php ... ?>` block when that held nothing else);
- Ruby (Rails, Sinatra): a method (a helper) that only returns `OpenSSL::HMAC...`.
The imports only that code needed (`hmac`/`hashlib`, `crypto`, `openssl`) go too. Every removal is a
replacement the receipt records, so `uninstall` puts the original bytes back.
"""

import ast
import re
from dataclasses import dataclass

from ast_grep_py import SgNode

from intercom_wizard.edits import line_end, line_start, parse
from intercom_wizard.tree import ProjectTree

# The files whose text may read what the hash code defines (template variables, helpers, functions).
READER_SUFFIXES = (
    ".html", ".htm", ".jinja", ".j2", ".njk", ".erb", ".ejs", ".php", ".hbs", ".py", ".rb", ".js", ".mjs", ".cjs", ".ts",
)
LANGUAGES = {".js": "javascript", ".mjs": "javascript", ".cjs": "javascript", ".ts": "typescript", ".php": "php", ".rb": "ruby"}
HMAC_PATTERNS = {"javascript": "$C.createHmac($$$)", "typescript": "$C.createHmac($$$)", "php": "hash_hmac($$$)", "ruby": "OpenSSL::HMAC.$M($$$)"}
FUNCTION_KINDS = {
    "javascript": ("function_declaration",),
    "typescript": ("function_declaration",),
    "php": ("function_definition", "method_declaration"),
    "ruby": ("method",),
}
LOCALS_ASSIGNMENT = re.compile(r"\bres\.locals\.([A-Za-z_$][\w$]*)\s*=")
JS_CRYPTO_IMPORT = re.compile(
    r"""^(?:(?:const|let|var)\s+(?P<binding>[\w$]+|\{[^}]*\})\s*=\s*require\(\s*["'](?:node:)?crypto["']\s*\)"""
    r"""|import\s+(?:\*\s+as\s+)?(?P<imported>[\w$]+|\{[^}]*\})\s+from\s+["'](?:node:)?crypto["'])\s*;?\s*$""",
    re.MULTILINE,
)
PHP_ASSIGNMENT = re.compile(r"\s*(\$[A-Za-z_]\w*)\s*=(?!=)")
RUBY_OPENSSL_REQUIRE = re.compile(r"""^require\s+["']openssl["']\s*$""", re.MULTILINE)


@dataclass(frozen=True)
class HashCode:
    """The lines [start, end) that compute user_hash, and the names they define for others to read."""

    start: int
    end: int
    names: frozenset[str]
    described: str  # for messages: "intercom_identity()", "$intercomUserHash", "the app.use middleware"


@dataclass(frozen=True)
class Removal:
    """What removing the hash code takes out of the project: (path, offset, original text) edits."""

    edits: list[tuple[str, int, str]]
    names: frozenset[str]


def find_removal(tree: ProjectTree, path: str, line: int, protected: dict[str, list[tuple[int, int]]]) -> Removal | str:
    """The edits that remove the user_hash code at `path:line`, or why it stays (a sentence).

    `protected` holds, per file, the ranges another upgrade edit already takes out (the snippet's
    <script> blocks): what reads the names there goes with them, so it does not count as a reader.
    """
    text = tree.text(path)
    suffix = "." + path.rsplit(".", 1)[-1]
    code = _python_code(text, line) if suffix == ".py" else _tree_code(text, LANGUAGES.get(suffix, ""), line)
    if isinstance(code, str):
        return code
    edits = [(path, code.start, text[code.start : code.end])]
    # Blanked to the same length, so the protected offsets in this file still hold.
    remaining = text[: code.start] + _blank(text[code.start : code.end]) + text[code.end :]
    if LANGUAGES.get(suffix) in ("javascript", "typescript"):
        for start, replaced in _answer_properties(remaining, LANGUAGES[suffix], code.names):
            edits.append((path, start, replaced))
            remaining = remaining[:start] + _blank(replaced) + remaining[start + len(replaced) :]
    readers = []
    for other in tree.glob(*READER_SUFFIXES):
        other_text = remaining if other == path else tree.text(other)
        for start, end in sorted(protected.get(other, []), reverse=True):
            other_text = other_text[:start] + other_text[end:]
        registration = _django_registration(other_text, code.names) if other.endswith(".py") and other != path else None
        if registration is not None:
            start, replaced = registration
            edits.append((other, start, replaced))
            other_text = other_text[:start] + other_text[start + len(replaced) :]
        if any(_mentions(other_text, name) for name in code.names):
            readers.append(other)
    if readers:
        return f"{code.described} or its result is used elsewhere ({', '.join(readers)})"
    edits.extend((path, start, replaced) for start, replaced in _unused_imports(text, suffix, remaining))
    return Removal(edits, code.names)


def _mentions(text: str, name: str) -> bool:
    return re.search(rf"(?<![\w$]){re.escape(name)}(?![\w$])", text) is not None


def _whole_lines(text: str, start: int, end: int) -> tuple[int, int]:
    """The lines holding [start, end) with the comment lines just above them, and the blank lines that
    separated them from what follows (or, at the end of a block, from what precedes them)."""
    first, last = line_start(text, start), line_end(text, max(start, end - 1))
    while first > 0 and text[line_start(text, first - 1) : first].lstrip().startswith(("#", "//", "/*", "*")):
        first = line_start(text, first - 1)
    after = last
    while after < len(text) and text[after : line_end(text, after)].strip() == "":
        after = line_end(text, after)
    following = text[after : line_end(text, after)].strip()
    if after > last and not following.startswith(("end", "}", "?>")) and after < len(text):
        return first, after
    before = first
    while before > 0 and text[line_start(text, before - 1) : before].strip() == "":
        before = line_start(text, before - 1)
    return before, last


def _python_code(text: str, line: int) -> HashCode | str:
    module = ast.parse(text)
    function = next(
        (node for node in module.body if isinstance(node, ast.FunctionDef) and node.lineno <= line <= (node.end_lineno or 0)),
        None,
    )
    if function is None:
        return "hmac.new is not inside a top-level function"
    keys: set[str] = set()
    for node in ast.walk(function):
        if isinstance(node, ast.Return) and isinstance(node.value, ast.Dict):
            keys |= {k.value for k in node.value.keys if isinstance(k, ast.Constant) and isinstance(k.value, str)}
    if len(keys) != 1:
        return f"{function.name}() returns more than the user_hash"
    lines = text.splitlines(keepends=True)
    first = min([function.lineno] + [d.lineno for d in function.decorator_list]) - 1
    start = sum(map(len, lines[:first]))
    end = sum(map(len, lines[: function.end_lineno or function.lineno]))
    start, end = _whole_lines(text, start, end)
    return HashCode(start, end, frozenset({function.name, *keys}), f"{function.name}()")


def _tree_code(text: str, language: str, line: int) -> HashCode | str:
    if not language:
        return "this kind of file is not edited"
    root = parse(_php_block_only(text, line) if language == "php" else text, language)
    call = next((node for node in root.find_all(pattern=HMAC_PATTERNS[language]) if node.range().start.line + 1 >= line - 3), None)
    if call is None:
        return "the HMAC call was not found"
    function = next((a for a in call.ancestors() if a.kind() in FUNCTION_KINDS[language]), None)
    if function is not None:
        name = function.field("name")
        if name is None or not _only_the_hash(function, call):
            return f"{name.text() if name else 'the function'}() does more than compute the user_hash"
        return _code(text, function, frozenset({name.text()}), f"{name.text()}()")
    top = next((a for a in call.ancestors() if a.parent() is not None and a.parent().kind() == "program"), None)  # type: ignore[union-attr]
    if top is None:
        return "the HMAC call is not inside a statement"
    if language in ("javascript", "typescript"):
        return _handler_constant(text, call) or _middleware(text, top, call)
    if language == "php":
        return _php_assignment(text, call)
    return "OpenSSL::HMAC is not inside a method"


def _php_block_only(text: str, line: int) -> str:
    """The page with everything but the `<?php ... ?>` block at `line` blanked (same offsets): tree-sitter-php
    folds a page's markup into the statements around it, so a template page is parsed one block at a time."""
    offset = sum(len(part) for part in text.splitlines(keepends=True)[: max(line - 1, 0)])
    opening = text.rfind("<?php", 0, offset + 1)
    if opening < 0:
        return text
    closing = text.find("?>", opening)
    closing = len(text) if closing < 0 else closing + 2
    return _blank(text[:opening]) + text[opening:closing] + _blank(text[closing:])


def _blank(text: str) -> str:
    """The text as spaces, its newlines kept: same offsets and lines, no code."""
    return re.sub(r"[^\n]", " ", text)


def _statements(function: SgNode) -> list[SgNode]:
    body = function.field("body")
    if body is None:  # Ruby's `method` keeps its statements in a body_statement child
        body = next((c for c in function.children() if c.kind() == "body_statement"), None)
    return [c for c in body.children() if c.is_named() and c.kind() != "comment"] if body is not None else []


def _only_the_hash(function: SgNode, call: SgNode) -> bool:
    """Every statement computes the hash, returns early, or calls `next()` (a middleware's hand-over)."""
    statements = _statements(function)
    return bool(statements) and all(
        s.range().start.index <= call.range().start.index < s.range().end.index
        or s.text().lstrip().startswith(("return", "next("))
        for s in statements
    )


def _code(text: str, node: SgNode, names: frozenset[str], described: str) -> HashCode:
    start, end = _whole_lines(text, node.range().start.index, node.range().end.index)
    return HashCode(start, end, names, described)


def _middleware(text: str, top: SgNode, call: SgNode) -> HashCode | str:
    """`app.use((req, res, next) => { ... res.locals.x = crypto.createHmac(...) ...; next(); })`."""
    callback = next((a for a in call.ancestors() if a.kind() in ("arrow_function", "function_expression", "function")), None)
    assigned = set(LOCALS_ASSIGNMENT.findall(top.text()))
    if top.kind() != "expression_statement" or callback is None or not assigned or ".use(" not in top.text():
        return "crypto.createHmac is not in a middleware that only sets res.locals"
    if not all(
        s.range().start.index <= call.range().start.index < s.range().end.index or re.fullmatch(r"(return\s+)?next\(\);?", s.text().strip())
        for s in _statements(callback)
    ):
        return "the middleware around crypto.createHmac does more than compute the user_hash"
    return _code(text, top, frozenset(assigned), "the app.use middleware that sets res.locals." + "/".join(sorted(assigned)))


def _handler_constant(text: str, call: SgNode) -> HashCode | None:
    """`const userHash = crypto.createHmac(...)...;` on lines of its own inside a function (a route handler)."""
    declaration = next((a for a in call.ancestors() if a.kind() in ("lexical_declaration", "variable_declaration")), None)
    parent = declaration.parent() if declaration is not None else None
    if declaration is None or parent is None or parent.kind() != "statement_block":
        return None
    declarators = [c for c in declaration.children() if c.kind() == "variable_declarator"]
    name = declarators[0].field("name") if len(declarators) == 1 else None
    start, end = declaration.range().start.index, declaration.range().end.index
    if name is None or name.kind() != "identifier" or text[line_start(text, start) : start].strip() or text[end : line_end(text, end)].strip():
        return None
    first, last = _whole_lines(text, start, end)
    return HashCode(first, last, frozenset({name.text()}), name.text())


# A JSON answer's property that hands the hash to the client: `user_hash: x`, `userHash: x(user)`.
ANSWER_KEY = re.compile(r"""^["']?(?:intercom_?)?user_?hash["']?$""", re.IGNORECASE)
ANSWER_CALLS = re.compile(r"(?:\bres(?:\.status\([^()]*\))?\.(?:json|send)|\bJSON\.stringify|\bResponse\.json)\($")


def _answer_properties(text: str, language: str, names: frozenset[str]) -> list[tuple[int, str]]:
    """The (offset, text) of each `user_hash: <name>` property in an object a response sends as JSON."""
    found = []
    for pair in parse(text, language).find_all(kind="pair"):
        key, value = pair.field("key"), pair.field("value")
        if key is None or value is None or not ANSWER_KEY.match(key.text()):
            continue
        if not any(_mentions(value.text(), name) for name in names) or not _sent_as_json(text, pair):
            continue
        found.append(_property_span(text, pair))
    return found


def _sent_as_json(text: str, pair: SgNode) -> bool:
    obj = pair.parent()
    arguments = obj.parent() if obj is not None else None
    if obj is None or arguments is None or arguments.kind() != "arguments":
        return False
    return ANSWER_CALLS.search(text[line_start(text, arguments.range().start.index) : arguments.range().start.index + 1]) is not None


def _property_span(text: str, pair: SgNode) -> tuple[int, str]:
    """The property with its comma: its whole line(s) when it has them, else the comma on one side."""
    start, end = pair.range().start.index, pair.range().end.index
    comma = re.match(r"\s*,", text[end:])
    if not text[line_start(text, start) : start].strip():
        after = end + (comma.end() if comma else 0)
        if not text[after : line_end(text, after)].strip():
            first, last = line_start(text, start), line_end(text, after)
            return first, text[first:last]
    if comma is not None:
        trailing = re.match(r",[ \t]*", text[end:])
        return start, text[start : end + (trailing.end() if trailing else 0)]
    leading = re.search(r",\s*$", text[:start])
    begin = leading.start() if leading else start
    return begin, text[begin:end]


def _php_assignment(text: str, call: SgNode) -> HashCode | str:
    statement = next((a for a in call.ancestors() if a.kind() == "expression_statement"), None)
    # Read from the text: tree-sitter-php nests `$x = $a !== null ? ... : ...` under the comparison.
    assigned = PHP_ASSIGNMENT.match(statement.text()) if statement is not None else None
    if statement is None or assigned is None:
        return "hash_hmac's result is not assigned to a variable"
    variable = assigned.group(1)
    start, end = statement.range().start.index, statement.range().end.index
    opening, closing = text.rfind("<?php", 0, start), text.find("?>", end)
    if opening >= 0 and text[opening + len("<?php") : start].strip() == "" and (closing < 0 or text[end:closing].strip() == ""):
        start, end = opening, (closing + 2 if closing >= 0 else end)  # the block held only this statement
    if text[line_start(text, start) : start].strip() or text[end : line_end(text, end)].strip():
        return f"the line of {variable} holds other code"
    first, last = _whole_lines(text, start, end)
    return HashCode(first, last, frozenset({variable}), variable)


def _django_registration(text: str, names: frozenset[str]) -> tuple[int, str] | None:
    """The settings line registering the removed context processor ("app.module.function",), if any."""
    for name in names:
        found = re.search(rf"""^[ \t]*["'][\w.]+\.{re.escape(name)}["'],?[ \t]*\n""", text, re.MULTILINE)
        if found:
            return found.start(), found.group(0)
    return None


def _unused_imports(text: str, suffix: str, remaining: str) -> list[tuple[int, str]]:
    """The import lines only the removed code needed: (offset, line)."""
    found: list[tuple[int, str]] = []
    if suffix == ".py":
        # A module the removed code used (hmac, hashlib, os for the secret) that nothing else uses now.
        used_before = {node.id for node in ast.walk(ast.parse(text)) if isinstance(node, ast.Name)}
        used = {node.id for node in ast.walk(ast.parse(remaining)) if isinstance(node, ast.Name)}
        for node in ast.parse(text).body:
            if isinstance(node, ast.Import) and len(node.names) == 1 and node.names[0].asname is None:
                name = node.names[0].name
                if name in used_before and name not in used and node.lineno == node.end_lineno:
                    start = sum(map(len, text.splitlines(keepends=True)[: node.lineno - 1]))
                    found.append((start, text[start : line_end(text, start)]))
    elif suffix in LANGUAGES and LANGUAGES[suffix] != "php":
        imports = JS_CRYPTO_IMPORT if LANGUAGES[suffix] != "ruby" else RUBY_OPENSSL_REQUIRE
        for match in imports.finditer(text):
            bound = match.groupdict().get("binding") or match.groupdict().get("imported") or "OpenSSL"
            names = re.findall(r"[\w$]+", bound.replace(" as ", " "))
            rest = remaining.replace(match.group(0), "", 1)
            if not any(_mentions(rest, name) for name in names):
                found.append((match.start(), text[match.start() : line_end(text, match.start())]))
    return found
