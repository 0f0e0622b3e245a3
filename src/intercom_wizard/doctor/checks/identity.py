"""Where the token's `user_id` comes from, read from the code that signs Intercom JWTs.

`user_id` must be the user's primary key or the id the auth library defines. It is an error when it
is fed from:
- a literal (`"user_id": "42"`, `= 1`) or a boolean: every user gets the same id;
- a flag-like key (`$_SESSION['user_login_status']`, `session["logged_in"]`, `is_admin`,
  `authenticated`): it says *that* someone is signed in, not *who*, so every user shares it;
- a name field (`name`, `username`, `full_name`, `display_name`): not unique, and it changes.
The value is followed through conversions (`str()`, `String()`, `strval()`, `.to_s`, a template
with one substitution) and same-file assignments; a session key read in the endpoint is also looked
up where the app's code assigns it, so `$_SESSION['uid'] = 1` elsewhere counts as a literal.
"""

import re
from collections.abc import Iterable

from ast_grep_py import SgNode

from intercom_wizard.doctor.checks.context import StaticContext
from intercom_wizard.doctor.findings import Finding, Severity
from intercom_wizard.doctor.signing import signing_calls
from intercom_wizard.doctor.sources import CodeUnit
from intercom_wizard.doctor.syntax import CALL_KINDS, mapping_entries, resolve, unwrap

LITERAL_KINDS = frozenset({"string", "encapsed_string", "integer", "float", "number", "string_literal", "simple_symbol", "null", "nil", "none"})
BOOLEAN_KINDS = frozenset({"true", "false", "boolean"})
CONVERSIONS = frozenset({"str", "String", "strval", "intval", "int", "Number", "toString", "to_s", "to_str", "encodeURIComponent"})
# The last key or attribute an expression reads: ['key'], ["key"], [:key], .key, ->key, .get("key").
LAST_KEY = re.compile(r"""(?:\[\s*['"]?:?(\w+)['"]?\s*\]|\.(\w+)|->(\w+)|\.get\(\s*['"](\w+)['"])""")
FLAG_KEY = re.compile(r"(?i)^(\w*_status|logged_?in|signed_?in|is_\w+|authenticated|is_?authenticated|loggedIn|isLoggedIn|auth)$")
NAME_KEY = re.compile(r"(?i)^(name|user_?name|full_?name|display_?name|first_?name|last_?name|nick_?name|login)$")
SESSION_READ = re.compile(r"""(?:\$_SESSION|session)\s*\[\s*['"]?:?(\w+)['"]?\s*\]|session\.get\(\s*['"](\w+)['"]""")
FIX = (
    "Sign `user_id` with the user's primary key or the id your auth library defines (Flask-Login `current_user.get_id()`, "
    "Django `request.user.pk`, `req.user.id`, Devise `current_user.id`, Laravel `$request->user()->getKey()`, or a "
    "session key your login code assigns from such an id, e.g. `$_SESSION['user_id'] = $row['user_id']`)."
)


def check_user_id_source(context: StaticContext) -> Iterable[Finding]:
    units = context.sources.backend()
    for unit in units:
        for signing in signing_calls(unit):
            if not signing.is_for_intercom:
                continue
            mapping = signing.payload_mapping()
            if mapping is None:
                continue
            for entry in mapping_entries(mapping):
                if entry.key != "user_id" or entry.value is None:
                    continue
                problem = _problem(unit, entry.value, units)
                if problem is not None:
                    yield Finding(
                        "user-id-not-an-id",
                        Severity.ERROR,
                        f"The Intercom token's user_id is fed from {problem}.",
                        "Every user whose session has the same value gets the same user_id, so each of them sees "
                        "the others' conversations in the Messenger.",
                        FIX,
                        unit.path,
                        unit.line_of(entry.value),
                    )


def _problem(unit: CodeUnit, value: SgNode, units: list[CodeUnit]) -> str | None:
    node = _core(unit, value)
    kind = node.kind()
    if kind in BOOLEAN_KINDS or node.text() in ("true", "false", "True", "False"):
        return f"a boolean ({node.text()})"
    if kind in LITERAL_KINDS or (kind in ("template_string", "string") and "${" not in node.text() and "#{" not in node.text()):
        return f"a literal ({node.text()})"
    keys = [next(g for g in match.groups() if g) for match in LAST_KEY.finditer(node.text())]
    if not keys:
        return None
    last = keys[-1]
    if FLAG_KEY.match(last):
        return f"a flag-like key ({node.text()}): it says that someone is signed in, not who"
    if NAME_KEY.match(last):
        return f"a name field ({node.text()}), which is neither unique nor stable"
    session = SESSION_READ.search(node.text())
    if session is not None:
        key = next(g for g in session.groups() if g)
        assigned = _literal_assignment(units, key)
        if assigned is not None:
            return f"the session key {key!r}, which {assigned[0]}:{assigned[1]} sets to a literal"
    return None


def _core(unit: CodeUnit, value: SgNode, depth: int = 0) -> SgNode:
    """The expression under conversions, casts, single-substitution templates and same-file names."""
    node = resolve(unit, unwrap(value))
    if depth > 6:
        return node
    kind = node.kind()
    if kind in CALL_KINDS or kind in ("method_call", "call"):
        name = re.split(r"[.\->:]+", node.text().split("(", 1)[0].strip())[-1]
        receiver = node.field("receiver") or node.field("object")
        function = node.field("function")
        if name in CONVERSIONS:
            arguments = node.field("arguments")
            inner = [c for c in arguments.children() if c.is_named()] if arguments is not None else []
            if inner:
                return _core(unit, inner[0], depth + 1)
            if receiver is not None:
                return _core(unit, receiver, depth + 1)
            if function is not None and function.kind() in ("member_expression", "attribute"):
                target = function.field("object")
                if target is not None:
                    return _core(unit, target, depth + 1)
    if kind == "cast_expression":
        operand = node.field("value") or next((c for c in reversed(node.children()) if c.is_named()), None)
        if operand is not None:
            return _core(unit, operand, depth + 1)
    if kind in ("template_string", "string", "encapsed_string", "interpolation"):
        substitutions = [c for c in node.children() if c.kind() in ("template_substitution", "interpolation")]
        rest = [c for c in node.children() if c.is_named() and c.kind() not in ("template_substitution", "interpolation", "string_start", "string_end")]
        if len(substitutions) == 1 and not any(c.text().strip() for c in rest if c.kind() in ("string_content", "string_fragment")):
            substituted = next((c for c in substitutions[0].children() if c.is_named()), None)
            if substituted is not None:
                return _core(unit, substituted, depth + 1)
    return node


def _literal_assignment(units: list[CodeUnit], key: str) -> tuple[str, int] | None:
    """Where the app's code assigns a literal (a number, a string, true/false) to session[key]."""
    pattern = re.compile(
        r"""(?:\$_SESSION|session)\s*\[\s*['"]?:?""" + re.escape(key) + r"""['"]?\s*\]\s*=\s*(?!=)\s*(true|false|True|False|-?\d+|'[^']*'|"[^"]*")\s*(?:;|$)""",
        re.MULTILINE,
    )
    for unit in units:
        match = pattern.search(unit.text)
        if match is not None:
            return unit.path, unit.text.count("\n", 0, match.start()) + 1 + unit.line_offset
    return None
