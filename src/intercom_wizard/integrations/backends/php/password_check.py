"""The record whose password a plain-PHP login checks: that record is the signed-in user's (issue 10).

session_user.py refuses the bare id of a record that is not proven to be the user's (an item's page
keeping `$_SESSION['id'] = $item->id`). A record the login checks the password of is the user's, whatever
the variable is called: `password_verify($pw, $reader['hash_pw'])`, `hash_equals($reader->password, ...)`,
`$reader['password'] === md5($pw)`, or a method of the app's own class that checks its object's password
(`if (!$reader->checkPassword($pw)) return false;` where `checkPassword()` runs `password_verify($pw,
$this->hash)`: the method's body is the evidence, never its name). The same search tells a manual step
which variable of the login code holds that row, so it never names a variable the file does not have.
"""

import re
from dataclasses import dataclass
from typing import Literal

from ast_grep_py import SgNode

from intercom_wizard.astgrep import field_text
from intercom_wizard.integrations.backends.php.receiver_class import class_declarations, expression_class, method_in_class
from intercom_wizard.tree import ProjectTree

SCOPES = ("function_definition", "method_declaration", "anonymous_function", "anonymous_function_creation_expression", "arrow_function", "program")
CHECK_FUNCTIONS = ("password_verify", "hash_equals")
COMPARISONS = ("==", "===", "!=", "!==")
# A record's password field, read from a variable: `$reader['password']`, `$account->password_hash`, `$row['pw']`.
_PASSWORD_FIELD = r"""(?:->\w*(?:pass|pw)\w*|\[\s*['"]\w*(?:pass|pw)\w*['"]\s*\])"""
# The object's own stored password in a method: `$this->password`, `$this->pw_hash`, `$this->hash`.
_OWN_PASSWORD = re.compile(r"\$this->\w*(?:pass|pw|hash)\w*", re.I)
# A field of a variable: `$row->hash` (group 2) or `$row['pw']` (quote 3, name 4).
_FIELD = re.compile(r"""(\$\w+)(?:->(\w+)|\[\s*(['"])(\w+)\3\s*\])""")


def _scope(node: SgNode) -> SgNode | None:
    return next((a for a in node.ancestors() if a.kind() in SCOPES), None)


def _line(node: SgNode) -> int:
    return node.range().start.line + 1


def _checks(scope: SgNode) -> list[SgNode]:
    """The password checks in `scope`: the check functions' calls and equality comparisons."""
    calls = [call for call in scope.find_all(kind="function_call_expression") if (field_text(call, "function") or "").lower() in CHECK_FUNCTIONS]
    return calls + [comparison for comparison in scope.find_all(kind="binary_expression") if field_text(comparison, "operator") in COMPARISONS]


def _operands(check: SgNode) -> tuple[list[SgNode], SgNode | None]:
    """What a check compares, and the stored hash when it is `password_verify($password, $hash)`."""
    if check.kind() == "binary_expression":
        return [side for side in (check.field("left"), check.field("right")) if side is not None], None
    arguments = check.field("arguments")
    values = [argument for argument in arguments.children() if argument.kind() == "argument"] if arguments is not None else []
    is_verify = (field_text(check, "function") or "").lower() == "password_verify"
    return values, (values[1] if is_verify and len(values) == 2 else None)


def _reads_field_of(operand: SgNode, variable: str, *, any_field: bool) -> bool:
    """`operand` is `$variable[...]`/`$variable->...`: any field for password_verify's hash, else a password field."""
    text = operand.text().strip()
    if any_field:
        return re.fullmatch(re.escape(variable) + r"""(?:->\w+|\[\s*['"]\w+['"]\s*\])""", text) is not None
    return re.fullmatch(re.escape(variable) + _PASSWORD_FIELD, text, re.I) is not None


def _checks_field_of(check: SgNode, variable: str) -> bool:
    """The check reads `variable`'s stored password: password_verify's hash (any field name), or a
    password field (`pass`, `pw`) compared or given to hash_equals."""
    operands, stored_hash = _operands(check)
    if stored_hash is not None:
        return _reads_field_of(stored_hash, variable, any_field=True)
    return any(_reads_field_of(operand, variable, any_field=False) for operand in operands)


