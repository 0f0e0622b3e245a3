"""Flask: a blueprint serving the token endpoint, registered where the app is created.

Adds `intercom_jwt.py` beside the module that creates the app (the app factory or a module-level
`app = Flask(...)`), imports it and registers its blueprint. The signed-in user comes from
Flask-Login's `current_user` when the app uses it, otherwise from the app's own `g.user` (Flask
tutorial style); with neither, the endpoint fails closed and the notes say how to wire it.
The Jinja base layout gets the Messenger script, served from the app's static folder.
"""

import dataclasses
import re

from ast_grep_py import SgNode

from intercom_wizard import csp
from intercom_wizard.edits import parse
from intercom_wizard.envfile import plan_secret
from intercom_wizard.integrations import identity
from intercom_wizard.integrations.backends.python_common import (
    NAME_FIELDS,
    AppObject,
    add_import,
    attach_to_app,
    claims_literal,
    declare_pyjwt,
    declare_python_package,
    model_fields,
    user_attribute_helper,
)
from intercom_wizard.integrations.base import Detection, PageHost, PlanContext
from intercom_wizard.integrations.frontends.layouts import find_layouts, package_base_layouts
from intercom_wizard.options import ClientAuth
from intercom_wizard.support import Supported, SupportTable
from intercom_wizard.templates import render
from intercom_wizard.tree import ProjectTree, folder_of, join
from intercom_wizard.versions import python_version

NAME = "flask"
# The versions this integration generates code for (docs list the same table).
SUPPORTED: SupportTable = (
    Supported("Flask", "python", "flask", (1, 0), (4, 0)),
    Supported("Python", "language", "python", (3, 8)),
    Supported("Flask-JWT-Extended", "python", "flask-jwt-extended", (3, 0), (5, 0), optional=True),
)
MODULE_NAME = "intercom_jwt"
PYJWT_1_SPEC = ">=1.7,<2"


def detect(tree: ProjectTree) -> list[Detection]:
    found = []
    for path in tree.glob(".py"):
        text = tree.text(path)
        if "Flask(" not in text or "flask" not in text:
            continue
        for match in parse(text, "python").find_all(pattern="$APP = Flask($$$)"):
            package_dir = folder_of(path)
            factory = _enclosing_function(match)
            found.append(
                Detection(
                    NAME,
                    "backend",
                    _app_root(tree, package_dir),
                    (f"{path}: {match.text()}",),
                    {
                        "app_file": path,
                        "app_var": match.get_match("APP").text(),
                        "factory": factory.field("name").text() if factory else None,
                        "auth": _auth_style(tree),
                        "token_auth": _token_auth(tree),
                    },
                )
            )
    return found


def _app_root(tree: ProjectTree, package_dir: str) -> str:
    """The folder the app runs from: above the package when the app lives in a package."""
    if package_dir and tree.exists(f"{package_dir}/__init__.py"):
        return folder_of(package_dir)
    return package_dir


def _enclosing_function(node: SgNode) -> SgNode | None:
    return next((a for a in node.ancestors() if a.kind() == "function_definition"), None)


def _token_auth(tree: ProjectTree) -> dict[str, object] | None:
    """Flask-JWT-Extended access tokens, and whether a user_lookup_loader turns them into users."""
    sources = [tree.text(path) for path in tree.glob(".py")]
    if not any("flask_jwt_extended" in text and "JWTManager(" in text for text in sources):
        return None
    lookup = any(
        parse(text, "python").find(pattern=f"@$JWT.{loader}") is not None
        for text in sources
        for loader in ("user_lookup_loader", "user_loader_callback_loader")  # 4.x, 3.x
        if loader in text
    )
    found: dict[str, object] = {"kind": "flask-jwt-extended", "user_lookup": lookup, **_token_identity(tree)}
    # JWT_HEADER_TYPE renames the Authorization scheme ("JWT <token>"); the front end must send that one.
    for text in sources:
        header_type = re.search(r"""JWT_HEADER_TYPE["']?\]?\s*[=:]\s*["']([A-Za-z]+)["']""", text)
        if header_type:
            found["scheme"] = header_type.group(1)
    return found


