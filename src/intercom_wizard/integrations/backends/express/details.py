"""What Express's detection finds, as typed values: the server module and how a request names its user.

`SignedInUser` is the one shape every way of knowing the user takes (passport, a session record or
id, a bearer token's claims, or none), so planning renders the route from it without asking which.
"""

from dataclasses import dataclass
from typing import Literal

from intercom_wizard.integrations.base import BackendDetails

UserKind = Literal["passport", "session", "session-id", "express-jwt", "passport-jwt", "jwt-verify", "none"]
# What the generated signedInUser() returns when nothing proves who the user is: the route answers 401.
# (The template's `user=none` block puts the comment that says why on its own line above the return:
# a comment inside `return null /* ... */;` is one prettier moves after the semicolon.)
NO_USER = "null"


@dataclass(frozen=True, kw_only=True)
class SignedInUser:
    """How the token route finds the signed-in user on a request."""

    kind: UserKind
    expression: str  # JavaScript giving the user object (or null) from `req`
    id_field: str = "id"  # the user object's property that is Intercom's user_id
    middleware: str = ""  # a route middleware that authenticates first (passport-jwt; passport's session strategy run per route)
    reason: str = ""  # kind "none": why no user could be proven
    rejected: tuple[str, ...] = ()  # kind "none": the candidates refused, "file:line: why"

    @classmethod
    def none(cls, reason: str, rejected: tuple[str, ...] = ()) -> "SignedInUser":
        return cls(kind="none", expression=NO_USER, reason=reason, rejected=rejected)


@dataclass(frozen=True)
class VerifyMiddleware:
    """The app's own middleware around `jwt.verify`, and where it puts the signed-in user."""

    module: str  # its file, e.g. "middlewares/auth.js"
    line: int  # the `jwt.verify(` call's line (1-based)
    name: str  # the function's name in its module ("verifyToken")
    export: str  # "" when it is the module's export (`module.exports = verifyToken`), else the member name
    reads_header: bool  # the token comes from the Authorization header (bearer), not a cookie
    user: SignedInUser  # kind "jwt-verify" when the id is proven, "none" (with the reason) otherwise

    @property
    def where(self) -> str:
        return f"{self.module}:{self.line}"


@dataclass(frozen=True, kw_only=True)
class ExpressDetails(BackendDetails):
    entry_file: str  # the server module that creates the app
    esm: bool = False  # "type": "module" or a .mjs server: the route is an ES module
    typescript: bool = False  # a TypeScript server: the route is written as TypeScript
    user: SignedInUser  # from the session or passport (cookie auth)
    # From the access token, for a bearer-token API (express-jwt, passport-jwt); `token_auth` says
    # whether the token's subject is an evidenced id.
    token_user: SignedInUser | None = None
    # The app's own `jwt.verify` middleware (verify_middleware.py): the token route runs behind it.
    verify_middleware: VerifyMiddleware | None = None
