"""What Flask's detection finds, as typed values: the app object and how a request names its user.

One class per way the app knows who is signed in (Flask-Login, `g.user`, a session key, nothing);
planning and the page host match on them instead of reading string keys.
"""

from dataclasses import dataclass
from typing import Literal

from intercom_wizard.integrations.base import BackendDetails


@dataclass(frozen=True, kw_only=True)
class FlaskLogin:
    """Flask-Login's `current_user`."""

    fields: frozenset[str] | None  # the UserMixin model's fields; None = read email and name at run time
    kind: Literal["flask-login"] = "flask-login"


@dataclass(frozen=True, kw_only=True)
class GUser:
    """The user the app loads into `g.user` (Flask tutorial style): a database row or an object."""

    file: str
    row: bool  # a row read with user["column"] (sqlite3.Row), else an object read with user.attribute
    id: str  # the row's id column ("id" for objects)
    fields: frozenset[str] | None  # the columns, when certain; None = read email and name at run time
    kind: Literal["g.user"] = "g.user"


@dataclass(frozen=True, kw_only=True)
class SessionKey:
    """The user's id the login view keeps in `session[key]`, with the email and name kept beside it."""

    file: str
    key: str
    email_key: str | None = None
    name_key: str | None = None
    not_an_id: str | None = None  # the key holds a unique username/email, not an id: why it is accepted
    kind: Literal["session"] = "session"


@dataclass(frozen=True, kw_only=True)
class NoLogin:
    """No evidence of the signed-in user's id: the endpoint fails closed."""

    reason: str
    rejected: tuple[str, ...] = ()
    token: bool = False  # the evidence that failed was the access tokens' identity (Flask-JWT-Extended)
    kind: Literal["none"] = "none"


FlaskAuth = FlaskLogin | GUser | SessionKey | NoLogin


@dataclass(frozen=True, kw_only=True)
class HttpAuthToken:
    """Flask-HTTPAuth's `HTTPTokenAuth`: `var.current_user()` is what its `@var.verify_token` returned."""

    file: str  # the module defining the HTTPTokenAuth object
    var: str  # its variable, e.g. "token_auth"


@dataclass(frozen=True, kw_only=True)
class FlaskDetails(BackendDetails):
    """What Flask detection found: the app and how its requests name their user."""

    entry_file: str  # the module creating the app
    factory: str | None = None  # the app factory, when the app is not created at module level
    auth: FlaskAuth  # how cookie-authenticated requests name their user
    jwt_user_lookup: bool = False  # Flask-JWT-Extended has a user_lookup_loader (get_current_user works)
    package_module: bool = False  # the app's module is in a package (its folder has __init__.py): `from . import`
    httpauth: HttpAuthToken | None = None  # the bearer tokens are Flask-HTTPAuth's (token_auth above names them)