def _token_identity(tree: ProjectTree) -> dict[str, object]:
    """What the app puts in its access tokens' identity (`create_access_token(identity=user.id)`): the
    token's identity becomes user_id, so it needs the same evidence as a session key (identity.py)."""
    refused = []
    for path in tree.glob(".py"):
        text = tree.text(path)
        if "create_access_token" not in text:
            continue
        for call in parse(text, "python").find_all(pattern="create_access_token($$$)"):
            arguments = call.field("arguments")
            value = next(
                (
                    a.field("value") if a.kind() == "keyword_argument" else a
                    for a in (arguments.children() if arguments is not None else [])
                    if a.kind() not in ("(", ")", ",") and (a.kind() != "keyword_argument" or a.field("name").text() == "identity")
                ),
                None,
            )
            if value is None:
                continue
            evidence = identity.value_evidence(value.text(), literal=value.kind() in PYTHON_LITERALS, resolve=_python_resolver(call))
            if not evidence.is_id:
                refused.append(f"{path}:{call.range().start.line + 1}: the access token's identity is {evidence.reason}")
    return {"identity_refused": refused}


def _auth_style(tree: ProjectTree) -> dict[str, object]:
    sources = {path: tree.text(path) for path in tree.glob(".py")}
    if any("flask_login" in text and "login_user" in text for text in sources.values()):
        fields = model_fields(tree, "UserMixin")
        return {"kind": "flask-login", "fields": sorted(fields) if _certain(fields) else None}
    table = identity.users_table(tree)
    for path, text in sources.items():
        if "g.user" not in text:
            continue
        loaded = [
            assignment.get_match("VALUE").text()
            for assignment in parse(text, "python").find_all(pattern="g.user = $VALUE")
            if assignment.get_match("VALUE").text() != "None"
        ]
        if not loaded:
            continue
        row = any("fetchone" in value or "execute" in value for value in loaded)
        if row and (table is None or table.id_column is None):
            continue  # a row without a known id column: no evidence of the id
        columns = set(table.columns) if row and table else None
        return {"kind": "g.user", "file": path, "row": row, "id": table.id_column if row and table else "id", "fields": sorted(columns) if _certain(columns) else None}
    return _session_key(tree, sources, table)


def _certain(fields: set[str] | None) -> bool:
    """The static model names both an email and a name field; otherwise they are looked up at run time."""
    return fields is not None and "email" in fields and any(name in fields for name in NAME_FIELDS)


def _session_key(tree: ProjectTree, sources: dict[str, str], table: identity.UsersTable | None) -> dict[str, object]:
    """`session["user_id"] = user["id"]` in the login view: the key traced to the user's id (identity.py)."""
    assignments = []
    for path, text in sources.items():
        if "session" not in text:
            continue
        for match in parse(text, "python").find_all(pattern="session[$KEY] = $VALUE"):
            key, value = match.get_match("KEY"), match.get_match("VALUE")
            if key.kind() != "string":
                continue
            assignments.append(
                identity.SessionAssignment(
                    path,
                    match.range().start.line + 1,
                    key.text()[1:-1],
                    value.text(),
                    literal=value.kind() in PYTHON_LITERALS,
                    is_null=value.kind() == "none",
                    resolve=_python_resolver(match),
                )
            )
    if not assignments:
        return {"kind": "none", "reason": "no login code storing the user in the session was found", "rejected": []}
    choice = identity.choose_session_key(assignments, unique_identifying=table.unique_identifying if table else frozenset())
    if choice.key is None:
        return {"kind": "none", "reason": choice.reason, "rejected": list(choice.rejected)}
    beside = [a.key for a in assignments if a.file == choice.file and a.key != choice.key]
    email_key = choice.key if choice.identifying and "mail" in choice.identifying else next((k for k in beside if "email" in k.lower()), None)
    name_key = next((k for k in beside if k.lower() in ("name", "full_name", "display_name", "username", "user_name")), None)
    return {"kind": "session", "file": choice.file, "key": choice.key, "email_key": email_key, "name_key": name_key, "not_an_id": choice.reason if choice.identifying else None}


