"""Reading parse trees the same way in Python, JavaScript/TypeScript, PHP and Ruby.

The grammars name things differently (`dictionary` / `object` / `array_creation_expression` /
`hash`; `call` / `call_expression` / `scoped_call_expression` ...); these helpers hide that so each
check is written once.
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ast_grep_py import SgNode

from intercom_wizard.astgrep import field_text

if TYPE_CHECKING:
    from intercom_wizard.doctor.sources import CodeUnit

STRING_KINDS = frozenset({"string", "template_string", "encapsed_string"})
_CONTENT_KINDS = frozenset({"string_content", "string_fragment", "escape_sequence"})
_QUOTE_TOKENS = frozenset({'"', "'", "`"})
CALL_KINDS = ("call_expression", "call", "function_call_expression", "scoped_call_expression", "member_call_expression")
MAPPING_KINDS = frozenset({"dictionary", "object", "array_creation_expression", "hash"})
ASSIGNMENT_KINDS = ("assignment", "variable_declarator", "assignment_expression")
FUNCTION_KINDS = {
    "python": frozenset({"function_definition", "lambda"}),
    "javascript": frozenset({"function_declaration", "function_expression", "arrow_function", "method_definition", "generator_function_declaration", "function"}),
    "php": frozenset({"function_definition", "method_declaration", "anonymous_function", "anonymous_function_creation_expression", "arrow_function"}),
    "ruby": frozenset({"method", "singleton_method", "lambda", "block", "do_block"}),
}
FUNCTION_KINDS["typescript"] = FUNCTION_KINDS["tsx"] = FUNCTION_KINDS["javascript"]
CLASS_KINDS = frozenset({"class_definition", "class_declaration", "class", "module"})
NAME_KINDS = frozenset({"identifier", "variable_name", "constant", "name"})
_WRAPPERS = frozenset({"parenthesized_expression", "argument", "parenthesized_statements", "expression_statement"})
_PUNCTUATION = frozenset({"(", ")", ",", "[", "]", "{", "}"})


@dataclass(frozen=True)
class Entry:
    """One `key: value` of a dict / object / PHP array / Ruby hash (key None: spread or computed)."""

    key: str | None
    key_node: SgNode | None
    value: SgNode


@dataclass(frozen=True)
class Binding:
    target: str  # the assigned name or expression, as written (`now`, `$payload`, `window.intercomSettings`)
    target_node: SgNode
    value: SgNode


def unwrap(node: SgNode) -> SgNode:
    while node.kind() in _WRAPPERS:
        named = [c for c in node.children() if c.is_named()]
        if len(named) != 1:
            break
        node = named[0]
    return node


def literal_text(node: SgNode | None) -> str | None:
    """The value of a plain string literal; None for anything else (or a string with interpolation)."""
    if node is None:
        return None
    node = unwrap(node)
    if node.kind() not in STRING_KINDS:
        return None
    pieces = []
    for child in node.children():
        kind = child.kind()
        if kind in _CONTENT_KINDS:
            pieces.append(child.text())
        elif kind in _QUOTE_TOKENS or kind in ("string_start", "string_end") or not child.is_named():
            continue
        else:
            return None  # interpolation, substitution, embedded variable
    return "".join(pieces)


def key_text(node: SgNode) -> str | None:
    text = literal_text(node)
    if text is not None:
        return text
    kind = node.kind()
    if kind in ("property_identifier", "identifier", "hash_key_symbol", "shorthand_property_identifier", "name"):
        return node.text()
    if kind == "simple_symbol":
        return node.text().lstrip(":")
    return None


def mapping_entries(node: SgNode) -> list[Entry]:
    entries = []
    for child in node.children():
        kind = child.kind()
        if kind == "pair" or kind == "array_element_initializer":
            named = [c for c in child.children() if c.is_named()]
            if kind == "array_element_initializer" and len(named) == 1:
                continue  # a list item, not a key => value
            key = child.field("key") or named[0]
            value = child.field("value") or named[-1]
            entries.append(Entry(key_text(key), key, value))
        elif kind == "shorthand_property_identifier":
            entries.append(Entry(child.text(), child, child))
        elif kind in ("spread_element", "dictionary_splat", "hash_splat_argument", "variadic_unpacking"):
            entries.append(Entry(None, None, child))
    return entries


def keys_of(node: SgNode) -> set[str]:
    return {e.key for e in mapping_entries(node) if e.key is not None}



def arguments_node(call: SgNode) -> SgNode | None:
    found = call.field("arguments")
    if found is not None:
        return found
    return next((c for c in call.children() if c.kind() in ("arguments", "argument_list")), None)


def call_arguments(call: SgNode) -> list[SgNode]:
    """Arguments in order (PHP's `argument` wrappers removed; keyword arguments kept as they are)."""
    arguments = arguments_node(call)
    if arguments is None:
        return []
    return [unwrap(c) for c in arguments.children() if c.is_named() and c.kind() not in _PUNCTUATION and c.kind() != "comment"]


def positional(call: SgNode) -> list[SgNode]:
    return [a for a in call_arguments(call) if a.kind() not in ("keyword_argument", "pair")]


def keyword_arguments(call: SgNode) -> dict[str, SgNode]:
    """Python `name=value` and Ruby `name: value` arguments."""
    found: dict[str, SgNode] = {}
    for argument in call_arguments(call):
        value = argument.field("value")
        if value is None:
            continue
        if argument.kind() == "keyword_argument" and (name := field_text(argument, "name")) is not None:
            found[name] = value
        elif argument.kind() == "pair" and (key_node := argument.field("key")) is not None and (key := key_text(key_node)) is not None:
            found[key] = value
    return found


def callee_text(call: SgNode) -> str:
    """What is called, as written: `jwt.encode`, `JWT::encode`, `window.Intercom`, `require`."""
    arguments = arguments_node(call)
    start = call.range().start.index
    text = call.text()
    if arguments is not None:
        text = text[: arguments.range().start.index - start]
    return text.strip().rstrip("(").strip()



def calls(unit: "CodeUnit") -> list[SgNode]:
    return unit.find_all(*CALL_KINDS)


def bindings(unit: "CodeUnit") -> list[Binding]:
    return unit.memo("bindings", lambda: _bindings(unit))


def _bindings(unit: "CodeUnit") -> list[Binding]:
    found = []
    for node in unit.find_all(*ASSIGNMENT_KINDS):
        target = node.field("left") or node.field("name")
        value = node.field("right") or node.field("value")
        if target is not None and value is not None:
            found.append(Binding(target.text(), target, value))
    return found


def resolve(unit: "CodeUnit", node: SgNode, depth: int = 0) -> SgNode:
    """Follow a name to the value last assigned to it before this use (same file), a few steps deep."""
    node = unwrap(node)
    if depth > 6 or node.kind() not in NAME_KINDS:
        return node
    name = node.text()
    position = node.range().start.index
    candidates = [b for b in bindings(unit) if b.target == name and b.target_node.range().start.index != position]
    before = [b for b in candidates if b.target_node.range().start.index < position]
    chosen = before[-1] if before else (candidates[0] if candidates else None)
    return resolve(unit, chosen.value, depth + 1) if chosen is not None else node


def enclosing(node: SgNode, kinds: frozenset[str]) -> SgNode | None:
    return next((a for a in node.ancestors() if a.kind() in kinds), None)



def imported_modules(unit: "CodeUnit") -> list[tuple[str, SgNode]]:
    """(module, statement) for every import / require in the unit."""
    found: list[tuple[str, SgNode]] = []
    if unit.language == "python":
        for statement in unit.find_all("import_statement"):
            for name in statement.children():
                if name.kind() == "dotted_name":
                    found.append((name.text(), statement))
                elif name.kind() == "aliased_import" and (imported := field_text(name, "name")) is not None:
                    found.append((imported, statement))
        for statement in unit.find_all("import_from_statement"):
            module_name = field_text(statement, "module_name")
            if module_name is not None:
                found.append((module_name, statement))
    elif unit.is_script:
        for statement in unit.find_all("import_statement"):
            source = literal_text(statement.field("source"))
            if source is not None:
                found.append((source, statement))
        for call in calls(unit):
            if callee_text(call) in ("require", "import"):
                arguments = positional(call)
                module = literal_text(arguments[0]) if arguments else None
                if module is not None:
                    found.append((module, call))
    elif unit.language == "php":
        for statement in unit.find_all("namespace_use_declaration"):
            for clause in statement.find_all(kind="namespace_use_clause"):
                found.append((clause.text().lstrip("\\").split(" as ")[0].strip(), statement))
    elif unit.language == "ruby":
        for call in calls(unit):
            if callee_text(call) in ("require", "require_relative"):
                arguments = positional(call)
                module = literal_text(arguments[0]) if arguments else None
                if module is not None:
                    found.append((module, call))
    return found


def string_directives(unit: "CodeUnit") -> set[str]:
    """JavaScript directives such as 'use client' / 'use server' at the top of a module."""
    found = set()
    for child in unit.root.children():
        if child.kind() == "comment":
            continue
        value = literal_text(child)
        if value is None:
            break
        found.add(value)
    return found


def name_tokens(node: SgNode) -> list[SgNode]:
    """Identifier-like leaves under `node`, including `node` itself."""
    kinds = NAME_KINDS | {"property_identifier", "shorthand_property_identifier", "field_identifier", "hash_key_symbol"}
    found = [node] if node.kind() in kinds else []
    stack = list(node.children())
    while stack:
        current = stack.pop()
        if current.kind() in kinds:
            found.append(current)
        stack.extend(current.children())
    return found


@dataclass(frozen=True)
class CallParts:
    receiver: SgNode | None  # what the method is called on (`jwt` in jwt.encode), None for a plain function
    method: str  # the called name without its receiver (`encode`)
    arguments: list[SgNode]


def call_parts(call: SgNode) -> CallParts:
    kind = call.kind()
    receiver: SgNode | None = None
    method = ""
    if kind == "call" and (ruby_method := field_text(call, "method")) is not None:  # Ruby
        receiver, method = call.field("receiver"), ruby_method
    elif kind in ("call", "call_expression", "function_call_expression"):
        callee = call.field("function")
        function = unwrap(callee) if callee is not None else call.child(0)
        if function is not None and function.kind() in ("member_expression", "attribute"):
            receiver = function.field("object")
            named = function.field("property") or function.field("attribute")
            method = named.text() if named is not None else ""
        elif function is not None:
            method = function.text()
    elif kind == "scoped_call_expression":
        receiver, method = call.field("scope"), field_text(call, "name") or ""
    elif kind == "member_call_expression":
        receiver, method = call.field("object"), field_text(call, "name") or ""
    return CallParts(unwrap(receiver) if receiver is not None else None, method, call_arguments(call))


def enclosing_function(unit: "CodeUnit", node: SgNode) -> SgNode | None:
    return enclosing(node, FUNCTION_KINDS.get(unit.language, frozenset()))


def enclosing_class(node: SgNode) -> SgNode | None:
    return next((a for a in node.ancestors() if a.kind() in CLASS_KINDS and a.parent() is not None), None)


_INVALID_KINDS: set[tuple[str, str]] = set()


def find_kinds(node: SgNode, language: str, *kinds: str) -> list[SgNode]:
    """Descendants of `node` (itself included) of these kinds; kinds the grammar lacks are skipped."""
    found: list[SgNode] = []
    for kind in kinds:
        if (language, kind) in _INVALID_KINDS:
            continue
        try:
            found += node.find_all(kind=kind)
        except RuntimeError:
            _INVALID_KINDS.add((language, kind))
    return sorted(found, key=lambda n: n.range().start.index)


def inside(node: SgNode, scope: SgNode) -> bool:
    outer, inner = scope.range(), node.range()
    return outer.start.index <= inner.start.index and inner.end.index <= outer.end.index


def class_body(klass: SgNode) -> SgNode:
    body = klass.field("body")
    if body is not None:
        return body
    return next((c for c in klass.children() if c.kind() in ("body_statement", "class_body", "declaration_list", "block")), klass)
