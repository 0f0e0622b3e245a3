"""Two proofs session_user.py needs beyond a plain `$_SESSION[key] = $row['id']` (issue 10, php-ltw-polls).

1. `$_SESSION['userId'] = $sqlite->getUserID($un)`: the id comes from a method of the app's own class.
   The method is followed into the class that defines it (found by the receiver's `new Class()` or a
   static call's class name); it must query the users table for its primary key and return that column
   of the fetched row. Only then is the key the id; anything less is a reason naming the file and line.
2. A sign-out that clears only a flag (`$_SESSION['status'] = ''`) and leaves the id in the session:
   the pages treat the user as signed in only while the flag holds the value the login code gives it,
   so the token endpoint must require that same condition, proven from a comparison in the app's own
   guard; without one the endpoint cannot tell a signed-out user from a signed-in one.
"""

import re
from dataclasses import dataclass

from ast_grep_py import SgNode

from intercom_wizard.integrations import identity
from intercom_wizard.integrations.backends.php.endpoint import ADAPTER_FUNCTION
from intercom_wizard.integrations.backends.php.receiver_class import class_declarations, expression_class, method_in_class, scope_class
from intercom_wizard.integrations.backends.php_common import string_value
from intercom_wizard.tree import ProjectTree

SCOPES = ("function_definition", "method_declaration", "anonymous_function", "anonymous_function_creation_expression", "arrow_function", "program")
LITERAL_KINDS = frozenset({"integer", "float", "boolean", "string", "encapsed_string", "null"})
_FETCHED = re.compile(r"->\s*(fetch|fetchArray|fetch_assoc|fetch_array|fetchObject|fetch_object)\s*\(")
_COLUMN_FETCH = re.compile(r"^\$\w+->\s*fetchColumn\s*\(\s*0?\s*\)$")
_ROW_COLUMN = re.compile(r"""^(\$\w+)(?:->(\w+)|\[\s*(['"])(\w+)\3\s*\])$""")
_SIGN_OUT_NAME = re.compile(r"(log|sign)[-_ ]?(out|off)", re.I)
# Sign-out calls that take the whole session away, the id included.
WHOLE_SESSION_CLEARED = ("session_destroy", "session_unset")
FALSY_KINDS = frozenset({"null", "boolean", "integer", "string", "encapsed_string"})


def _line(node: SgNode) -> int:
    return node.range().start.line + 1


def _scope(node: SgNode) -> SgNode | None:
    return next((a for a in node.ancestors() if a.kind() in SCOPES), None)


# --- 1. an id returned by the app's own method ---------------------------------------------------


def method_evidence(tree: ProjectTree, value: SgNode, table: identity.UsersTable | None) -> identity.ValueEvidence | None:
    """Whether `$object->method(...)` (or `Class::method(...)`) returns the users table's primary key;
    None when `value` is no such call (the ordinary rules apply). The object's class is resolved by
    receiver_class.py: `new X()`, `$this`, `$this->db`, a typed parameter or property, a factory."""
    if value.kind() == "member_call_expression":
        receiver, method = value.field("object"), value.field("name")
        class_name = expression_class(tree, receiver) if receiver is not None else None
    elif value.kind() == "scoped_call_expression":
        method = value.field("name")
        class_name = scope_class(value)
    else:
        return None
    if method is None or method.kind() != "name":
        return None
    call = value.text()
    if class_name is None:
        return identity.ValueEvidence(False, f"assigned {call}, whose object's class the wizard cannot tell")
    found = _method_declaration(tree, class_name, method.text())
    if found is None:
        return identity.ValueEvidence(False, f"assigned {call}, and no class {class_name} in the project declares {method.text()}()")
    path, declaration = found
    where = f"{class_name}::{method.text()}() ({path}:{_line(declaration)})"
    if table is None or table.id_column is None:
        return identity.ValueEvidence(False, f"assigned {call}; {where} cannot be checked: the app's SQL declares no users table with a primary key")
    problem = _returns_primary_key(path, declaration, table.name, table.id_column)
    if problem is not None:
        return identity.ValueEvidence(False, f"assigned {call}; {where} {problem}")
    return identity.ValueEvidence(True, f"assigned {call}; {where} returns {table.id_column}, the primary key of table {table.name}")


def _method_declaration(tree: ProjectTree, class_name: str, method: str) -> tuple[str, SgNode] | None:
    """The declaration of `class_name::method` (in the class or a base class), the class declared once in the project."""
    classes = class_declarations(tree, class_name)
    if len(classes) != 1:
        return None
    return method_in_class(tree, *classes[0], method)


