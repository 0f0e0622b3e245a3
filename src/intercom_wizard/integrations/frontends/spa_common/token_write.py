"""Where a bearer-token app stores (and removes) the access token the Messenger sends: the login
(logout) hook's place when no single login (logout) function has a certain place for it.

The Messenger's token request reads that very storage key, so the statement that writes it is the
moment the app is signed in from the Messenger's point of view. Redux Toolkit apps (cornflourblue's
react-18-redux-jwt example) sign in in a `createAsyncThunk` whose `login.fulfilled` case reducer
stores the user: two functions named `login` and neither with a success path of its own. Its
React 16 sibling signs out through an action creator that calls the service's `logout()` and returns
an action: two `logout` functions; the one `localStorage.removeItem('user')` is where the session ends.
"""

from dataclasses import dataclass

from intercom_wizard.edits import indentation_at, parse
from intercom_wizard.integrations.base import PlanContext
from intercom_wizard.integrations.frontends.client_auth import string_value
from intercom_wizard.integrations.frontends.spa_common.auth_functions import source_suffixes
from intercom_wizard.integrations.frontends.spa_common.core import SpaApp
from intercom_wizard.integrations.frontends.spa_common.imports import scripts
from intercom_wizard.options import ClientAuth


@dataclass(frozen=True)
class TokenWrite:
    """The one statement that stores the access token, inside a function."""

    file: str
    offset: int  # where the file's parsed text starts inside the file (a .vue <script> block)
    statement_start: int  # in the file
    statement_end: int  # in the file
    removal: bool = False  # `removeItem(KEY)`: the hook goes before it, not after
    name: str = "the code that stores the access token"


def token_write(context: PlanContext, app: SpaApp, *, removal: bool = False) -> TokenWrite | None:
    """The single `localStorage.setItem(KEY, ...)` statement (in a function) that stores the bearer
    token the Messenger sends (`removeItem(KEY)` with `removal`), or None (cookie auth, no such
    statement, or more than one)."""
    options = context.options
    key = options.token_storage_key
    if options.auth is not ClientAuth.BEARER or not key:
        return None
    found = []
    for path in context.tree.glob(*source_suffixes(), under=app.source_dir):
        if "intercom" in path.lower() or ".spec." in path or ".test." in path:
            continue
        text = context.tree.text(path)
        method = "removeItem" if removal else "setItem"
        if key not in text or method not in text:
            continue
        for script, offset, language in scripts(text, path):
            root = parse(script, language)
            for call in root.find_all(pattern=f"{options.token_storage}.{method}($KEY{'' if removal else ', $$$'})"):
                # A literal, or a constant/class field holding it (`removeItem(this.tokenKey)`).
                if string_value(root, call.get_match("KEY")) != key:
                    continue
                statement = call.parent()
                in_function = any(a.kind() in ("statement_block",) for a in call.ancestors())
                if statement is None or statement.kind() != "expression_statement" or not in_function:
                    continue
                start, end = offset + statement.range().start.index, offset + statement.range().end.index
                found.append(TokenWrite(path, offset, start, end, removal, "the code that removes the access token" if removal else TokenWrite.name))
    return found[0] if len(found) == 1 else None


def indentation_of(text: str, write: TokenWrite) -> str:
    return indentation_at(text, write.statement_start)
