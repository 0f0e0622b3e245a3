"""Planning Flask's token endpoint: the blueprint module, its import and registration on the app,
PyJWT (1.x where Flask-JWT-Extended 3 needs it), flask-cors for a front end on another origin, the
secret, and the manual step when no user is proven."""

from dataclasses import dataclass

from intercom_wizard.astgrep import field_text
from intercom_wizard.edits import parse
from intercom_wizard.envfile import plan_secret
from intercom_wizard.integrations import identity
from intercom_wizard.integrations.backends.flask.claims import AccessToken, HttpAuthUser, user_lookup
from intercom_wizard.integrations.backends.flask.details import FlaskAuth, FlaskDetails, NoLogin
from intercom_wizard.integrations.backends.python_common import AppObject, add_import, attach_to_app, declare_pyjwt, declare_python_package
from intercom_wizard.integrations.base import Detection, PlanContext
from intercom_wizard.options import ClientAuth
from intercom_wizard.templates import render
from intercom_wizard.tree import ProjectTree, folder_of, join
from intercom_wizard.versions import python_version

MODULE_NAME = "intercom_jwt"
PYJWT_1_SPEC = ">=1.7,<2"


@dataclass(frozen=True)
class EndpointUser:
    """Who the endpoint serves, settled once for this install: the access token's user (bearer auth,
    when its identity is an evidenced id), else the app's login evidence (`auth`, with a token whose
    identity was refused turned into NoLogin)."""

    auth: FlaskAuth
    token: AccessToken | HttpAuthUser | None


def endpoint_user(context: PlanContext, details: FlaskDetails, app_root: str = "") -> EndpointUser:
    token_auth = details.token_auth if context.options.auth is ClientAuth.BEARER else None
    if token_auth is None:
        return EndpointUser(details.auth, None)
    if token_auth.identity_refused:
        # The tokens carry a name or an untraceable value as their identity: no evidence of the user's id.
        refused = NoLogin(reason="the access tokens' identity is not the user's id", rejected=token_auth.identity_refused, token=True)
        return EndpointUser(refused, None)
    if details.httpauth is not None:
        return EndpointUser(details.auth, HttpAuthUser(details.httpauth.var, _import_module(details, details.httpauth.file, app_root)))
    return EndpointUser(details.auth, AccessToken(user_lookup=details.jwt_user_lookup))


def _import_module(details: FlaskDetails, path: str, app_root: str) -> str:
    """How the blueprint module (beside the app's module) imports `path`: relatively inside a package,
    by its bare name beside a script, else by its dotted path from the app's root."""
    module, folder = path.removesuffix(".py").rsplit("/", 1)[-1], folder_of(path)
    if folder == folder_of(details.entry_file):
        return f".{module}" if app_in_package(details) else module
    inside = path[len(app_root) + 1 :] if app_root and path.startswith(f"{app_root}/") else path
    return inside.removesuffix(".py").removesuffix("/__init__").replace("/", ".")


def app_in_package(details: FlaskDetails) -> bool:
    """The app's module is part of a package (its folder has `__init__.py`), imported as `pkg.module`."""
    return details.entry_file.endswith("__init__.py") or details.package_module


