"""Who is signed in to a plain-PHP app: where its login code keeps the user in $_SESSION.

Only evidence makes an id (see identity.py): a record whose id field is the user's id, or a key the
login code assigns from the user's id. A flag beside it (`$_SESSION['user_login_status'] = 1`), a
name or a literal is never used; with no evidence the endpoint's adapter is a manual step.
"""

import re
from typing import Literal

from ast_grep_py import SgNode

from intercom_wizard.integrations import identity
from intercom_wizard.integrations.backends.php.details import NoSessionUser, SessionRecord, SessionUser, SessionUserId
from intercom_wizard.integrations.backends.php.password_check import checked_rows, password_checked
from intercom_wizard.integrations.backends.php.session_proofs import method_evidence, signed_in_guard
from intercom_wizard.integrations.backends.php_common import array_string_keys, parse_php, string_value
from intercom_wizard.tree import ProjectTree

USER_KEY_WORDS = ("user", "member", "account", "customer")
NOT_USER_WORDS = ("csrf", "token", "flash", "error", "message", "mail", "name", "role", "level", "type", "lang", "theme")
NAME_KEYS = ("name", "full_name", "display_name", "username", "user_name")
LITERAL_KINDS = frozenset({"integer", "float", "boolean", "string", "encapsed_string", "null"})
FUNCTION_SCOPES = ("function_definition", "method_declaration", "anonymous_function", "anonymous_function_creation_expression", "arrow_function", "program")
_USER_CLASS_ID = re.compile(r"\bclass\s+(?:User|Member|Account|Customer)\w*\b[^{]*\{(?:[^{}]|\{[^{}]*\})*?\b(?:public|protected|private)\s+(?:readonly\s+)?(?:\??int|string)?\s*\$(id)\b", re.S)

# (file, key, value, the whole `$_SESSION[key] = value` match)
Assignment = tuple[str, str, SgNode, SgNode]


def _is_user_key(key: str) -> bool:
    """A session key holding the user (or their id): `user`, `current_user`, `member_id`, `uid`...,
    but not one of their attributes (`user_email`, `username`) or unrelated state (`csrf_token`)."""
    lowered = key.lower()
    if any(word in lowered for word in NOT_USER_WORDS):
        return False
    return lowered == "uid" or any(word in lowered for word in USER_KEY_WORDS)


def _is_id_key(key: str) -> bool:
    lowered = key.lower()
    return lowered == "uid" or lowered.endswith("id")


def session_user(tree: ProjectTree, files: list[str]) -> SessionUser:
    """Where the login code keeps the signed-in user in $_SESSION, and what is known of its fields."""
    assignments: list[Assignment] = []
    roots = {}
    for path in files:
        roots[path] = root = parse_php(tree.text(path))
        for match in root.find_all(pattern="$_SESSION[$KEY] = $VALUE"):
            key, value = string_value(match.get_match("KEY")), match.get_match("VALUE")
            if key is not None and value is not None:
                assignments.append((path, key, value, match))
    records = [a for a in assignments if _is_user_key(a[1]) and not _is_id_key(a[1]) and not identity.is_flag_name(a[1])]
    literal = next((a for a in records if a[2].kind() == "array_creation_expression"), None)
    if literal is not None:
        path, key, value, match = literal
        fields = array_string_keys(value)
        id_field = _id_field(fields)
        evidence = _array_element_evidence(tree, value, id_field) if id_field else None
        if id_field is not None and evidence is not None and evidence.is_id:
            return SessionRecord(file=path, key=key, style="array", id_field=id_field, fields=tuple(sorted(fields)))
        why = evidence.reason if evidence is not None else "has no id field"
        return _no_evidence(tree, roots, f"{path}:{_line(match)} stores $_SESSION['{key}'] whose id {why}")
    table = identity.users_table(tree)
    for path, key, value, match in records:
        if value.kind() in LITERAL_KINDS:
            continue
        style, record_fields = _record_usage(roots, key, value)
        id_field = _id_field(record_fields) or (_model_id_property(tree) if style == "object" else None)
        if style is not None and id_field is not None:
            return SessionRecord(file=path, key=key, style=style, id_field=id_field, fields=tuple(sorted(record_fields)))
        row = _users_row(table, value, match) if table is not None else None
        if table is not None and row is not None:  # the whole row the login query fetched: it holds the table's primary key
            row_style, row_id = row
            return SessionRecord(file=path, key=key, style=row_style, id_field=row_id, fields=tuple(sorted(record_fields | set(table.columns))))
    return _session_user_id(tree, roots, assignments, {r[1] for r in records})


