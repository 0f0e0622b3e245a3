"""Which value may become Intercom's `user_id`: the rules every back end shares.

Identity verification exists so that one person cannot become another, so `user_id` is taken only
from evidence: the user's primary key, the id the auth library defines, or a session key that the
app's login code assigns *from* such an id (`$_SESSION['user_id'] = $row['user_id']`,
`session["user_id"] = user.id`). A key assigned a literal (`= 1`, `= True`), a flag
(`user_login_status`, `logged_in`, `is_admin`), a display name or request input is never one; nor
is a value the wizard cannot trace. Email or username only when the users table has no id column
and declares that column unique.

The back ends parse their own language (ast-grep) and hand the facts to these functions as text:
the key, the assigned expression, whether it is a literal, and how to resolve a bare variable.
"""

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from intercom_wizard.tree import ProjectTree

# Last word of a name that holds an id: `id`, `user_id`, `userId`, `uid`, `pk`, `uuid`, `sub`.
ID_WORDS = frozenset({"id", "uid", "pk", "uuid", "guid", "sub"})
# Words naming the user (or their account) in a session key: `user_id`, `member_id`, `account`.
USER_WORDS = frozenset({"user", "users", "member", "account", "customer", "person", "profile", "current", "auth", "login", "uid"})
# Words of session state that is not the user even when it ends in `_id`: `session_id`, `cart_id`.
UNRELATED_WORDS = frozenset(
    {"session", "csrf", "xsrf", "token", "nonce", "cart", "order", "flash", "message", "error", "lang", "locale", "theme", "oauth", "state", "redirect", "return", "next", "last", "visit", "request", "device"}
)
# A flag says *that* someone is signed in, never *who*: `user_login_status`, `logged_in`, `is_admin`.
FLAG_FIRST_WORDS = frozenset({"is", "has", "can", "was", "did", "should"})
FLAG_LAST_WORDS = frozenset({"status", "flag", "state", "active", "enabled", "ok", "valid", "verified", "level", "role", "type", "count", "time", "at", "expires", "remember"})
FLAG_WORDS = frozenset({"logged", "loggedin", "signed", "signedin", "authenticated", "authed", "authorized", "authorised", "login", "logon"})
# Values that name or describe a person: they change and collide, so never an id.
NAME_WORDS = frozenset({"name", "username", "login", "nick", "nickname", "handle", "email", "mail", "display", "fullname", "firstname", "lastname"})
IDENTIFYING_WORDS = frozenset({"email", "mail", "username", "login", "handle"})
# Methods that return the auth library's own id for a user object.
ID_METHODS = frozenset({"get_id", "getKey", "getAuthIdentifier", "getId", "get_user_id", "getUserId", "to_param"})
# The patterns are kept as text and compiled on first use (re's own cache): detection imports this module for
# its word lists, and a run that traces no session assignment never compiles them (start-up time, issue 14).
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


def words(name: str) -> list[str]:
    """`user_login_status` -> [user, login, status]; `isLoggedIn` -> [is, logged, in]; `$_SESSION` keys too."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", name.strip("$@:'\" "))
    return [w for w in re.split(r"[^A-Za-z0-9]+", spaced.lower()) if w]


def is_id_name(name: str) -> bool:
    """A name that holds an id: `id`, `user_id`, `userId`, `uid`, `pk`, `userid`."""
    parts = words(name)
    if not parts:
        return False
    last = parts[-1]
    return last in ID_WORDS or (last.endswith("id") and last[:-2] in USER_WORDS)


def is_flag_name(name: str) -> bool:
    """`user_login_status`, `logged_in`, `is_logged_in`, `authenticated`, `isAdmin`: a flag, not a person."""
    parts = words(name)
    if not parts:
        return False
    if parts[0] in FLAG_FIRST_WORDS or parts[-1] in FLAG_LAST_WORDS:
        return True
    # `logged_in`, `authenticated`; but `login_id` names an id.
    return any(w in FLAG_WORDS for w in parts) and not is_id_name(name)


def is_name_like(name: str) -> bool:
    """A display name, username or email address: it describes the user, it is not their id."""
    parts = words(name)
    return bool(parts) and parts[-1] in NAME_WORDS


def is_identifying_name(name: str) -> bool:
    """Email or username: allowed as an id only when the users table has no id and declares it unique."""
    parts = words(name)
    return bool(parts) and (parts[-1] in IDENTIFYING_WORDS or "".join(parts[-2:]) == "username")


def is_user_session_key(key: str) -> bool:
    """A session key that may hold the signed-in user's id: `user_id`, `uid`, `id`, `member_id`, `userId`."""
    parts = words(key)
    if not parts or any(w in UNRELATED_WORDS for w in parts) or is_flag_name(key):
        return False
    return is_id_name(key) and (len(parts) == 1 or any(w in USER_WORDS or w.endswith("id") for w in parts[:-1]) or parts[-1] == "uid")


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


