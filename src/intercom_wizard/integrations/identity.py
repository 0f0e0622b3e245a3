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
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

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


Resolver = Callable[[str], list[tuple[str, bool]]]


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
    from intercom_wizard.integrations.identity_values import REQUEST_INPUT as REQUEST_INPUT
    from intercom_wizard.integrations.identity_values import SessionAssignment as SessionAssignment
    from intercom_wizard.integrations.identity_values import SessionKeyChoice as SessionKeyChoice
    from intercom_wizard.integrations.identity_values import ValueEvidence as ValueEvidence
    from intercom_wizard.integrations.identity_values import choose_session_key as choose_session_key
    from intercom_wizard.integrations.identity_values import unwrap_casts as unwrap_casts
    from intercom_wizard.integrations.identity_values import value_evidence as value_evidence


# The session-key half lives in identity_values.py and loads on first use: detection imports this module for
# its word lists and name tests, and an app whose login code assigns no session key never needs it.
_SESSION_VALUES = frozenset({"REQUEST_INPUT", "SessionAssignment", "SessionKeyChoice", "ValueEvidence", "choose_session_key", "unwrap_casts", "value_evidence"})


def __getattr__(name: str) -> Any:
    if name in _SESSION_VALUES:
        from intercom_wizard.integrations import identity_values

        return getattr(identity_values, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