def _session_user_id(tree: ProjectTree, roots: dict[str, SgNode], assignments: list[Assignment], record_keys: set[str]) -> SessionUserId | NoSessionUser:
    """The key the login code assigns the user's id to, with the email and name keys set beside it."""
    table = identity.users_table(tree)
    choice = identity.choose_session_key(
        (
            identity.SessionAssignment(
                path,
                _line(match),
                key,
                value.text(),
                literal=value.kind() in LITERAL_KINDS,
                is_null=value.kind() == "null",
                resolve=_variable_resolver(match),
                evidence=_method_proof(tree, value, table, match),
            )
            for path, key, value, match in assignments
            if key not in record_keys or identity.is_user_session_key(key)
        ),
        unique_identifying=table.unique_identifying if table else frozenset(),
    )
    if choice.key is None:
        unique_row = _row_of_a_unique_column(table, assignments) if table else None
        if table is not None and unique_row is not None:
            (path, line, column), expression = unique_row
            reason = (
                f"the login code keeps only the user's {column} ({path}:{line}), which is unique in table {table.name}, "
                f"whose primary key is {table.id_column}: store {expression} in $_SESSION['user_id'] beside it, "
                f"and select {table.id_column} in the query that loads that row"
            )
            return NoSessionUser(
                reason=reason, rejected=choice.rejected, table_id=table.id_column, id_expression=expression, store_beside=f"{path}:{line}"
            )
        return _no_evidence(tree, roots, choice.reason, choice.rejected)
    match = next(a[3] for a in assignments if a[1] == choice.key)
    path = str(choice.file)
    beside = [a[1] for a in assignments if a[0] == path and a[1] != choice.key and _same_block(a[3], match)]
    email_key = choice.key if choice.identifying and "mail" in choice.identifying else next((k for k in beside if "email" in k.lower()), None)
    name_key = next((k for k in beside if k.lower() in NAME_KEYS), None)
    guard = signed_in_guard(roots, choice.key, match)
    if guard is not None and guard.condition is None:
        return _no_evidence(tree, roots, guard.reason, choice.rejected)
    return SessionUserId(
        file=path,
        key=choice.key,
        email_key=email_key,
        name_key=name_key,
        not_an_id=choice.reason if choice.identifying else None,
        rejected=tuple(choice.rejected),
        signed_in_when=guard.condition if guard is not None else None,
        signed_in_why=guard.reason if guard is not None else None,
    )


def _method_proof(tree: ProjectTree, value: SgNode, table: identity.UsersTable | None, store: SgNode) -> identity.ValueEvidence | None:
    """What following `$object->method(...)` into the app's class proves, when the ordinary rules do not
    already take the value (an auth library's `getId()` stays theirs)."""
    ordinary = identity.value_evidence(value.text(), literal=value.kind() in LITERAL_KINDS, resolve=_variable_resolver(store))
    if ordinary.is_id:
        return _another_things_id(tree, table, value, store)
    if value.kind() == "variable_name" and value.text() != "$this":
        return _variable_method_proof(tree, value, table, store)
    return method_evidence(tree, value, table)