Resolver = Callable[[str], list[tuple[str, bool]]]


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


# --- the app's SQL schema ------------------------------------------------------------------------


@dataclass(frozen=True)
class UsersTable:
    """A users table read from the app's SQL: its columns, primary key and unique columns."""

    name: str
    columns: tuple[str, ...]
    primary_key: tuple[str, ...]
    unique: frozenset[str]

    @property
    def id_column(self) -> str | None:
        """The primary key, else a column named like an id."""
        if self.primary_key:
            return self.primary_key[0]
        return next((c for c in self.columns if is_id_name(c)), None)

    @property
    def unique_identifying(self) -> frozenset[str]:
        """Email/username columns that may stand in for an id: only when the table has no id at all."""
        if self.id_column is not None and not is_identifying_name(self.id_column):
            return frozenset()
        return frozenset(c for c in self.unique | set(self.primary_key) if is_identifying_name(c))


USER_TABLE_NAMES = ("users", "user", "members", "member", "accounts", "account", "customers")
# The table's name, perhaps qualified by its database (MySQL's `login`.`users`, which SQLite would refuse).
_SCHEMA_QUALIFIER = r"(?:[`\"\[]?\w+[`\"\]]?\.)?"
_CREATE_TABLE = re.compile(rf"CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?{_SCHEMA_QUALIFIER}[`\"\[]?(\w+)[`\"\]]?\s*\(", re.I)
# MySQL spellings SQLite's parser does not take; they say nothing about keys.
_MYSQL_ONLY = re.compile(r"\bAUTO_INCREMENT\b(\s*=\s*\d+)?|\bUNSIGNED\b|\bENGINE\s*=\s*\w+|\b(DEFAULT\s+)?CHARSET\s*=\s*\w+|\bCOLLATE\s*=?\s*\w+|\bCOMMENT\s*=?\s*'(?:[^'\\]|''|\\.)*'", re.I)


def users_table(tree: ProjectTree, suffixes: tuple[str, ...] = (".sql", ".php", ".py", ".rb", ".js", ".ts")) -> UsersTable | None:
    """The users table as the app's own `CREATE TABLE` declares it (a schema file or a string in the
    code), read by SQLite itself: its columns, primary key and unique columns."""
    for path in tree.mentioning(tree.glob(*suffixes), (b"create table",), ignore_case=True):  # an ASCII file without it is not decoded (issue 14)
        text = tree.text(path)
        if "create table" not in text.lower():
            continue
        for statement in _create_statements(text):
            table = _read_table(statement)
            if table is not None and table.name.lower() in USER_TABLE_NAMES:
                return _with_unique_indexes(table, text)
    return None


_UNIQUE_INDEX = re.compile(
    r"CREATE\s+UNIQUE\s+INDEX\s+(?:IF\s+NOT\s+EXISTS\s+)?[`\"\[]?\w+[`\"\]]?\s+ON\s+" + _SCHEMA_QUALIFIER + r"[`\"\[]?(\w+)[`\"\]]?\s*\(([^()]*)\)", re.I
)