def _returns_primary_key(path: str, method: SgNode, table: str, id_column: str) -> str | None:
    """None when every value the method returns is `id_column` of a row its query selects from `table`
    (`$row['idUser']` of `$row = $stmt->fetch()`, or `$stmt->fetchColumn()` of `SELECT idUser`); else why not."""
    text = method.text()
    selects = re.compile(rf"\bSELECT\s+(.+?)\s+FROM\s+[`\"\[]?{re.escape(table)}[`\"\]]?(?![\w.])", re.I | re.S)
    queries = [{c.strip().strip('`"[]').rpartition(".")[2] for c in q.group(1).split(",")} for q in selects.finditer(text)]
    if not queries:
        return f"runs no query selecting from table {table}"
    if not any("*" in columns or id_column in columns for columns in queries):
        return f"does not select {id_column}, the primary key of table {table}"
    returns = [r for r in method.find_all(kind="return_statement") if _scope(r) == method]
    if not returns:
        return "returns nothing"
    for statement in returns:
        value = next((c for c in statement.children() if c.kind() not in ("return", ";")), None)
        # `$row ? $row['id'] : null`, `$row['id'] ?? null`: each value it can return
        for returned in _returned_values(value) if value is not None else []:
            if returned.kind() == "null":
                continue  # no user: the session key stays empty, the endpoint answers 401
            if _COLUMN_FETCH.match(returned.text()) and any(columns == {id_column} for columns in queries):
                continue
            column = _ROW_COLUMN.match(returned.text())
            if column is None or (column.group(2) or column.group(4)) != id_column or not _fetched_in(method, column.group(1), statement):
                # `path:line`, as every reference to the user's code: step_lines moves it if the install edits that file
                return f"returns {returned.text()} ({path}:{_line(statement)}), not the {id_column} column of a fetched row"
    return None


def _returned_values(value: SgNode) -> list[SgNode]:
    """The values a returned expression can take: both branches of `?:`, both sides of `??`."""
    if value.kind() == "conditional_expression":
        branches = [value.field("body"), value.field("alternative")]
        if branches[0] is None:  # `$a ?: $b` returns $a itself
            branches[0] = value.field("condition")
        return [v for branch in branches if branch is not None for v in _returned_values(branch)]
    operator = value.field("operator") if value.kind() == "binary_expression" else None
    if operator is not None and operator.text() == "??":
        return [v for side in (value.field("left"), value.field("right")) if side is not None for v in _returned_values(side)]
    if value.kind() == "parenthesized_expression":
        inner = next((c for c in value.children() if c.kind() not in ("(", ")")), None)
        return _returned_values(inner) if inner is not None else []
    return [value]


def _fetched_in(method: SgNode, variable: str, before: SgNode) -> bool:
    for assignment in method.find_all(pattern=f"{variable} = $ROW"):
        row = assignment.get_match("ROW")
        if row is not None and assignment.range().start.index < before.range().start.index and _FETCHED.search(row.text()):
            return True
    return False


# --- 2. a sign-out that clears only a flag ---------------------------------------------------------


@dataclass(frozen=True)
class SignedInGuard:
    """The condition the endpoint must add, or why it cannot be proven (then no endpoint claims)."""

    condition: str | None  # PHP, e.g. `($_SESSION['status'] ?? null) === 'authorized'`
    reason: str  # where the sign-out and the guard are, for the generated comment or the manual step