# `$item->id`, `$item['id']` (casts such as `(int)`, `intval(...)`, `strval(...)` unwrapped first): the bare
# `id` field of some variable.
_BARE_ID_FIELD = re.compile(r"""^(\$\w+)(?:->id|\[\s*(['"])id\2\s*\])$""", re.I)
_VARIABLE = re.compile(r"^\$\w+$")
# Names a variable holding the signed-in user's row has (`$user`, `$row`, `$result_row`, `$account`...).
USER_ROW_WORDS = USER_KEY_WORDS + ("row", "result", "record", "login", "person", "profile")  # not "auth": `$author`


def _another_things_id(tree: ProjectTree, table: identity.UsersTable | None, value: SgNode, store: SgNode) -> identity.ValueEvidence | None:
    """`$_SESSION['id'] = $item->id` in a page that shows an item (php-ltw-retreasure): a bare `id` is the
    user's only when the variable is named for the user or its row, or holds a row the users table's query
    fetched before the store (same function); anything else's id would become every visitor's identity.
    None when the ordinary rule stands."""
    # `intval($item->id)`, `(int) $post['id']`, `strval(...)`: a conversion keeps whose id it is
    unwrapped = identity.unwrap_casts(value.text())
    found = _BARE_ID_FIELD.match(unwrapped)
    if found is None and _VARIABLE.match(unwrapped) and unwrapped != "$this":
        # `$lampId = $lamp->id; $_SESSION['id'] = $lampId;`: what the variable was assigned before the store
        scope = next((a for a in store.ancestors() if a.kind() in FUNCTION_SCOPES), None)
        for assignment in scope.find_all(pattern=f"{unwrapped} = $VALUE") if scope is not None else []:
            assigned = assignment.get_match("VALUE")
            if (
                assigned is not None
                and assignment.range().start.index < store.range().start.index
                and _BARE_ID_FIELD.match(identity.unwrap_casts(assigned.text()))
            ):
                refused = _another_things_id(tree, table, assigned, store)
                if refused is not None:
                    return identity.ValueEvidence(False, f"assigned {value.text()}, {refused.reason}")
        return None
    if found is None:
        return None
    variable = found.group(1)
    # `$this->id` in `class User`/`class Member`: the class names whose id it is.
    around = next((a for a in store.ancestors() if a.kind() == "class_declaration"), None) if variable == "$this" else None
    name = around.field("name") if around is not None else None
    owner = name.text() if name is not None else variable
    if any(word in owner.lower() for word in USER_ROW_WORDS):
        return None
    variable_node = value if value.kind() == "variable_name" else value.find(kind="variable_name")
    if table is not None and variable_node is not None and _users_row(table, variable_node, store) is not None:
        return None
    if variable != "$this" and password_checked(tree, variable, store):
        return None
    users = f"no query of table {table.name} fetched it" if table is not None else "the app's SQL declares no users table"
    return identity.ValueEvidence(False, f"assigned {value.text()}, the id of {variable}, which is not the user's row ({users})")


def _variable_method_proof(tree: ProjectTree, variable: SgNode, table: identity.UsersTable | None, store: SgNode) -> identity.ValueEvidence | None:
    """`$id = $this->model->login($name, $password); ... $_SESSION['user_id'] = $id;`: the calls assigned to
    the variable before the store (in the same function) are followed like a direct call; every one must
    be proven. None when something other than a call is assigned (the ordinary rules apply)."""
    scope = next((a for a in store.ancestors() if a.kind() in FUNCTION_SCOPES), None)
    assigned = [
        value
        for assignment in (scope.find_all(pattern=f"{variable.text()} = $VALUE") if scope is not None else [])
        if assignment.range().start.index < store.range().start.index and (value := assignment.get_match("VALUE")) is not None
    ]
    proofs = [method_evidence(tree, value, table) for value in assigned]
    if not proofs or any(proof is None for proof in proofs):
        return None
    failed = next((proof for proof in proofs if proof is not None and not proof.is_id), None)
    chosen = failed or proofs[0]
    return identity.ValueEvidence(chosen.is_id, f"assigned {variable.text()}, {chosen.reason}") if chosen is not None else None