PYTHON_LITERALS = frozenset({"integer", "float", "string", "true", "false", "none", "concatenated_string"})


def _python_resolver(node: SgNode) -> identity.Resolver:
    """Values assigned to a name earlier in the same function: `uid = user["id"]; session["uid"] = uid`."""
    scope = next((a for a in node.ancestors() if a.kind() in ("function_definition", "module")), None)

    def resolve(name: str) -> list[tuple[str, bool]]:
        if scope is None:
            return []
        return [
            (m.get_match("VALUE").text(), m.get_match("VALUE").kind() in PYTHON_LITERALS)
            for m in scope.find_all(pattern=f"{name} = $VALUE")
            if m.range().start.index < node.range().start.index
        ]

    return resolve


def plan(context: PlanContext, detection: Detection) -> None:
    tree, builder = context.tree, context.builder
    app_file: str = detection.details["app_file"]
    app_var: str = detection.details["app_var"]
    folder = folder_of(app_file)
    prefix = f"{folder}/" if folder else ""
    token_auth = detection.details.get("token_auth") if context.options.auth is ClientAuth.BEARER else None
    if token_auth and token_auth.get("identity_refused"):
        # The tokens carry a name or an untraceable value as their identity: no evidence of the user's id.
        token_auth = None
        no_evidence = {"kind": "none", "token": True, "reason": "the access tokens' identity is not the user's id", "rejected": detection.details["token_auth"]["identity_refused"]}
        detection = dataclasses.replace(detection, details={**detection.details, "auth": no_evidence})
    auth = token_auth or detection.details["auth"]
    imports, claims = _user_lookup(auth)
    route = _route_decorator(context, detection)
    if token_auth:
        # No or a bad token: Flask-JWT-Extended answers 401 itself; an optional token lets ours say "not signed in".
        route += "\n" + _optional_jwt_decorator(context, detection)
        if _jwt_extended_3(context, detection):
            imports = imports.replace("jwt_required", "jwt_optional")
    cors = ""
    if context.options.frontend_origin:
        imports += "\nfrom flask_cors import CORS"
        credentials = "" if token_auth else ", supports_credentials=True"
        cors = f"\n# The pages are served from another origin: allow exactly that one.\nCORS(bp, origins=[\"{context.options.frontend_origin}\"]{credentials})"
        declare_python_package(context, detection.root, "flask-cors", ">=4.0", "flask-cors answers the pages' cross-origin requests")
    imports = "\n".join(sorted(imports.splitlines()))
    module = _for_pyjwt_1(context, detection, render("flask/intercom_jwt.py", imports=imports, user_claims=claims, route=route, cors=cors))
    builder.create(
        f"{prefix}{MODULE_NAME}.py",
        module,
        f"GET {context.options.endpoint}: a signed Intercom JWT for the signed-in user, 401 otherwise",
    )
    in_package = app_file.endswith("__init__.py")
    add_import(context, app_file, f"from . import {MODULE_NAME}" if in_package else f"import {MODULE_NAME}")
    attach_to_app(
        context,
        AppObject(app_file, app_var, detection.details["factory"]),
        f"{app_var}.register_blueprint({MODULE_NAME}.bp)",
        registration="register_blueprint",
        created=("$APP = Flask($$$)",),
        reason="registers the token endpoint's blueprint",
        include_assignments=True,
    )
    if _pyjwt_1(context, detection):
        # Flask-JWT-Extended 3 requires PyJWT 1.x: asking for 2.x would make the app uninstallable.
        declare_python_package(context, detection.root, "PyJWT", PYJWT_1_SPEC, "PyJWT signs the tokens (1.x, as Flask-JWT-Extended 3 needs)")
    else:
        declare_pyjwt(context, detection.root)
    plan_secret(context, _env_file(tree, detection.root))
    auth = detection.details["auth"]
    if auth["kind"] == "none" and not token_auth:
        identity.adapter_step(
            builder,
            f"{prefix}{MODULE_NAME}.py",
            module,
            "signed_in_user_claims",
            str(auth.get("reason", "no login system was recognised")),
            render("flask/token_adapter.py" if auth.get("token") else "flask/user_adapter.py").split("\n", 1)[1].strip(),
            auth.get("rejected", []),  # type: ignore[arg-type]
        )
    if auth.get("not_an_id"):
        builder.note(
            f"The users table has no id, so Intercom's user_id is the user's {auth['key']} ({auth['not_an_id']}): a user "
            f"who changes it becomes a new Intercom user. Return the user's id from signed_in_user_claims() when you can.",
            "warning",
        )


