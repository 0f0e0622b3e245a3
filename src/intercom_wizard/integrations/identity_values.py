"""Whether a session key holds the user's id: the value evidence and the session-key choice (see identity.py).

Split from identity.py, which every back end's detection imports for its word lists and name tests: these
classes and functions are needed only where the app's login code assigns a session key, so they are loaded
on first use (`identity.SessionAssignment`, `identity.choose_session_key`, ... still work; start-up time, issue 14).
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from intercom_wizard.integrations.identity import (
    ID_METHODS,
    Resolver,
    is_flag_name,
    is_id_name,
    is_identifying_name,
    is_name_like,
    is_user_session_key,
    words,
)

# The patterns are kept as text and compiled on first use (re's own cache).
# Request input: a user chooses it, so a session key assigned from it proves nothing.
REQUEST_INPUT = (
    r"\$_(POST|GET|REQUEST|COOKIE|SERVER|FILES)\b|\brequest\.(form|args|values|json|get_json|data|query_params|cookies|headers|POST|GET)\b"
    r"|\breq\.(body|query|params|cookies|headers)\b|\bparams\[|\bcookies\[|\brequest\.params\b"
)
# Conversions around the value that keep its meaning: `(int) $x`, `intval($x)`, `str(x)`, `x.to_s`.
_CAST_PREFIX = r"^\(\s*(int|integer|string|bool|float)\s*\)\s*"
_CAST_CALL = r"(?s)^(intval|strval|int|str|String|Number|parseInt|Integer|BigInt|toString)\((.*)\)$"
_CAST_SUFFIX = r"(\.to_s|\.to_i|\.toString\(\)|\.to_str)$"
# The last member read in an expression: `$row['user_id']`, `$user->id`, `user.id`, `user[:id]`, `u.get_id()`.
_LAST_MEMBER = r"""(?:->|\.|\[\s*:?['"]?|::)\s*(\w+)\s*['"]?\s*\]?\s*(\(\s*\))?\s*$"""
_BARE_NAME = r"^[$@]?(\w+)$"


@dataclass(frozen=True)
class ValueEvidence:
    """Whether an assigned value is traced to an id, and the reason in words for notes and tests."""

    is_id: bool
    reason: str
    identifying: str | None = None  # "email" / "username" when the value is one (needs a unique column)


def unwrap_casts(expression: str) -> str:
    text = expression.strip()
    while True:
        before = text
        text = re.sub(_CAST_PREFIX, "", text).strip()
        text = re.sub(_CAST_SUFFIX, "", text).strip()
        call = re.match(_CAST_CALL, text)
        if call:
            text = call.group(2).strip()
        if text == before:
            return text


def value_evidence(expression: str, *, literal: bool, resolve: Resolver | None = None, depth: int = 0) -> ValueEvidence:
    """Is `expression` (the right-hand side of a session assignment) a user's id?

    `literal`: the parser saw a number, string, boolean or null there. `resolve(name)` gives the
    values assigned to a bare variable in the same scope as (text, literal) pairs, so
    `$id = $row['id']; $_SESSION['uid'] = $id;` is traced one step (two at most).
    """
    if literal:
        return ValueEvidence(False, f"assigned the literal {expression.strip()}")
    text = unwrap_casts(expression)
    if re.search(REQUEST_INPUT, text):
        return ValueEvidence(False, f"assigned request input ({text})")
    member = re.search(_LAST_MEMBER, text)
    if member is not None:
        name, called = member.group(1), member.group(2) is not None
        if called and name in ID_METHODS:
            return ValueEvidence(True, f"assigned the auth library's id ({text})")
        if not called and is_id_name(name):
            return ValueEvidence(True, f"assigned the user's id ({text})")
        if not called and is_identifying_name(name):
            return ValueEvidence(False, f"assigned the user's {name} ({text}), not an id", identifying=name)
        return ValueEvidence(False, f"assigned {text}, which is not an id")
    bare = re.match(_BARE_NAME, text)
    if bare is not None and resolve is not None and depth < 2:
        assigned = resolve(text)
        if assigned:
            results = [value_evidence(value, literal=is_literal, resolve=resolve, depth=depth + 1) for value, is_literal in assigned]
            failed = next((r for r in results if not r.is_id), None)
            if failed is None:
                return ValueEvidence(True, f"assigned {text}, {results[0].reason}")
            return ValueEvidence(False, f"assigned {text}, {failed.reason}", failed.identifying)
    return ValueEvidence(False, f"assigned {text}, which the wizard cannot trace to the user's id")


@dataclass(frozen=True)
class SessionAssignment:
    """`session[key] = value` in the app's code, as the back end's parser found it."""

    file: str
    line: int  # 1-based
    key: str
    value: str
    literal: bool
    is_null: bool = False  # `= null` / `None` / `nil`: signing out, not evidence either way
    resolve: Resolver | None = None
    # What the back end proved about the value itself (a method of the app followed to its query), if anything.
    evidence: ValueEvidence | None = None


@dataclass(frozen=True)
class SessionKeyChoice:
    """The session key holding the user's id, or why there is none."""

    key: str | None
    file: str | None = None
    line: int | None = None
    reason: str = ""
    identifying: str | None = None  # the key holds an email/username (allowed only with a unique column)
    rejected: tuple[str, ...] = field(default_factory=tuple)  # "file:line: $_SESSION['k'] ...: why not", for notes


def choose_session_key(assignments: Iterable[SessionAssignment], *, unique_identifying: frozenset[str] = frozenset()) -> SessionKeyChoice:
    """The session key the login code assigns from the user's id.

    A key qualifies when it is named like a user id (not a flag, name or unrelated state), at least
    one assignment traces to an id, and no assignment puts a literal or untraceable value in it.
    `unique_identifying`: columns (email, username) the users table declares unique while having no
    id; a key assigned from one of those qualifies too, and the choice says so.
    """
    by_key: dict[str, list[SessionAssignment]] = {}
    for assignment in assignments:
        if not assignment.is_null:
            by_key.setdefault(assignment.key, []).append(assignment)
    rejected: list[str] = []
    fallback: SessionKeyChoice | None = None
    for key, found in by_key.items():
        where = f"{found[0].file}:{found[0].line}"
        if is_flag_name(key):
            rejected.append(f"{where}: session key '{key}' is a flag (who is signed in is not in it)")
            continue
        evidence = [a.evidence or value_evidence(a.value, literal=a.literal, resolve=a.resolve) for a in found]
        if is_user_session_key(key):
            failed = next((e for e in evidence if not e.is_id), None)
            if failed is None:
                return SessionKeyChoice(key, found[0].file, found[0].line, f"{where}: '{key}' is {evidence[0].reason}", rejected=tuple(rejected))
            rejected.append(f"{where}: session key '{key}' is {failed.reason}")
            continue
        identifying = {e.identifying for e in evidence}
        column = next(iter(identifying)) if len(identifying) == 1 else None
        if column is not None and _column_matches(column, unique_identifying) and fallback is None:
            fallback = SessionKeyChoice(
                key, found[0].file, found[0].line, f"{where}: '{key}' holds the user's {column}, declared unique in a users table without an id", identifying=column
            )
            continue
        if is_name_like(key) or column is not None:
            rejected.append(f"{where}: session key '{key}' holds a name or email address, not an id")
    if fallback is not None:
        return SessionKeyChoice(fallback.key, fallback.file, fallback.line, fallback.reason, fallback.identifying, tuple(rejected))
    return SessionKeyChoice(None, reason="no session key is assigned from the user's id", rejected=tuple(rejected))


def _column_matches(column: str, unique: frozenset[str]) -> bool:
    return column in unique or any(words(column)[-1:] == words(u)[-1:] for u in unique)