_ROW_FIELD = re.compile(r"""^(\$\w+)(?:->(\w+)|\[\s*(['"])(\w+)\3\s*\])$""")


def _row_of_a_unique_column(table: identity.UsersTable, assignments: list[Assignment]) -> tuple[tuple[str, int, str], str] | None:
    """A session key assigned a unique column of a users table that has an id (`$row->user_name`): where, and
    the same row's id (`$row->user_id`, `$row['user_id']`), the exact line the login code is missing."""
    id_column = table.id_column
    if id_column is None or identity.is_identifying_name(id_column):  # the key itself is a name: no better id in the row
        return None
    for path, _key, value, match in assignments:
        found = _ROW_FIELD.match(value.text())
        if found is None:
            continue
        column = found.group(2) or found.group(4)
        if column in table.unique and column != id_column:
            expression = f"{found.group(1)}->{id_column}" if found.group(2) else f"{found.group(1)}[{found.group(3)}{id_column}{found.group(3)}]"
            return (path, _line(match), column), expression
    return None


_FETCH = re.compile(r"->\s*(fetch|fetchArray|fetch_assoc|fetch_array|fetchObject|fetch_object)\s*\(([^)]*)\)")
_OBJECT_FETCH = re.compile(r"fetchObject|fetch_object|FETCH_OBJ")


def _users_row(table: identity.UsersTable, value: SgNode, store: SgNode) -> tuple[Literal["array", "object"], str] | None:
    """`$_SESSION['user'] = $user` where, earlier in the same function (or script), `$user = $stmt->fetch(...)`
    loads a row of the users table through a query that selects `*` or its primary key: the record's id
    field is that key ("array", or "object" for FETCH_OBJ/fetchObject)."""
    id_column = table.id_column
    scope = next((a for a in store.ancestors() if a.kind() in FUNCTION_SCOPES), None)
    if id_column is None or scope is None or value.kind() != "variable_name":
        return None
    fetched = [
        found
        for assignment in scope.find_all(pattern=f"{value.text()} = $ROW")
        if assignment.range().start.index < store.range().start.index
        and (row := assignment.get_match("ROW")) is not None
        and (found := _FETCH.search(row.text())) is not None
    ]
    selects = re.compile(rf"\bSELECT\s+(.+?)\s+FROM\s+[`\"\[]?{re.escape(table.name)}[`\"\]]?(?![\w.])", re.I | re.S)
    for query in selects.finditer(scope.text()[: store.range().start.index - scope.range().start.index]):
        columns = {c.strip().strip('`"[]').rpartition(".")[2] for c in query.group(1).split(",")}
        if fetched and ("*" in columns or id_column in columns):
            return ("object" if _OBJECT_FETCH.search(fetched[-1].group(0)) else "array"), id_column
    return None


def _model_id_property(tree: ProjectTree) -> str | None:
    """`id` when the app's user class declares an `$id` property: the stored object's id is its key."""
    for path in tree.glob(".php"):
        if _USER_CLASS_ID.search(tree.text(path)):
            return "id"
    return None


def _line(node: SgNode) -> int:
    return node.range().start.line + 1


def _no_evidence(tree: ProjectTree, roots: dict[str, SgNode], reason: str, rejected: tuple[str, ...] = ()) -> NoSessionUser:
    """No user the endpoint can prove; the manual step's example names the login's own row variable when the
    login code checks the password of one (`$found['id']`), else says in words what to keep (never `$row`
    in a file that has none)."""
    table = identity.users_table(tree)
    column = table.id_column if table is not None and table.id_column else None
    rows = checked_rows(roots)
    login_row = next((row for row in rows if row.in_login), None)
    if login_row is not None:
        return NoSessionUser(reason=reason, rejected=rejected, table_id=column, id_expression=login_row.field(column or "id"))
    # the check may sit in a helper file without $_SESSION (`verify_user()` in database/user.db.php)
    others = [path for path in tree.glob(".php") if path not in roots and tree.mentions(path, (b"password_verify", b"hash_equals"), ignore_case=True)]
    rows = rows or checked_rows({path: parse_php(tree.text(path)) for path in others})
    facts = [f"the primary key of table {table.name}"] if column is not None and table is not None else []
    if rows:
        facts.append(f"{rows[0].function}() in {rows[0].where} checks that row's password" if rows[0].function else f"{rows[0].where} checks that row's password")
    words = f"the signed-in user's {column or 'primary key'}" + (f" ({'; '.join(facts)})" if facts else "")
    return NoSessionUser(reason=reason, rejected=rejected, table_id=column, id_words=words)