def _route_decorator(context: PlanContext, detection: Detection) -> str:
    """`@bp.get` from Flask 2.0; Flask 1.x only has `route(..., methods=...)`."""
    flask_version = python_version(context.tree, detection.root, "flask")
    if flask_version is not None and flask_version.below(2, 0):
        return f'@bp.route("{context.options.endpoint}", methods=["GET"])'
    return f'@bp.get("{context.options.endpoint}")'


def _jwt_extended_3(context: PlanContext, detection: Detection) -> bool:
    found = python_version(context.tree, detection.root, "flask-jwt-extended")
    return found is not None and found.below(4, 0)


def _pyjwt_1(context: PlanContext, detection: Detection) -> bool:
    """The app runs PyJWT 1.x: pinned itself, or required by Flask-JWT-Extended 3."""
    pyjwt = python_version(context.tree, detection.root, "pyjwt")
    return _jwt_extended_3(context, detection) or (pyjwt is not None and pyjwt.below(2, 0))


def _for_pyjwt_1(context: PlanContext, detection: Detection, module: str) -> str:
    """PyJWT 1.x returns bytes from jwt.encode; JSON needs text."""
    if not _pyjwt_1(context, detection):
        return module
    return module.replace(
        '    return jsonify(token=jwt.encode(payload, secret, algorithm="HS256"))',
        '    token = jwt.encode(payload, secret, algorithm="HS256")\n'
        "    # PyJWT 1.x (which Flask-JWT-Extended 3 requires) returns bytes.\n"
        '    return jsonify(token=token.decode("ascii") if isinstance(token, bytes) else token)',
        1,
    )


def _optional_jwt_decorator(context: PlanContext, detection: Detection) -> str:
    """Flask-JWT-Extended 4 spells an optional token `jwt_required(optional=True)`; 3.x had `jwt_optional`."""
    return "@jwt_optional" if _jwt_extended_3(context, detection) else "@jwt_required(optional=True)"


def page_host(context: PlanContext, detection: Detection) -> PageHost | None:
    folder = folder_of(detection.details["app_file"])
    if not context.tree.glob(".html", ".jinja", ".jinja2", ".j2", under=join(folder, "templates")):
        return None  # a JSON API (Flask-JWT-Extended examples): the front end that calls it boots the Messenger
    return PageHost(
        static_dir=join(folder, "static"),
        script_src="{{ url_for('static', filename='intercom-messenger.js') }}",
        layouts=tuple(
            find_layouts(context.tree, join(folder, "templates"), extends_marker="{% extends")
            or package_base_layouts(context.tree, join(folder, "templates"))  # Flask-Bootstrap's base page
        ),
        user_settings=_template_user_settings(detection.details["auth"]),
        csp_nonce=_talisman_nonce(context.tree, detection.root),
        csp_nonce_help="Flask-Talisman makes one when created with content_security_policy_nonce_in=['script-src'].",
    )


def _talisman_nonce(tree: ProjectTree, root: str) -> csp.NonceSource | None:
    """Flask-Talisman's per-request nonce, which it only makes for the sections named in nonce_in."""
    found = csp.search_code(tree, tree.glob(".py", under=root), re.compile(r"content_security_policy_nonce_in\s*="))
    if found is None:
        return None
    return csp.NonceSource.everywhere(f"Flask-Talisman ({found[0]})", "{{ csp_nonce() }}")