def password_checked(tree: ProjectTree, variable: str, store: SgNode) -> bool:
    """Whether the login checks `variable`'s password before `store`, in the same function: directly on
    its password field, or through a method of its class that checks `$this`'s password."""
    scope = _scope(store)
    if scope is None:
        return False
    before = store.range().start.index
    if any(check.range().start.index < before and _checks_field_of(check, variable) for check in _checks(scope)):
        return True
    calls = [call for call in scope.find_all(kind="member_call_expression") if call.range().start.index < before]
    return any((receiver := call.field("object")) is not None and receiver.text() == variable and _checks_own_password(tree, call) for call in calls)


def _checks_own_password(tree: ProjectTree, call: SgNode) -> bool:
    """`$reader->checkPassword($pw)`: the receiver's class (resolved statically, one declaration) has the
    method, and its body checks the object's own stored password against one of its parameters
    (`password_verify($password, $this->hash)`, `hash_equals($this->pw_hash, crypt($password, ...))`)."""
    receiver, method = call.field("object"), field_text(call, "name")
    class_name = expression_class(tree, receiver) if receiver is not None else None
    classes = class_declarations(tree, class_name) if class_name is not None and method is not None else []
    found = method_in_class(tree, *classes[0], method) if len(classes) == 1 and method is not None else None
    if found is None:
        return False
    declaration = found[1]
    parameters = declaration.field("parameters")
    names = {p.text() for p in parameters.find_all(kind="variable_name")} if parameters is not None else set()
    for check in _checks(declaration):
        operands, stored_hash = _operands(check)
        if _scope(check) != declaration:
            continue
        # password_verify's hash may be any field; compared or given to hash_equals, a stored password's (`pw_hash`)
        own = [o for o in operands if (o is stored_hash and _reads_field_of(o, "$this", any_field=True)) or _OWN_PASSWORD.fullmatch(o.text().strip())]
        given = [o for o in operands if o not in own and any(v.text() in names for v in [o, *o.find_all(kind="variable_name")])]
        if own and given:
            return True
    return False


@dataclass(frozen=True)
class CheckedRow:
    """A row whose password the app's code checks: the variable, how its fields are read, where."""

    variable: str  # `$found`
    style: Literal["array", "object"]
    quote: str  # the quote of its array keys
    where: str  # `file:line` of the check
    function: str | None  # the function or method the check is in (None: a script's top level)
    in_login: bool  # the same code stores the signed-in user in $_SESSION

    def field(self, column: str) -> str:
        return f"{self.variable}->{column}" if self.style == "object" else f"{self.variable}[{self.quote}{column}{self.quote}]"


def checked_rows(roots: dict[str, SgNode]) -> list[CheckedRow]:
    """Every row the app checks the stored password of, those in a login (code that also writes $_SESSION) first."""
    rows: list[CheckedRow] = []
    for path, root in roots.items():
        for check in _checks(root):
            operands, stored_hash = _operands(check)
            # password_verify's hash (any field), else a password field; not request input (`$_POST['password']`)
            # nor an object's own (`$this->pw`, a method's check)
            fields = [_FIELD.fullmatch(o.text().strip()) for o in ([stored_hash] if stored_hash is not None else operands)]
            found = next((f for f in fields if f is not None and not f.group(1).startswith(("$_", "$this"))), None)
            scope = _scope(check)
            if found is None or scope is None or (stored_hash is None and not re.search(r"pass|pw", found.group(2) or found.group(4), re.I)):
                continue
            name = field_text(scope, "name") if scope.kind() != "program" else None
            in_login = scope.find(pattern="$_SESSION[$KEY] = $VALUE") is not None
            style: Literal["array", "object"] = "object" if found.group(2) else "array"
            rows.append(CheckedRow(found.group(1), style, found.group(3) or "'", f"{path}:{_line(check)}", name, in_login))
    return sorted(rows, key=lambda row: not row.in_login)
