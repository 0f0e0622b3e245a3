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
from intercom_wizard.integrations.backends.php_common import parse_php, string_value
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
    None when `value` is no such call (the ordinary rules apply)."""
    if value.kind() == "member_call_expression":
        receiver, method = value.field("object"), value.field("name")
        class_name = _receiver_class(value, receiver.text()) if receiver is not None and receiver.kind() == "variable_name" else None
    elif value.kind() == "scoped_call_expression":
        scope_node, method = value.field("scope"), value.field("name")
        class_name = scope_node.text() if scope_node is not None and scope_node.kind() == "name" else None
    else:
        return None
    if method is None:
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
    problem = _returns_primary_key(declaration, table.name, table.id_column)
    if problem is not None:
        return identity.ValueEvidence(False, f"assigned {call}; {where} {problem}")
    return identity.ValueEvidence(True, f"assigned {call}; {where} returns {table.id_column}, the primary key of table {table.name}")


def _receiver_class(call: SgNode, variable: str) -> str | None:
    """The class of `$variable` from `$variable = new Class(...)` before the call, in the same function."""
    scope = _scope(call)
    if scope is None:
        return None
    classes = set()
    for assignment in scope.find_all(pattern=f"{variable} = $VALUE"):
        created = assignment.get_match("VALUE")
        if assignment.range().start.index > call.range().start.index or created is None:
            continue
        if created.kind() != "object_creation_expression":
            return None  # assigned something else too: the class is not known
        name = next((c for c in created.children() if c.kind() in ("name", "qualified_name")), None)
        if name is None:
            return None
        classes.add(name.text().rpartition("\\")[2])
    return classes.pop() if len(classes) == 1 else None


def _method_declaration(tree: ProjectTree, class_name: str, method: str) -> tuple[str, SgNode] | None:
    """The one declaration of `class_name::method` in the project's PHP files."""
    declares = re.compile(rf"\bclass\s+{re.escape(class_name)}\b", re.I)
    found = []
    needle = class_name.lower().encode("ascii", "ignore")
    for path in tree.glob(".php"):
        if not tree.mentions(path, (needle,), ignore_case=True):
            continue  # an ASCII file without the name is not decoded (issue 14)
        text = tree.text(path)
        if not declares.search(text):
            continue
        for declaration in parse_php(text).find_all(kind="class_declaration"):
            name = declaration.field("name")
            if name is None or name.text().lower() != class_name.lower():
                continue
            for candidate in declaration.find_all(kind="method_declaration"):
                method_name = candidate.field("name")
                if method_name is not None and method_name.text().lower() == method.lower():
                    found.append((path, candidate))
    return found[0] if len(found) == 1 else None


def _returns_primary_key(method: SgNode, table: str, id_column: str) -> str | None:
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
        if value is None or value.kind() == "null":
            continue  # no user: the session key stays empty, the endpoint answers 401
        if _COLUMN_FETCH.match(value.text()) and any(columns == {id_column} for columns in queries):
            continue
        column = _ROW_COLUMN.match(value.text())
        if column is None or (column.group(2) or column.group(4)) != id_column or not _fetched_in(method, column.group(1), statement):
            return f"returns {value.text()} (line {_line(statement)}), not the {id_column} column of a fetched row"
    return None


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
        # `if (empty($_SESSION['logged_in']))`: the pages test the flag's truth, which tells the two apart
        # only when the login sets a truthy value and the sign-out a falsy one (or unsets it).
        emptiness = _pages_empty_check(roots, flag)
        if emptiness is not None and not _is_falsy(value.text()) and (cleared_to is None or _is_falsy(cleared_to)):
            return SignedInGuard(f"!empty($_SESSION['{flag}'])", f"{signed_out}; the pages check it ({emptiness})")
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


def _pages_empty_check(roots: dict[str, SgNode], flag: str) -> str | None:
    """`file:line` of `empty($_SESSION[flag])` in the app's code (a guard on the flag's truth)."""
    for path, root in _app_code(roots):
        for call in root.find_all(kind="function_call_expression"):
            function, arguments = call.field("function"), call.field("arguments")
            if function is not None and function.text().lower() == "empty" and arguments is not None:
                if re.fullmatch(rf"""\(\s*\$_SESSION\[\s*(['"]){re.escape(flag)}\1\s*\]\s*\)""", arguments.text()):
                    return f"{path}:{_line(call)}"
    return None


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