def _template_user_settings(auth: dict[str, object]) -> str | None:
    """Jinja that writes the signed-in user's attributes into a JS object (the insecure variant only)."""
    fields = set(auth["fields"]) if auth.get("fields") else {"email", "name"}  # type: ignore[call-overload]
    names = [f for f in ("email", "name") if f in fields]
    if auth["kind"] == "flask-login":
        condition, user_id, attribute = "current_user.is_authenticated", "current_user.get_id()", "current_user.{}"
    elif auth["kind"] == "g.user":
        condition, user_id = "g.user", f'g.user["{auth.get("id", "id")}"]|string' if auth["row"] else "g.user.id|string"
        attribute = 'g.user["{}"]' if auth["row"] else "g.user.{}"
    else:
        return None
    entries = [f"user_id: {{{{ {user_id}|tojson }}}},"] + [f"{name}: {{{{ {attribute.format(name)}|tojson }}}}," for name in names]
    return f"{{% if {condition} %}}\n" + "\n".join(entries) + "\n{% endif %}"


def _user_lookup(auth: dict[str, object]) -> tuple[str, str]:
    """The imports and the `signed_in_user_claims()` function for the app's login system."""
    fields = set(auth["fields"]) if auth.get("fields") else None  # type: ignore[call-overload]
    flask_imports = "from flask import Blueprint, current_app, jsonify"
    helper = f"{user_attribute_helper()}\n\n\n" if fields is None else ""
    if auth["kind"] == "flask-login":
        claims = claims_literal(lambda f: f"current_user.{f}", "current_user.get_id()", fields, "    ", dynamic="current_user")
        return (
            f"{flask_imports}\nfrom flask_login import current_user",
            helper + 'def signed_in_user_claims():\n    """Identity claims for the user Flask-Login has signed in, or None."""\n'
            f"    if not current_user.is_authenticated:\n        return None\n    return {claims}",
        )
    if auth["kind"] == "flask-jwt-extended":
        if auth["user_lookup"]:
            claims = claims_literal(str, "str(get_jwt_identity())", None, "    ", dynamic="user")
            lookup = "    user = get_current_user()\n"
        else:
            claims, lookup, helper = '{"user_id": str(get_jwt_identity())}', "", ""
        names = "get_current_user, get_jwt_identity, jwt_required" if auth["user_lookup"] else "get_jwt_identity, jwt_required"
        return (
            f"{flask_imports}\nfrom flask_jwt_extended import {names}",
            helper + 'def signed_in_user_claims():\n    """Identity claims for the user of the request\'s access token, or None."""\n'
            f"    if get_jwt_identity() is None:\n        return None\n{lookup}    return {claims}",
        )
    if auth["kind"] == "g.user":
        id_field = auth.get("id", "id")
        if auth["row"]:
            claims = claims_literal(lambda f: f'user["{f}"]', f'str(user["{id_field}"])', fields, "    ", dynamic="user")
        else:
            claims = claims_literal(lambda f: f"user.{f}", "str(user.id)", fields, "    ", dynamic="user")
        return (
            "from flask import Blueprint, current_app, g, jsonify",
            helper + 'def signed_in_user_claims():\n    """Identity claims for the user the app loaded into g.user, or None."""\n'
            f'    user = g.get("user")\n    if user is None:\n        return None\n    return {claims}',
        )
    if auth["kind"] == "session":
        key = auth["key"]
        entries = [f'"user_id": str(session["{key}"]),']
        for claim in ("email", "name"):
            if auth.get(f"{claim}_key"):
                entries.append(f'"{claim}": session.get("{auth[f"{claim}_key"]}"),')
        body = "".join(f"\n        {entry}" for entry in entries)
        return (
            "from flask import Blueprint, current_app, jsonify, session",
            "def signed_in_user_claims():\n"
            f'    """Identity claims for the user whose id {auth["file"]} keeps in session["{key}"], or None."""\n'
            f'    if session.get("{key}") is None:\n        return None\n    return {{{body}\n    }}',
        )
    return (
        flask_imports,
        render("flask/user_adapter_stub.py").split("\n", 1)[1].strip(),
    )


def _env_file(tree: ProjectTree, app_root: str) -> str | None:
    """Flask's CLI loads .env when python-dotenv is present; apps may also call load_dotenv()."""
    uses_dotenv = any("load_dotenv" in tree.text(p) or "dotenv" in tree.text(p) for p in tree.glob(".py", "requirements.txt", "pyproject.toml"))
    return join(app_root, ".env") if uses_dotenv else None