def signed_in_guard(roots: dict[str, SgNode], id_key: str, id_store: SgNode) -> SignedInGuard | None:
    """None when signing out takes the id away (or no flag is set beside it). Otherwise the flag the login
    code sets beside the id, proven as the pages' own condition, or the reason it could not be."""
    statement = id_store.parent()  # the expression statement; its parent is the block around the login
    block = statement.parent() if statement is not None else None
    stores = block.find_all(pattern="$_SESSION[$KEY] = $VALUE") if block is not None else []
    beside = [match for match in stores if _scope(match) == _scope(id_store)]
    unproven: SignedInGuard | None = None
    for store in beside:
        flag, value = string_value(store.get_match("KEY")), store.get_match("VALUE")
        if flag is None or value is None or flag == id_key or not identity.is_flag_name(flag) or value.kind() not in LITERAL_KINDS - {"null"}:
            continue
        cleared = _clears_only_the_flag(roots, flag, value.text(), id_key)
        if cleared is None:
            continue
        clearing, cleared_to = cleared
        login = f"{_path_of(roots, store)}:{_line(store)}"
        signed_out = f"{clearing} signs out by clearing $_SESSION['{flag}'] and leaves $_SESSION['{id_key}'] in the session"
        # One proven condition is enough (another flag, a role, may be cleared beside it).
        guard = _pages_guard(roots, flag, value)
        if guard is not None:
            return SignedInGuard(f"($_SESSION['{flag}'] ?? null) === {value.text()}", f"{signed_out}; the pages check it ({guard})")
        # `if (empty($_SESSION['logged_in']))`, `if ($_SESSION['logged_in'])`: the pages test the flag's truth, which tells the two apart
        # only when the login sets a truthy value and the sign-out a falsy one (or unsets it).
        truth_test = _pages_truth_check(roots, flag)
        if truth_test is not None and not _is_falsy(value.text()) and (cleared_to is None or _is_falsy(cleared_to)):
            return SignedInGuard(f"!empty($_SESSION['{flag}'])", f"{signed_out}; the pages check it ({truth_test})")
        # `unset($_SESSION['logged_in'])` on sign-out and `isset($_SESSION['logged_in'])` on the pages.
        presence = _pages_isset_check(roots, flag) if cleared_to is None else None
        if presence is not None:
            return SignedInGuard(f"isset($_SESSION['{flag}'])", f"{signed_out}; the pages check it ({presence})")
        unproven = unproven or SignedInGuard(
            None,
            f"{signed_out}, and no page compares $_SESSION['{flag}'] with {value.text()} (the value {login} gives it), so the "
            f"wizard cannot tell which condition means signed in: return null from the claims function unless it holds",
        )
    return unproven


def _path_of(roots: dict[str, SgNode], node: SgNode) -> str:
    top = node.get_root().root()
    return next((path for path, root in roots.items() if root == top), "?")


def _clears_only_the_flag(roots: dict[str, SgNode], flag: str, signed_in: str, id_key: str) -> tuple[str, str | None] | None:
    """`file:line` of sign-out code (a file or function named so) that sets the flag to another value (or
    unsets it) and leaves the id in the session, with the value it sets (None: unset), else None."""
    found: list[tuple[str, str | None]] = []
    for path, root in roots.items():
        stores = [m for m in root.find_all(pattern="$_SESSION[$KEY] = $VALUE") if string_value(m.get_match("KEY")) == flag]
        stores += [m for m in root.find_all(kind="unset_statement") if _session_key_in(m.text(), flag)]
        for store in stores:
            value = store.get_match("VALUE")
            if value is not None and value.text() == signed_in:
                continue
            scope = _scope(store)
            named = scope.field("name") if scope is not None and scope.kind() != "program" else None
            # Only the app's sign-out (log_out.php, logOutUser()): a page that resets a role flag signs nobody out.
            if scope is not None and _SIGN_OUT_NAME.search(f"{path} {named.text() if named else ''}") and not _takes_the_id_away(scope, id_key):
                found.append((f"{path}:{_line(store)}", value.text() if value is not None else None))
    return found[0] if found else None


def _session_key_in(text: str, key: str) -> bool:
    return re.search(rf"""\$_SESSION\[\s*(['"]){re.escape(key)}\1\s*\]""", text) is not None


def _takes_the_id_away(scope: SgNode, id_key: str) -> bool:
    """The code (comments aside) ends the session, unsets the id or empties it: `session_destroy()`,
    `session_unset()`, `$_SESSION = []`, `unset($_SESSION['id'])`, `$_SESSION['id'] = null`."""
    for call in scope.find_all(kind="function_call_expression"):
        function = call.field("function")
        if function is not None and function.text().lower() in WHOLE_SESSION_CLEARED:
            return True
    if any(_session_key_in(u.text(), id_key) for u in scope.find_all(kind="unset_statement")):
        return True
    for store in scope.find_all(pattern="$_SESSION = $VALUE"):
        value = store.get_match("VALUE")
        if value is not None and value.kind() == "array_creation_expression" and not value.find(kind="array_element_initializer"):
            return True
    for store in scope.find_all(pattern="$_SESSION[$KEY] = $VALUE"):
        value = store.get_match("VALUE")
        if string_value(store.get_match("KEY")) == id_key and value is not None and value.kind() in FALSY_KINDS and _is_falsy(value.text()):
            return True
    return False