def _array_element_evidence(tree: ProjectTree, array: SgNode, field: str) -> identity.ValueEvidence | None:
    """Whether `'id' => ...` in the stored array is the user's id: traced to an id, and (as for a plain
    store) not the id of another record (`['id' => $item->id]` on an item's page)."""
    table = identity.users_table(tree)
    for element in array.children():
        parts = element.children() if element.kind() == "array_element_initializer" else []
        if len(parts) >= 3 and parts[1].kind() == "=>" and string_value(parts[0]) == field:
            value = parts[-1]
            evidence = identity.value_evidence(value.text(), literal=value.kind() in LITERAL_KINDS, resolve=_variable_resolver(array))
            return (_another_things_id(tree, table, value, array) or evidence) if evidence.is_id else evidence
    return None


def _variable_resolver(node: SgNode) -> identity.Resolver:
    """The values assigned to a variable in the function (or file) around `node`, before it."""
    scope = next((a for a in node.ancestors() if a.kind() in FUNCTION_SCOPES), None)

    def resolve(variable: str) -> list[tuple[str, bool]]:
        if scope is None:
            return []
        found = []
        for match in scope.find_all(pattern=f"{variable} = $VALUE"):
            value = match.get_match("VALUE")
            if match.range().start.index < node.range().start.index and value is not None:
                found.append((value.text(), value.kind() in LITERAL_KINDS))
        return found

    return resolve


def _id_field(fields: list[str] | set[str]) -> str | None:
    if "id" in fields:
        return "id"
    return next((f for f in sorted(fields) if _is_id_key(f)), None)


def _same_block(a: SgNode, b: SgNode) -> bool:
    parent_a, parent_b = a.parent(), b.parent()
    return parent_a is not None and parent_b is not None and parent_a.parent() == parent_b.parent()


def _record_usage(roots: dict[str, SgNode], key: str, value: SgNode) -> tuple[Literal["array", "object"] | None, set[str]]:
    """ "array" or "object", and its fields, from how the code reads $_SESSION[key] (or the stored
    variable); None when nothing shows it is a record rather than a plain value."""
    array_fields: set[str] = set()
    object_fields: set[str] = set()
    quoted = f"'{key}'"
    for root in roots.values():
        for match in root.find_all(pattern=f"$_SESSION[{quoted}][$FIELD]"):
            field = string_value(match.get_match("FIELD"))
            if field:
                array_fields.add(field)
        for match in root.find_all(pattern=f"$_SESSION[{quoted}]->$FIELD"):
            if (member := match.get_match("FIELD")) is not None:
                object_fields.add(member.text())
    if value.kind() == "variable_name":
        scope = next((a for a in value.ancestors() if a.kind() in ("compound_statement", "program")), None)
        if scope is not None:
            variable = value.text()
            for match in scope.find_all(pattern=f"{variable}[$FIELD]"):
                field = string_value(match.get_match("FIELD"))
                if field:
                    array_fields.add(field)
            for match in scope.find_all(pattern=f"{variable}->$FIELD"):
                member = match.get_match("FIELD")
                if member is not None and member.kind() == "name":
                    object_fields.add(member.text())
    if value.kind() == "object_creation_expression" or len(object_fields) > len(array_fields):
        return "object", object_fields
    if array_fields:
        return "array", array_fields
    return None, set()
