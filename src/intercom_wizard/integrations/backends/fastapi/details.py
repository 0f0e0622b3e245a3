"""What FastAPI's detection finds, as typed values: the app module, how it knows its user, its pages.

Detection fills these once; planning and the page host read them and nothing else, so the contract
between the two is checked by mypy instead of being a dict of string keys.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from intercom_wizard.integrations.base import BackendDetails, StaticMount, TokenAuth


@dataclass(frozen=True, kw_only=True)
class UserType:
    """The user object a dependency hands over, as far as the app's code shows it."""

    class_name: str | None = None  # the project class, when the annotation names one
    file: str | None = None  # the module that defines it
    # Field name -> annotation ("" when unannotated); None = the type was not found.
    fields: Mapping[str, str] | None = None
    mapping: bool = False  # the user is a dict: read with user["key"]
    unique: frozenset[str] = frozenset()  # fields the app declares unique (identity stand-ins)


@dataclass(frozen=True, kw_only=True)
class CookieToken:
    """How the app's own pages find their user in a cookie: `await get_current_user(request.cookies.get(
    "access_token"))` (the cookie's token handed over) or `get_user_from_cookie(request)` (it reads it)."""

    cookie: str  # the cookie's name ("" when the function reads it itself and the name is not a literal)
    passes: Literal["token", "request"]
    awaited: bool  # the function is `async def`


@dataclass(frozen=True, kw_only=True)
class UserDependency:
    """The app's current-user dependency (`get_current_user`-style, or fastapi-users')."""

    kind: Literal["dependency", "fastapi-users"]
    name: str  # the dependency the endpoint uses with Depends(...)
    file: str  # where it is defined (the router imports it from there)
    optional: bool  # hands over None for a visitor (else it answers 401 itself)
    user: UserType
    bearer: str | None  # the bearer scheme its token comes from (the front end sends a header)
    # fastapi-users' FastAPIUsers object, when the app defines no current-user dependency of its own.
    users_object: str | None = None
    # Set when the pages read their user from a cookie holding a JWT: the endpoint does the same (and the
    # browser sends that cookie), even where the API's own routes take the token from a bearer header.
    cookie: CookieToken | None = None

    @property
    def sign_in_name(self) -> str | None:
        return self.name


@dataclass(frozen=True, kw_only=True)
class SessionUser:
    """A user (or only its id) the login route keeps in Starlette's request.session."""

    key: str
    keys: tuple[str, ...] | None  # the stored record's keys; None = only the user's id is stored
    id_key: str | None = None  # the record's key holding the user's id (`member_id`, `userId`, ...)
    kind: Literal["session"] = "session"
    bearer: None = None
    file: None = None
    sign_in_name: None = None


@dataclass(frozen=True, kw_only=True)
class BearerScheme:
    """An OAuth2/HTTP bearer scheme with no dependency that turns its token into a user."""

    name: str  # the scheme's variable, e.g. oauth2_scheme
    file: str
    scheme: str  # its class: OAuth2PasswordBearer, HTTPBearer, ...
    kind: Literal["oauth2-bearer"] = "oauth2-bearer"

    @property
    def bearer(self) -> str:
        return self.scheme

    @property
    def sign_in_name(self) -> str:
        return self.name


@dataclass(frozen=True, kw_only=True)
class NoUser:
    """No authentication the wizard knows; `reason`/`rejected` say why (e.g. a session flag only)."""

    reason: str = "no authentication the wizard knows was found"
    rejected: tuple[str, ...] = ()
    kind: Literal["none"] = "none"
    bearer: None = None
    file: None = None
    sign_in_name: None = None


AuthEvidence = UserDependency | SessionUser | BearerScheme | NoUser


@dataclass(frozen=True)
class NamedStaticMount(StaticMount):
    """`app.mount("/static", StaticFiles(...), name="static")`: with the route name url_for needs."""

    name: str | None = None


@dataclass(frozen=True, kw_only=True)
class FastAPIDetails(BackendDetails):
    entry_file: str  # the module that creates the app
    factory: str | None = None  # the function creating the app, when it is not module-level
    package: bool = False  # the app module is inside a package
    relative_imports: bool = False  # it imports its package's modules with `from . import x`
    auth: AuthEvidence = field(default_factory=NoUser)
    templates: str | None = None  # the Jinja2Templates folder
    static_files: NamedStaticMount | None = None  # the StaticFiles mount, "/" included
    cors_middleware: bool = False  # the app adds CORSMiddleware for every route


def fastapi_details(
    *,
    entry_file: str,
    app_var: str,
    factory: str | None,
    package: bool,
    relative_imports: bool,
    auth: AuthEvidence,
    templates: str | None,
    static_files: NamedStaticMount | None,
    cors_middleware: bool,
) -> FastAPIDetails:
    """The details with the base fields shared code reads derived from FastAPI's own."""
    return FastAPIDetails(
        entry_file=entry_file,
        app_var=app_var,
        sign_in=None if auth.kind == "none" else auth.kind,
        sign_in_name=auth.sign_in_name,
        token_auth=TokenAuth(kind=auth.bearer) if auth.bearer else None,
        # Shared code serves pages from a mount with a path; one at "/" is only FastAPI's own concern.
        static=StaticMount(dir=static_files.dir, path=static_files.path) if static_files and static_files.dir and static_files.path else None,
        factory=factory,
        package=package,
        relative_imports=relative_imports,
        auth=auth,
        templates=templates,
        static_files=static_files,
        cors_middleware=cors_middleware,
    )