def _is_falsy(literal: str) -> bool:
    """PHP's falsy literals: '', '0', 0, 0.0, false, null (the string 'false' is true)."""
    text = literal.strip()
    if text[:1] in ("'", '"'):
        return text[1:-1] in ("", "0")
    return text.lower() in ("0", "0.0", "false", "null")


def _pages_truth_check(roots: dict[str, SgNode], flag: str) -> str | None:
    """`file:line` of a test of the flag's truth in the app's code: `empty($_SESSION[flag])`, or the flag
    itself as a condition (`if ($_SESSION['logged_in'])`, `!$_SESSION[...]`, `... && ($_SESSION[...])`, `?:`)."""
    key = re.compile(rf"""\$_SESSION\[\s*(['"]){re.escape(flag)}\1\s*\]""")
    for path, root in _app_code(roots):
        for call in root.find_all(kind="function_call_expression"):
            function, arguments = call.field("function"), call.field("arguments")
            if function is not None and function.text().lower() == "empty" and arguments is not None:
                if re.fullmatch(rf"\(\s*{key.pattern}\s*\)", arguments.text()):
                    return f"{path}:{_line(call)}"
        for subscript in root.find_all(kind="subscript_expression"):
            if key.fullmatch(subscript.text()) and _is_truth_test(subscript):
                return f"{path}:{_line(subscript)}"
    return None


def _pages_isset_check(roots: dict[str, SgNode], flag: str) -> str | None:
    """`file:line` of `isset($_SESSION[flag])` in the app's code (a guard on the flag's presence)."""
    key = re.compile(rf"""\$_SESSION\[\s*(['"]){re.escape(flag)}\1\s*\]""")
    for path, root in _app_code(roots):
        for call in root.find_all(kind="function_call_expression"):
            function, arguments = call.field("function"), call.field("arguments")
            if function is not None and function.text().lower() == "isset" and arguments is not None:
                if re.fullmatch(rf"\(\s*{key.pattern}\s*\)", arguments.text()):
                    return f"{path}:{_line(call)}"
    return None


def _is_truth_test(node: SgNode) -> bool:
    """Whether PHP reads `node` only for its truth: the condition of an if/elseif/while/`?:`, the operand
    of `!`, `&&`, `||`, `and`, `or` (parentheses around it aside)."""
    child, parent = node, node.parent()
    while parent is not None and parent.kind() == "parenthesized_expression":
        child, parent = parent, parent.parent()
    if parent is None:
        return False
    # `$_SESSION['logged_in'] ?? false`: the same truth, without the undefined-key warning
    if parent.kind() == "binary_expression" and _defaults_to_false(parent, child):
        return _is_truth_test(parent)
    kind = parent.kind()
    if kind in ("if_statement", "else_if_clause", "while_statement", "do_statement", "conditional_expression"):
        return parent.field("condition") == child
    operator = parent.field("operator")
    if kind in ("unary_op_expression", "binary_expression") and operator is not None:
        return operator.text().lower() in ("!", "&&", "||", "and", "or")
    return False


def _defaults_to_false(coalescing: SgNode, left: SgNode) -> bool:
    operator, right = coalescing.field("operator"), coalescing.field("right")
    return operator is not None and operator.text() == "??" and coalescing.field("left") == left and right is not None and _is_falsy(right.text())


def _app_code(roots: dict[str, SgNode]) -> list[tuple[str, SgNode]]:
    """The app's own files: not the endpoint an earlier install wrote (its check is ours, not the pages')."""
    return [(path, root) for path, root in roots.items() if f"function {ADAPTER_FUNCTION}(" not in root.text()]


def _pages_guard(roots: dict[str, SgNode], flag: str, signed_in: SgNode) -> str | None:
    """`file:line` of a comparison of $_SESSION[flag] with the login code's value (`===`, `==`, `!=`, `!==`)."""
    wanted = string_value(signed_in)
    for path, root in _app_code(roots):
        for comparison in root.find_all(kind="binary_expression"):
            parts = comparison.children()
            if len(parts) != 3 or parts[1].text() not in ("===", "==", "!==", "!="):
                continue
            for side, other in ((parts[0], parts[2]), (parts[2], parts[0])):
                if side.kind() != "subscript_expression" or not re.fullmatch(rf"""\$_SESSION\[\s*(['"]){re.escape(flag)}\1\s*\]""", side.text()):
                    continue
                same = string_value(other) == wanted if wanted is not None else other.text().lower() == signed_in.text().lower()
                if same:
                    return f"{path}:{_line(comparison)}"
    return None