def _with_unique_indexes(table: UsersTable, text: str) -> UsersTable:
    """A one-column `CREATE UNIQUE INDEX ... ON users (user_name)` beside the table makes that column unique too."""
    unique = set(table.unique)
    for match in _UNIQUE_INDEX.finditer(text):
        columns = [re.sub(r"[`\"\[\]]|\s+(?:ASC|DESC)\b", "", part, flags=re.I).strip() for part in match.group(2).split(",")]
        if match.group(1).lower() == table.name.lower() and len(columns) == 1 and columns[0] in table.columns:
            unique.add(columns[0])
    return table if unique == table.unique else replace(table, unique=frozenset(unique))


def _create_statements(text: str) -> list[str]:
    statements = []
    for match in _CREATE_TABLE.finditer(text):
        depth, index = 1, match.end()
        while index < len(text) and depth:
            depth += {"(": 1, ")": -1}.get(text[index], 0)
            index += 1
        if depth == 0:
            # Named without its database: the statement is read by an in-memory SQLite.
            statements.append(f"CREATE TABLE {match.group(1)} (" + text[match.end() : index])
    return statements


_MYSQL_UNIQUE_KEY = re.compile(r"\bUNIQUE\s+(?:KEY|INDEX)\s+[`\"]?\w+[`\"]?\s*\(", re.I)
_MYSQL_PLAIN_KEY = re.compile(r",\s*(?:FULLTEXT\s+|SPATIAL\s+)?(?:KEY|INDEX)\s+[`\"]?\w+[`\"]?\s*\([^)]*\)", re.I)


def _sqlite_dialect(statement: str) -> str:
    """MySQL's CREATE TABLE in the SQL SQLite reads: the keys kept, the storage options dropped."""
    text = _MYSQL_UNIQUE_KEY.sub("UNIQUE (", statement)
    text = _MYSQL_PLAIN_KEY.sub("", text)
    return _MYSQL_ONLY.sub(" ", text).replace("\\'", "''")


def _read_table(statement: str) -> UsersTable | None:
    import sqlite3  # only where a CREATE TABLE is read (start-up time, issue 14)

    database = sqlite3.connect(":memory:")
    try:
        database.execute(_sqlite_dialect(statement))
        name = database.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchone()[0]
        info = list(database.execute(f'PRAGMA table_info("{name}")'))
        unique: set[str] = set()
        for index in database.execute(f'PRAGMA index_list("{name}")'):
            if index[2]:  # unique
                columns = [row[2] for row in database.execute(f'PRAGMA index_info("{index[1]}")')]
                if len(columns) == 1:
                    unique.add(columns[0])
        primary = tuple(row[1] for row in sorted((r for r in info if r[5]), key=lambda r: r[5]))
        return UsersTable(name, tuple(row[1] for row in info), primary, frozenset(unique))
    except (sqlite3.Error, TypeError):
        return None
    finally:
        database.close()


# --- no evidence: the adapter the user fills in ---------------------------------------------------

_DEFINITION = r"(?:\bdef\s+(?:self\.)?|\bfunction\s+|\b(?:const|let)\s+){name}\b"


def definition_line(content: str, function: str) -> int:
    """The 1-based line where `function` is defined in generated `content` (def / function / const)."""
    match = re.search(_DEFINITION.format(name=re.escape(function)), content)
    if match is None:
        raise ValueError(f"generated code does not define {function}")
    return content.count("\n", 0, match.start()) + 1


def adapter_step(builder: "PlanBuilder", file: str, content: str, function: str, reason: str, snippet: str, rejected: Iterable[str] = ()) -> None:
    """The manual step for an endpoint whose user could not be proven: the exact file, function and
    line to fill in, the code to put there, and why each candidate the wizard saw was refused."""
    # A created file is written as the builder fitted it (the project's formatter, its import order), not as rendered.
    line = definition_line(builder.created_text(file) or content, function)
    refused = "".join(f"\n  - not used: {entry}" for entry in rejected)
    builder.manual(
        file,
        f"The wizard found no evidence of the signed-in user's id ({reason}), so {function}() in {file} "
        f"(line {line}) returns no user and the endpoint answers 401 for everyone. Make it return the user's "
        f"primary key as user_id, never a flag, a literal or a name:{refused}",
        snippet,
    )


if TYPE_CHECKING:
    from intercom_wizard.builder import PlanBuilder