def plan(context: PlanContext, detection: Detection[FlaskDetails]) -> None:
    tree, builder, details = context.tree, context.builder, detection.details
    app_file, app_var = details.entry_file, details.app_var
    module_file = join(folder_of(app_file), f"{MODULE_NAME}.py")
    user = endpoint_user(context, details, detection.root)
    imports, claims = user_lookup(user.token or user.auth)
    jwt_3 = _jwt_extended_3(context, detection)
    if isinstance(user.token, AccessToken) and jwt_3:
        imports = [line.replace("jwt_required", "jwt_optional") for line in imports]
    cors = "none"
    if context.options.frontend_origin:
        imports.append("from flask_cors import CORS")
        cors = "bearer" if user.token is not None else "cookie"
        declare_python_package(context, detection.root, "flask-cors", ">=4.0", "flask-cors answers the pages' cross-origin requests")
    flask_version = python_version(context.tree, detection.root, "flask")
    choices = {
        "cors": cors,
        "route": "route" if flask_version is not None and flask_version.below(2, 0) else "get",  # @bp.get from Flask 2.0
        # No or a bad token: Flask-JWT-Extended answers 401 itself; an optional token lets ours say "not signed in".
        "token": "none" if user.token is None else "httpauth" if isinstance(user.token, HttpAuthUser) else "jwt_optional" if jwt_3 else "jwt_required",
        "pyjwt": "1" if _pyjwt_1(context, detection) else "2",
    }
    module = render(
        "flask/intercom_jwt.py",
        choices,
        imports="\n".join(sorted("\n".join(imports).splitlines())),
        user_claims=claims,
        endpoint=str(context.options.endpoint),
        frontend_origin=context.options.frontend_origin or "",
        auth_var=user.token.var if isinstance(user.token, HttpAuthUser) else "",
    )
    builder.create(module_file, module, f"GET {context.options.endpoint}: a signed Intercom JWT for the signed-in user, 401 otherwise")
    import_line = f"from . import {MODULE_NAME}" if app_in_package(details) else f"import {MODULE_NAME}"
    # A factory that imports its blueprints inside itself does so to avoid circular imports (their
    # modules import the app's module): ours imports the app's auth too, so it is imported there as well.
    local = _factory_imports_locally(tree, details)  # then the import goes above the registration, Black's blank line after it
    if not local:
        add_import(context, app_file, import_line)
    attach_to_app(
        context,
        AppObject(app_file, app_var, details.factory),
        f"{import_line}\n\n{app_var}.register_blueprint({MODULE_NAME}.bp)" if local else f"{app_var}.register_blueprint({MODULE_NAME}.bp)",
        registration="register_blueprint",
        created=("$APP = Flask($$$)",),
        reason="registers the token endpoint's blueprint",
        include_assignments=True,
    )
    if choices["pyjwt"] == "1":
        # Flask-JWT-Extended 3 requires PyJWT 1.x: asking for 2.x would make the app uninstallable.
        declare_python_package(context, detection.root, "PyJWT", PYJWT_1_SPEC, "PyJWT signs the tokens (1.x, as Flask-JWT-Extended 3 needs)")
    else:
        declare_pyjwt(context, detection.root)
    plan_secret(context, _env_file(tree, detection.root))
    auth = user.auth
    if isinstance(auth, NoLogin) and user.token is None:
        snippet = render("flask/token_adapter.py" if auth.token else "flask/user_adapter.py").split("\n", 1)[1].strip()
        identity.adapter_step(builder, module_file, module, "signed_in_user_claims", auth.reason, snippet, auth.rejected)
    if auth.kind == "session" and auth.not_an_id:
        builder.note(
            f"The users table has no id, so Intercom's user_id is the user's {auth.key} ({auth.not_an_id}): a user "
            f"who changes it becomes a new Intercom user. Return the user's id from signed_in_user_claims() when you can.",
            "warning",
        )


def _factory_imports_locally(tree: ProjectTree, details: FlaskDetails) -> bool:
    """The app factory registers a blueprint it imported inside its own body (`from api.x import x`)."""
    if details.factory is None:
        return False
    root = parse(tree.text(details.entry_file), "python")
    factory = next((f for f in root.find_all(kind="function_definition") if field_text(f, "name") == details.factory), None)
    if factory is None or not factory.find_all(pattern=f"{details.app_var}.register_blueprint($$$)"):
        return False
    return factory.find(kind="import_from_statement") is not None or factory.find(kind="import_statement") is not None


def _jwt_extended_3(context: PlanContext, detection: Detection[FlaskDetails]) -> bool:
    found = python_version(context.tree, detection.root, "flask-jwt-extended")
    return found is not None and found.below(4, 0)


def _pyjwt_1(context: PlanContext, detection: Detection[FlaskDetails]) -> bool:
    """The app runs PyJWT 1.x: pinned itself, or required by Flask-JWT-Extended 3."""
    pyjwt = python_version(context.tree, detection.root, "pyjwt")
    return _jwt_extended_3(context, detection) or (pyjwt is not None and pyjwt.below(2, 0))


def _env_file(tree: ProjectTree, app_root: str) -> str | None:
    """Flask's CLI loads .env when python-dotenv is present; apps may also call load_dotenv()."""
    # The byte test first: an ASCII file without "dotenv" is not decoded (issue 14).
    uses_dotenv = any(
        "load_dotenv" in tree.text(p) or "dotenv" in tree.text(p)
        for p in tree.mentioning(tree.glob(".py", "requirements.txt", "pyproject.toml"), (b"dotenv",))
    )
    return join(app_root, ".env") if uses_dotenv else None
