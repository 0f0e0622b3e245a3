"""Flask's `signed_in_user_claims()`: the variant of templates/flask/user_claims.py that fits how the
app knows its user, the claims that user has, and the imports the blueprint module needs for it."""

from dataclasses import dataclass

from intercom_wizard.integrations.backends.flask.details import FlaskAuth, FlaskLogin, GUser, SessionKey
from intercom_wizard.integrations.backends.python_common import ClaimEntries, claim_entries, render_claims_function
from intercom_wizard.templates import render

FLASK_IMPORTS = "from flask import Blueprint, current_app, jsonify"


@dataclass(frozen=True)
class AccessToken:
    """The user comes from a Flask-JWT-Extended access token (bearer auth)."""

    user_lookup: bool  # the app's user_lookup_loader makes get_current_user() return the user


@dataclass(frozen=True)
class HttpAuthUser:
    """The user Flask-HTTPAuth's `@var.verify_token` returned for the request's bearer token."""

    var: str  # the HTTPTokenAuth object, e.g. "token_auth"
    module: str  # where the blueprint module imports it from (".auth", "auth", "api.auth")


def user_lookup(auth: FlaskAuth | AccessToken | HttpAuthUser) -> tuple[list[str], str]:
    """The import lines and the `signed_in_user_claims()` function for the app's login system."""
    if isinstance(auth, HttpAuthUser):
        claims = claim_entries(lambda f: f"user.{f}", "str(user.id)", None, dynamic="user")
        return [FLASK_IMPORTS, f"from {auth.module} import {auth.var}"], _render("httpauth", claims, auth_var=auth.var)
    if isinstance(auth, FlaskLogin):
        # str(): Flask-Login asks get_id() for a str, but apps of its 0.2 era return the integer key.
        claims = claim_entries(lambda f: f"current_user.{f}", "str(current_user.get_id())", auth.fields, dynamic="current_user")
        return [FLASK_IMPORTS, "from flask_login import current_user"], _render("flask_login", claims)
    if isinstance(auth, AccessToken):
        names = "get_current_user, get_jwt_identity, jwt_required" if auth.user_lookup else "get_jwt_identity, jwt_required"
        imports = [FLASK_IMPORTS, f"from flask_jwt_extended import {names}"]
        if not auth.user_lookup:
            return imports, _render("jwt", None)
        return imports, _render("jwt_user", claim_entries(str, "str(get_jwt_identity())", None, dynamic="user"))
    if isinstance(auth, GUser):
        if auth.row:
            claims = claim_entries(lambda f: f'user["{f}"]', f'str(user["{auth.id}"])', auth.fields, dynamic="user")
        else:
            claims = claim_entries(lambda f: f"user.{f}", "str(user.id)", auth.fields, dynamic="user")
        return ["from flask import Blueprint, current_app, g, jsonify"], _render("g_user", claims)
    if isinstance(auth, SessionKey):
        claims = ClaimEntries(
            f'str(session["{auth.key}"])',
            f'session.get("{auth.email_key}")' if auth.email_key else None,
            f'session.get("{auth.name_key}")' if auth.name_key else None,
        )
        code = _render("session", claims, session_file=auth.file, session_key=auth.key)
        return ["from flask import Blueprint, current_app, jsonify, session"], code
    return [FLASK_IMPORTS], render("flask/user_adapter_stub.py").split("\n", 1)[1].strip()


def _render(lookup: str, claims: ClaimEntries | None, **values: str) -> str:
    return render_claims_function("flask/user_claims.py", {"lookup": lookup}, claims, **values)
