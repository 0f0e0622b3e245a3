"""FastAPI: an APIRouter serving the token endpoint, included where the app is created.

Adds `intercom_jwt.py` beside the module that creates the app (a module-level `app = FastAPI()`
or a factory function) and includes its router with `app.include_router(...)`. The user comes
from the app's own dependency, used with `Depends(...)` and imported from where it is defined:
a `get_current_user`-style function (session lookup or OAuth2/JWT bearer: the endpoint is then
protected by that same mechanism), or fastapi-users' `current_user(...)`. Without one, a user kept
in Starlette's `request.session`; with an OAuth2 bearer scheme but no user lookup, or nothing at
all, the endpoint fails closed and the notes say so. A dependency answering 401 itself is used as
it is; one returning None is turned into a 401. Apps rendering `Jinja2Templates` with a
`StaticFiles` mount get the Messenger script in their base layouts; API-only apps leave the page
to the SPA integration.
"""

import ast
import re
from pathlib import PurePosixPath

from ast_grep_py import SgNode

from intercom_wizard import csp
from intercom_wizard.edits import append_lines, insert_lines_before, last_import, parse
from intercom_wizard.envfile import plan_secret
from intercom_wizard.integrations import identity
from intercom_wizard.integrations.backends.python_common import (
    DYNAMIC_NAME_FIELDS,
    NAME_FIELDS,
    add_import,
    attach_to_app,
    declare_pyjwt,
    user_attribute_helper,
)
from intercom_wizard.integrations.base import Detection, PageHost, PlanContext
from intercom_wizard.integrations.frontends.layouts import find_layouts
from intercom_wizard.integrations.frontends.response_pages import find_response_pages
from intercom_wizard.options import ClientAuth
from intercom_wizard.support import Supported, SupportTable
from intercom_wizard.templates import render
from intercom_wizard.tree import ProjectTree, folder_of, join

NAME = "fastapi"
# The versions this integration generates code for (docs list the same table).
SUPPORTED: SupportTable = (
    Supported("FastAPI", "python", "fastapi", (0, 95)),  # Annotated[..., Depends(...)] parameters
    Supported("Python", "language", "python", (3, 8)),
)
MODULE_NAME = "intercom_jwt"
SCRIPT_NAME = "intercom-messenger.js"
APP_PATTERNS = ("$APP = FastAPI($$$)", "$APP: $TYPE = FastAPI($$$)", "$APP = fastapi.FastAPI($$$)")
# Names of functions that are a "current user" dependency, best first (matched on names, not on code).
USER_DEPENDENCY_NAMES = ("get_current_user", "current_user", "get_current_active_user", "current_active_user")
USER_DEPENDENCY_NAME = re.compile(r"(get_|require_)?(current|authenticated|signed_in|logged_in)_(active_)?user(_optional|_or_none)?")
BEARER_SCHEMES = ("OAuth2PasswordBearer", "OAuth2AuthorizationCodeBearer", "HTTPBearer")
ID_FIELDS = ("id", "user_id", "uuid", "pk")
# Stand-ins for an id only when the app declares them unique (identity.py): Column(unique=True), or the
# key of its users dict (`users_db = {"frank": User(username="frank", ...)}`).
IDENTIFYING_FIELDS = ("username", "email")
CLAIMS_TYPE = "dict[str, Any]"


# --- detection ---------------------------------------------------------------------------------


def detect(tree: ProjectTree) -> list[Detection]:
    found = []
    for path in _sources(tree):
        text = tree.text(path)
        if "FastAPI(" not in text or "fastapi" not in text:
            continue
        root = parse(text, "python")
        for pattern in APP_PATTERNS:
            for match in root.find_all(pattern=pattern):
                folder = folder_of(path)
                relative = _uses_relative_imports(root)
                package = bool(folder) and (tree.exists(join(folder, "__init__.py")) or relative)
                app_root = _app_root(tree, folder) if package else folder
                auth = _auth_style(tree, app_root)
                factory = next((a for a in match.ancestors() if a.kind() == "function_definition"), None)
                found.append(
                    Detection(
                        NAME,
                        "backend",
                        app_root,
                        (f"{path}: {match.text().splitlines()[0]}",),
                        {
                            "app_file": path,
                            "app_var": match.get_match("APP").text(),
                            "factory": factory.field("name").text() if factory else None,
                            "package": package,
                            # How the app module imports its own package: `from . import x` or `from app import x`.
                            "relative_imports": relative or not _imports_own_package(root, folder, app_root),
                            "auth": auth,
                            "token_auth": _token_auth(auth),
                            "templates": _templates_dir(tree, app_root),
                            "static": _static_mount(tree, path, root, app_root),
                            "cors_middleware": root.find(pattern="$APP.add_middleware(CORSMiddleware, $$$)") is not None,
                        },
                    )
                )
    return found


def _sources(tree: ProjectTree, under: str = "") -> list[str]:
    """The project's Python modules, without tests and without the module the wizard writes."""
    return [
        path
        for path in tree.glob(".py", under=under)
        if PurePosixPath(path).name != f"{MODULE_NAME}.py"
        and not PurePosixPath(path).name.startswith("test_")
        and not {"tests", "test"} & set(PurePosixPath(path).parts)
    ]


def _uses_relative_imports(root: SgNode) -> bool:
    return any(node.find(kind="relative_import") is not None for node in root.find_all(kind="import_from_statement"))


def _imports_own_package(root: SgNode, folder: str, app_root: str) -> bool:
    """Whether the module imports its own package by name (`from app.core import settings`)."""
    if not folder or folder == app_root:
        return False
    package = PurePosixPath(folder).relative_to(app_root or ".").parts[0]
    for statement in root.find_all(kind="import_from_statement"):
        module = statement.field("module_name")
        if module is not None and module.text().split(".")[0] == package:
            return True
    return False


def _app_root(tree: ProjectTree, package_dir: str) -> str:
    """The folder the app runs from (its sys.path entry): above the outermost package."""
    folder = folder_of(package_dir)
    while folder and tree.exists(join(folder, "__init__.py")):
        folder = folder_of(folder)
    return folder


def _auth_style(tree: ProjectTree, app_root: str) -> dict[str, object]:
    """How the app knows who is signed in, best evidence first."""
    sources = {path: tree.text(path) for path in _sources(tree, app_root)}
    roots = {path: parse(text, "python") for path, text in sources.items() if "user" in text.lower() or "Bearer" in text or "session" in text}
    return (
        _fastapi_users(roots)
        or _user_dependency(roots)
        or _session_user(roots)
        or _bearer_scheme(roots)
        or {"kind": "none"}
    )


def _token_auth(auth: dict[str, object]) -> dict[str, object] | None:
    """Set when the user comes with a bearer token (the front end sends it in the Authorization header)."""
    if not auth.get("bearer"):
        return None
    return {"kind": str(auth["bearer"]), "dependency": auth.get("name")}


def _fastapi_users(roots: dict[str, SgNode]) -> dict[str, object] | None:
    """fastapi-users: the app's `current_active_user = fastapi_users.current_user(...)`, else its FastAPIUsers object."""
    candidates = []
    owner = None
    user_class = "User"
    for path, root in roots.items():
        if "fastapi_users" not in root.text():
            continue
        for statement in root.children():
            match = statement.find(pattern="$DEP = $USERS.current_user($$$ARGS)")
            if match is not None and match.get_match("DEP").kind() == "identifier":
                arguments = "".join(a.text() for a in match.get_multiple_matches("ARGS"))
                candidates.append((match.get_match("DEP").text(), path, "optional=True" in arguments.replace(" ", "")))
            created = statement.find(pattern="$USERS = FastAPIUsers[$USER, $ID]($$$)")
            if created is not None and owner is None:
                owner = (created.get_match("USERS").text(), path)
                user_class = created.get_match("USER").text()
    if not candidates and owner is None:
        return None
    user = _user_type(roots, user_class) or {}
    bearer = "BearerTransport" if any(root.find(pattern="BearerTransport($$$)") for root in roots.values()) else None
    user_fields = {"id": "Any", "email": "str", **(user.get("fields") or {})}  # fastapi-users' base user has both
    if candidates:
        name, path, optional = min(candidates, key=lambda c: (c[0] != "current_active_user", c[0]))
        return {"kind": "fastapi-users", "name": name, "file": path, "optional": optional, "user": user | {"fields": user_fields}, "bearer": bearer}
    assert owner is not None
    return {"kind": "fastapi-users", "name": "current_active_user", "object": owner[0], "file": owner[1], "optional": False, "user": user | {"fields": user_fields}, "bearer": bearer}


def _user_dependency(roots: dict[str, SgNode]) -> dict[str, object] | None:
    """A module-level `get_current_user`-style function, preferring one the app uses with Depends()."""
    functions = []
    for path, root in roots.items():
        for statement in root.children():
            function = statement if statement.kind() == "function_definition" else statement.find(kind="function_definition")
            if function is None or function.parent() not in (root, statement):
                continue
            name = function.field("name").text()
            if USER_DEPENDENCY_NAME.fullmatch(name):
                functions.append((name, path, function))
    if not functions:
        # Any name (`authenticate`, `user_from_token`): a dependency that decodes the request's JWT and returns a user.
        functions = [candidate for path, root in roots.items() for candidate in _jwt_user_dependencies(path, root)]
    if not functions:
        return None
    depended = {m.get_match("DEP").text() for root in roots.values() for m in root.find_all(pattern="Depends($DEP)")}

    def rank(candidate: tuple[str, str, SgNode]) -> tuple[bool, int, str]:
        name = candidate[0]
        preferred = USER_DEPENDENCY_NAMES.index(name) if name in USER_DEPENDENCY_NAMES else len(USER_DEPENDENCY_NAMES)
        return (name not in depended, preferred, name)

    name, path, function = min(functions, key=rank)
    returns = function.field("return_type")
    annotation = returns.text() if returns is not None else _annotation_in_use(roots, name)
    return {
        "kind": "dependency",
        "name": name,
        "file": path,
        "optional": _may_return_none(function, annotation),
        "user": _user_type(roots, annotation) if annotation else None,
        "bearer": _bearer_parameter(roots, function),
    }


def _jwt_user_dependencies(path: str, root: SgNode) -> list[tuple[str, str, SgNode]]:
    """Module-level functions taking a Depends(...) parameter that decode a JWT and return a looked-up user
    (not the raw payload or token, which carry no user object)."""
    found = []
    for statement in root.children():
        function = statement if statement.kind() == "function_definition" else statement.find(kind="function_definition")
        if function is None or function.parent() not in (root, statement):
            continue
        parameters, body = function.field("parameters"), function.field("body")
        if parameters is None or body is None or parameters.find(pattern="Depends($$$)") is None:
            continue
        if body.find(pattern="jwt.decode($$$)") is None and body.find(pattern="decode($$$)") is None:
            continue
        values = [r.children()[1].text() for r in body.find_all(kind="return_statement") if len(r.children()) > 1]
        if values and all(v not in ("None", "payload", "token", "data") and not v.startswith(("payload", "{")) for v in values):
            found.append((function.field("name").text(), path, function))
    return found


def _bearer_parameter(roots: dict[str, SgNode], function: SgNode) -> str | None:
    """The bearer scheme (e.g. OAuth2PasswordBearer) the dependency takes its token from, if any."""
    scheme = _bearer_scheme(roots)
    if scheme is None:
        return None
    parameters = function.field("parameters")
    if parameters.find(pattern=f"Depends({scheme['name']})") is not None:
        return str(scheme["scheme"])
    # Through an alias: TokenDep = Annotated[str, Depends(oauth2_scheme)]
    aliases = {
        match.get_match("ALIAS").text()
        for root in roots.values()
        for match in root.find_all(pattern=f"$ALIAS = Annotated[$TYPE, Depends({scheme['name']})]")
    }
    if any(node.text() in aliases for node in parameters.find_all(kind="identifier")):
        return str(scheme["scheme"])
    return None


def _annotation_in_use(roots: dict[str, SgNode], dependency: str) -> str | None:
    """The type the app itself gives the dependency's value: `Annotated[User, Depends(dep)]`."""
    for root in roots.values():
        for pattern in (f"Annotated[$TYPE, Depends({dependency})]", f"$PARAM: $TYPE = Depends({dependency})"):
            match = root.find(pattern=pattern)
            if match is not None:
                return match.get_match("TYPE").text()
    return None


def _may_return_none(function: SgNode, annotation: str | None) -> bool:
    """Whether the dependency hands over None for a visitor (else it raises, typically a 401)."""
    if annotation and ("None" in annotation or "Optional" in annotation):
        return True
    body = function.field("body")
    if any(len(r.children()) == 1 or r.children()[1].text() == "None" for r in body.find_all(kind="return_statement")):
        return True
    return body.find(kind="raise_statement") is None


def _user_type(roots: dict[str, SgNode], annotation: str) -> dict[str, object] | None:
    """The user class named by a type annotation (None and Optional stripped) and its fields."""
    names = [part.strip() for part in annotation.replace("Optional[", "").rstrip("]").split("|") if part.strip() != "None"]
    if len(names) != 1:
        return None
    name = names[0]
    if name == "dict" or name.startswith(("dict[", "Dict[")):
        return {"mapping": True}
    name = name.rpartition(".")[2]
    if not name.isidentifier():
        return None
    fields = _class_fields(roots, name, set())
    if fields is None:
        return None
    path = next(p for p, root in roots.items() if _class_named(root, name) is not None)
    return {"class": name, "file": path, "fields": fields, "unique": sorted(_unique_fields(roots))}


_UNIQUE_COLUMN = re.compile(r"\b(\w+)\s*(?::[^=\n]*)?=\s*(?:Column|mapped_column|Field)\([^\n]*\bunique\s*=\s*True")


def _unique_fields(roots: dict[str, SgNode]) -> set[str]:
    """Fields the app declares unique: `Column(..., unique=True)`, or the key of a users dict whose
    entries repeat it (`{"frank": User(username="frank")}` / `{"frank": {"username": "frank"}}`)."""
    unique: set[str] = set()
    for root in roots.values():
        unique |= {m.group(1) for m in _UNIQUE_COLUMN.finditer(root.text())}
        for pair in root.find_all(kind="pair"):
            key, value = pair.field("key"), pair.field("value")
            if key is None or value is None or key.kind() != "string":
                continue
            for field in IDENTIFYING_FIELDS:
                if value.find(pattern=f"$F({field}={key.text()}, $$$)") or value.find(pattern=f"$F($$$, {field}={key.text()}, $$$)") or value.find(pattern=f"$F({field}={key.text()})"):
                    unique.add(field)
                elif value.kind() == "dictionary" and f'"{field}": {key.text()}' in value.text():
                    unique.add(field)
    return unique


def _class_named(root: SgNode, name: str) -> SgNode | None:
    return next((k for k in root.find_all(kind="class_definition") if k.field("name").text() == name), None)


def _class_fields(roots: dict[str, SgNode], name: str, seen: set[str]) -> dict[str, str] | None:
    """Field name -> annotation of a project class, its project base classes included."""
    if name in seen:
        return {}
    seen.add(name)
    klass = next((k for root in roots.values() if (k := _class_named(root, name)) is not None), None)
    if klass is None:
        return None
    fields: dict[str, str] = {}
    superclasses = klass.field("superclasses")
    for base in superclasses.children() if superclasses is not None else []:
        if base.kind() == "identifier":
            fields.update(_class_fields(roots, base.text(), seen) or {})
    for statement in klass.field("body").children():
        assignment = statement.find(kind="assignment")
        if assignment is not None and assignment.parent() == statement and assignment.field("left").kind() == "identifier":
            annotation = assignment.field("type")
            fields[assignment.field("left").text()] = annotation.text() if annotation is not None else ""
    for method in klass.find_all(pattern="self.$FIELD = $VALUE"):
        fields.setdefault(method.get_match("FIELD").text(), "")
    return fields


def _session_user(roots: dict[str, SgNode]) -> dict[str, object] | None:
    """A user record (with an evidenced id) or a user id the login route stores in Starlette's session;
    never a flag (`request.session["logged_in"] = True`), a literal or a name (identity.py)."""
    if not any("SessionMiddleware" in root.text() for root in roots.values()):
        return None
    assignments = []
    for path, root in roots.items():
        for assignment in root.find_all(pattern="$REQUEST.session[$KEY] = $VALUE"):
            key_node = assignment.get_match("KEY")
            if key_node.kind() != "string":
                continue
            key = str(ast.literal_eval(key_node.text()))
            value = assignment.get_match("VALUE")
            if value.kind() == "dictionary" and "user" in key.lower() and not identity.is_flag_name(key):
                pairs = {str(ast.literal_eval(p.field("key").text())): p.field("value") for p in value.children() if p.kind() == "pair" and p.field("key").kind() == "string"}
                id_key = next((k for k in pairs if identity.is_id_name(k)), None)
                if id_key is not None and identity.value_evidence(pairs[id_key].text(), literal=pairs[id_key].kind() in PYTHON_LITERALS).is_id:
                    return {"kind": "session", "key": key, "keys": list(pairs), "id": id_key}
                continue
            assignments.append(
                identity.SessionAssignment(
                    path, assignment.range().start.line + 1, key, value.text(),
                    literal=value.kind() in PYTHON_LITERALS, is_null=value.kind() == "none",
                )
            )
    choice = identity.choose_session_key(assignments)
    if choice.key is not None:
        return {"kind": "session", "key": choice.key, "keys": None}
    if assignments:
        return {"kind": "none", "reason": choice.reason, "rejected": list(choice.rejected)}
    return None


PYTHON_LITERALS = frozenset({"integer", "float", "string", "true", "false", "none", "concatenated_string"})


def _bearer_scheme(roots: dict[str, SgNode]) -> dict[str, object] | None:
    for path, root in roots.items():
        for statement in root.children():
            for scheme in BEARER_SCHEMES:
                match = statement.find(pattern=f"$SCHEME = {scheme}($$$)")
                if match is not None:
                    return {"kind": "oauth2-bearer", "name": match.get_match("SCHEME").text(), "file": path, "scheme": scheme, "bearer": scheme}
    return None


def _templates_dir(tree: ProjectTree, app_root: str) -> str | None:
    """The folder of `Jinja2Templates(directory=...)`: relative to where the app runs, or to its module."""
    for path in _sources(tree, app_root):
        text = tree.text(path)
        if "Jinja2Templates(" not in text:
            continue
        call = parse(text, "python").find(pattern="Jinja2Templates($$$)")
        folder = _directory_argument(tree, call, path, app_root) if call is not None else None
        if folder is not None:
            return folder
    return None


def _static_mount(tree: ProjectTree, path: str, root: SgNode, app_root: str) -> dict[str, str | None] | None:
    """`app.mount("/static", StaticFiles(directory="static"), name="static")`: folder, URL path, route name."""
    for mount in root.find_all(pattern="$APP.mount($$$)"):
        arguments = [a for a in mount.field("arguments").children() if a.kind() not in ("(", ")", ",", "comment")]
        files = next((a for a in arguments if a.kind() == "call" and a.field("function").text().endswith("StaticFiles")), None)
        if files is None or not arguments or arguments[0].kind() != "string":
            continue
        folder = _directory_argument(tree, files, path, app_root)
        if folder is None:
            continue
        name = next(
            (a.field("value") for a in arguments if a.kind() == "keyword_argument" and a.field("name").text() == "name"),
            None,
        )
        return {
            "dir": folder,
            "path": str(ast.literal_eval(arguments[0].text())).rstrip("/"),
            "name": str(ast.literal_eval(name.text())) if name is not None and name.kind() == "string" else None,
        }
    return None


def _directory_argument(tree: ProjectTree, call: SgNode, path: str, app_root: str) -> str | None:
    """The folder a `directory=` argument names: a path relative to the working directory, or
    `Path(__file__).parent / "templates"`-style (the last string, relative to the module)."""
    argument = next(
        (a.field("value") for a in call.field("arguments").children() if a.kind() == "keyword_argument" and a.field("name").text() == "directory"),
        None,
    )
    if argument is None:
        positional = [a for a in call.field("arguments").children() if a.kind() not in ("(", ")", ",", "keyword_argument", "comment")]
        argument = positional[0] if positional else None
    if argument is None:
        return None
    strings = [argument] if argument.kind() == "string" else argument.find_all(kind="string")
    if not strings:
        return None
    try:
        relative = str(PurePosixPath(str(ast.literal_eval(strings[-1].text()))))
    except (ValueError, SyntaxError):
        return None
    if relative.startswith("/"):
        return None
    bases = [app_root, folder_of(path)] if argument.kind() == "string" else [folder_of(path), app_root]
    return next((join(base, relative) for base in bases if tree.exists(join(base, relative))), None)


# --- plan --------------------------------------------------------------------------------------


def plan(context: PlanContext, detection: Detection) -> None:
    tree, builder = context.tree, context.builder
    details = detection.details
    app_file: str = details["app_file"]
    router_file = join(folder_of(app_file), f"{MODULE_NAME}.py")
    auth = details["auth"]
    sources, claims = _user_lookup(detection, auth)
    imports = _imports(detection, router_file, sources)
    if "user_attribute(" in claims:
        claims = f"{user_attribute_helper()}\n\n\n{claims}"
    module = render(
        "fastapi/intercom_jwt.py",
        imports=f"\n{imports}\n" if imports else "",
        user_claims=claims,
        endpoint=context.options.endpoint,
        **_cross_origin(context, detection),
    )
    builder.create(
        router_file,
        module,
        f"GET {context.options.endpoint}: a signed Intercom JWT for the signed-in user, 401 otherwise",
    )
    if app_file in sources:
        _include_after_definitions(context, detection)  # the router imports from the app's own module
    else:
        _import_router(context, detection)
        _include_router(context, detection)
    declare_pyjwt(context, detection.root)
    plan_secret(context, _env_file(tree, detection.root))
    _explain(context, detection, router_file, module)


def _cross_origin(context: PlanContext, detection: Detection) -> dict[str, str]:
    """CORS for a front end on another origin: that origin only, on the token route only (cookies need
    credentials; a bearer token needs the preflight that lets the Authorization header through)."""
    origin = context.options.frontend_origin
    if not origin:
        return {"cors": "", "cors_headers": "", "preflight": ""}
    if detection.details["cors_middleware"]:
        context.builder.note(
            f"The app's CORSMiddleware answers cross-origin requests for every route, the token endpoint included: "
            f"make sure its allow_origins lists {origin}" + ("." if _bearer(context, detection) else " and allow_credentials=True.")
        )
        return {"cors": "", "cors_headers": "", "preflight": ""}
    bearer = _bearer(context, detection)
    headers = ['"Access-Control-Allow-Origin": FRONTEND_ORIGIN,']
    if not bearer:
        headers.append('"Access-Control-Allow-Credentials": "true",')
    headers.append('"Vary": "Origin",')
    listed = "".join(f"\n    {h}" for h in headers)
    cors = (
        "\n# The pages are served from another origin: the token route answers that one only.\n"
        f'FRONTEND_ORIGIN = "{origin}"\nCORS_HEADERS = {{{listed}\n}}'
    )
    cors_headers = 'if request.headers.get("origin") == FRONTEND_ORIGIN:\n                headers.update(CORS_HEADERS)'
    preflight = ""
    if bearer:
        preflight = (
            f'\n\n@router.options("{context.options.endpoint}")\n'
            "def intercom_jwt_preflight() -> Response:\n"
            '    """The browser asks before it sends the Authorization header cross-origin."""\n'
            "    return Response(\n"
            "        status_code=status.HTTP_204_NO_CONTENT,\n"
            '        headers={"Access-Control-Allow-Methods": "GET", "Access-Control-Allow-Headers": "Authorization"},\n'
            "    )"
        )
    return {"cors": cors, "cors_headers": cors_headers, "preflight": preflight}


def _bearer(context: PlanContext, detection: Detection) -> bool:
    """Whether the front end sends the app's bearer token (rather than its cookies)."""
    if context.options.auth is not None:
        return context.options.auth is ClientAuth.BEARER
    return detection.details["token_auth"] is not None


def _user_lookup(detection: Detection, auth: dict) -> tuple[dict[str, list[str]], str]:
    """What the router module imports (file -> names) and its `signed_in_user_claims` dependency.

    When the wizard writes the whole body, it only reads what the app's dependency already loaded
    (or the session): it is `async def`, so FastAPI runs it on the event loop instead of sending it
    through the thread pool on every request (issue 14). The fail-closed stubs the user completes
    stay plain `def`, so a blocking lookup added there cannot stall the event loop.
    """
    kind = auth["kind"]
    if kind in ("dependency", "fastapi-users"):
        user = auth.get("user") or {}
        cls = user.get("class")
        sources: dict[str, list[str]] = {}
        preamble = ""
        dependency = auth["name"]
        if "object" in auth:  # fastapi-users without a current-user dependency of the app's own
            sources[auth["file"]] = [auth["object"]]
            preamble = f"{dependency} = {auth['object']}.current_user(active=True)\n\n\n"
        else:
            sources[auth["file"]] = [dependency]
        if cls:
            sources.setdefault(user["file"], []).append(cls)
        claims = _claims_literal("user", user.get("fields"), mapping=bool(user.get("mapping")), unique=set(user.get("unique") or ()))
        if auth["optional"]:
            user_type = f"{cls} | None" if cls else "Any"
            return sources, (
                f"{preamble}async def signed_in_user_claims(user: Annotated[{user_type}, Depends({dependency})]) -> {CLAIMS_TYPE} | None:\n"
                f'    """Identity claims for the user {dependency} returns, or None when nobody is signed in."""\n'
                f"    if user is None:\n        return None\n    return {claims}"
            )
        return sources, (
            f"{preamble}async def signed_in_user_claims(user: Annotated[{cls or 'Any'}, Depends({dependency})]) -> {CLAIMS_TYPE}:\n"
            f'    """Identity claims for the user {dependency} authenticates (it answers 401 itself otherwise)."""\n'
            f"    return {claims}"
        )
    if kind == "session":
        key = auth["key"]
        if auth["keys"] is None:
            return {}, (
                f"async def signed_in_user_claims(request: Request) -> {CLAIMS_TYPE} | None:\n"
                f'    """Identity claims for the user whose id the app keeps in its session, or None."""\n'
                f'    user_id = request.session.get("{key}")\n'
                "    if user_id is None:\n        return None\n"
                '    return {"user_id": str(user_id)}'
            )
        return {}, (
            f"async def signed_in_user_claims(request: Request) -> {CLAIMS_TYPE} | None:\n"
            f'    """Identity claims for the user the app keeps in its session, or None."""\n'
            f'    user = request.session.get("{key}")\n'
            "    if user is None:\n        return None\n"
            f"    return {_claims_literal('user', {k: '' for k in auth['keys']} or None, mapping=True)}"
        )
    if kind == "oauth2-bearer":
        return {auth["file"]: [auth["name"]]}, (
            f"def signed_in_user_claims(token: Annotated[str, Depends({auth['name']})]) -> {CLAIMS_TYPE} | None:\n"
            '    """Identity claims for the user the bearer token belongs to, or None.\n\n'
            f"    intercom-wizard found the API's {auth['scheme']} but no dependency that turns its token\n"
            "    into a user, so this fails closed: without a token the scheme answers 401, and with one\n"
            '    this answers 401 too until it returns {"user_id": ..., "email": ..., "name": ...}.\n'
            '    """\n    return None'
        )
    return {}, (
        f"def signed_in_user_claims() -> {CLAIMS_TYPE} | None:\n"
        '    """Identity claims for the signed-in user, or None when nobody is signed in.\n\n'
        "    intercom-wizard found no authentication it knows, so this fails closed (401 for\n"
        "    everyone). Depend on your current-user dependency here and return\n"
        '    {"user_id": ..., "email": ..., "name": ...} for the signed-in user.\n'
        '    """\n    return None'
    )


NO_ID = "None  # no id field was found: see the manual step"


def _claims_literal(user: str, fields: dict[str, str] | None, *, mapping: bool, unique: set[str] | frozenset[str] = frozenset()) -> str:
    """A dict literal of the identity claims, mapping only fields the user really has. user_id is an
    id field, or a username/email the app declares unique when it has no id; else NO_ID."""
    if mapping:
        known = set(fields) if fields is not None else None
        id_field = _id_field(known, unique)
        if id_field is None:
            return NO_ID
        entries = [f'"user_id": str({user}["{id_field}"]),']
        if known is None or "email" in known:
            entries.append(f'"email": {user}.get("email"),')
        name = next((f for f in NAME_FIELDS if known is None or f in known), None)
        if name:
            entries.append(f'"name": {user}.get("{name}"),')
    elif fields is None:
        # The user's type is not known: email and name are read at run time (properties, mixins too).
        entries = [
            f'"user_id": str({user}.id),',
            f'"email": user_attribute({user}, "email"),',
            f'"name": user_attribute({user}, {", ".join(chr(34) + n + chr(34) for n in DYNAMIC_NAME_FIELDS)}),',
        ]
    else:
        id_field = _id_field(set(fields), unique)
        if id_field is None:
            return NO_ID
        user_id = f"{user}.{id_field}" if fields[id_field] == "str" else f"str({user}.{id_field})"
        entries = [f'"user_id": {user_id},']
        if "email" in fields:
            entries.append(f'"email": {user}.email,')
        name = next((f for f in NAME_FIELDS if f in fields), None)
        if name:
            entries.append(f'"name": {user}.{name},')
    return "{" + "".join(f"\n        {entry}" for entry in entries) + "\n    }"


def _id_field(known: set[str] | None, unique: set[str] | frozenset[str]) -> str | None:
    if known is None:
        return "id"
    found = next((f for f in ID_FIELDS if f in known), None)
    return found or next((f for f in IDENTIFYING_FIELDS if f in known and f in unique), None)


def _imports(detection: Detection, router_file: str, sources: dict[str, list[str]]) -> str:
    """Import lines for names defined in other project modules, relative within the app's package."""
    lines = []
    for path, names in sources.items():
        listed = ", ".join(sorted(dict.fromkeys(names), key=lambda n: (not n[:1].isupper(), n)))
        lines.append(f"from {_module_reference(detection, router_file, path)} import {listed}")
    return "\n".join(sorted(lines, key=lambda line: (not line.startswith("from ."), line)))


def _module_reference(detection: Detection, from_file: str, target: str) -> str:
    target_path = PurePosixPath(target)
    details = detection.details
    if details["package"] and details["relative_imports"] and folder_of(target) == folder_of(from_file):
        return "." if target_path.stem == "__init__" else f".{target_path.stem}"
    relative = target_path.relative_to(detection.root) if detection.root else target_path
    parts = list(relative.with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _router_import(detection: Detection) -> str:
    details = detection.details
    if not details["package"]:
        return f"import {MODULE_NAME}"
    if details["relative_imports"]:
        return f"from . import {MODULE_NAME}"
    return f"from {_module_reference(detection, '', folder_of(details['app_file']) + '/__init__.py')} import {MODULE_NAME}"


def _import_router(context: PlanContext, detection: Detection) -> None:
    """Import the router module after the app module's imports, in the group of the app's own modules."""
    app_file = detection.details["app_file"]
    anchor = last_import(parse(context.tree.text(app_file), "python"), "python")
    own_group = anchor is not None and _imports_project_module(context.tree, detection, anchor)
    add_import(context, app_file, _router_import(detection), local=not own_group)


def _imports_project_module(tree: ProjectTree, detection: Detection, statement: SgNode) -> bool:
    if statement.find(kind="relative_import") is not None:
        return True
    module = statement.field("module_name") if statement.kind() == "import_from_statement" else statement.field("name")
    if module is None:
        return False
    first = module.text().split(".")[0].split(" ")[0]
    return tree.exists(join(detection.root, f"{first}.py")) or tree.exists(join(detection.root, f"{first}/__init__.py"))


def _include_router(context: PlanContext, detection: Detection) -> None:
    attach_to_app(
        context,
        detection,
        f"{detection.details['app_var']}.include_router({MODULE_NAME}.router)",
        registration="include_router",
        created=APP_PATTERNS,
        reason="includes the token endpoint's router",
        include_assignments=False,
    )


def _include_after_definitions(context: PlanContext, detection: Detection) -> None:
    """The router imports the user dependency from the app's module, so that module imports the router
    only once the dependency exists: inside the factory, or at the end of the module."""
    tree, builder = context.tree, context.builder
    app_file: str = detection.details["app_file"]
    app_var: str = detection.details["app_var"]
    source = tree.read(app_file)
    root = parse(source.text, "python")
    reason = "includes the token endpoint's router"
    include = f"{app_var}.include_router({MODULE_NAME}.router)"
    factory = _factory(root, detection)
    if factory is not None:
        returned = factory.find(pattern=f"return {app_var}")
        if returned is None:
            builder.manual(app_file, f"Include the router where {app_var} is configured:", f"{_router_import(detection)}\n{include}")
            return
        block = f"{_router_import(detection)}\n\n{include}\n"
        builder.insert(app_file, [insert_lines_before(source, returned.range().start.index, block)], reason)
        return
    block = (
        f"# Imported here, not at the top: {MODULE_NAME} uses {detection.details['auth']['name']} from this module.\n"
        f"{_router_import(detection)}  # noqa: E402\n\n{include}\n"
    )
    guard = next((s for s in root.children() if s.kind() == "if_statement" and s.field("condition").find(pattern="__name__") is not None), None)
    if guard is not None:
        builder.insert(app_file, [insert_lines_before(source, guard.range().start.index, block + "\n\n")], reason)
    else:
        builder.insert(app_file, [append_lines(source, "\n\n" + block)], reason)


def _factory(root: SgNode, detection: Detection) -> SgNode | None:
    name = detection.details["factory"]
    if not name:
        return None
    return next((f for f in root.find_all(kind="function_definition") if f.field("name").text() == name), None)


def _env_file(tree: ProjectTree, app_root: str) -> str | None:
    """FastAPI reads no env file itself; python-dotenv's load_dotenv() puts .env into os.environ."""
    for path in _sources(tree, app_root):
        text = tree.text(path)
        if "load_dotenv" in text and parse(text, "python").find(pattern="load_dotenv($$$)") is not None:
            return join(app_root, ".env")
    return None


def _explain(context: PlanContext, detection: Detection, router_file: str, module: str) -> None:
    builder, auth = context.builder, detection.details["auth"]
    adapter = lambda reason, rejected=(): identity.adapter_step(  # noqa: E731
        builder, router_file, module, "signed_in_user_claims", reason,
        render("fastapi/user_adapter.py").split("\n", 1)[1].strip(), rejected,
    )
    if auth["kind"] == "none":
        adapter(str(auth.get("reason", "no authentication the wizard knows was found")), auth.get("rejected", []))
    elif auth["kind"] == "oauth2-bearer":
        adapter(f"the API's {auth['scheme']} ({auth['name']}) has no dependency turning its token into a user")
    elif auth["kind"] in ("dependency", "fastapi-users"):
        user = auth.get("user") or {}
        if not user.get("fields") and not user.get("mapping"):
            builder.note(
                f"The type of the user {auth['name']} returns was not found, so {router_file} reads user.id, and email "
                "and name at run time where they exist: check signed_in_user_claims().",
            )
        elif NO_ID in module:
            adapter(f"{user.get('class', 'the user')} has no id field, and no username or email the app declares unique")
        elif user.get("fields") and not set(ID_FIELDS) & set(user["fields"]):
            field = _id_field(set(user["fields"]), set(user.get("unique") or ()))
            builder.note(
                f"{user['class']} has no id, so Intercom's user_id is its {field}, which the app keeps unique: a user who "
                f"changes it becomes a new Intercom user. Return a stable id from signed_in_user_claims() in {router_file} when you can.",
                "warning",
            )
    elif auth["kind"] == "session" and auth["keys"] is None:
        builder.note(f"The session holds only the user's id, so the token carries user_id and no email or name; extend signed_in_user_claims() in {router_file} to add them.")
    if auth.get("bearer"):
        builder.note(
            f"{context.options.endpoint} takes the API's own bearer token: the front end calls it with its usual "
            "Authorization header, not with cookies."
        )
    if auth.get("file") == detection.details["app_file"] and _run_as_script(context.tree, detection):
        builder.note(
            f"{detection.details['app_file']} starts uvicorn with the app object under `if __name__ == \"__main__\"`; "
            f"{MODULE_NAME} imports from that module, so start the server with `uvicorn <module>:{detection.details['app_var']}` "
            "or uvicorn.run(\"<module>:app\") instead.",
            "warning",
        )


def _run_as_script(tree: ProjectTree, detection: Detection) -> bool:
    root = parse(tree.text(detection.details["app_file"]), "python")
    for run in root.find_all(pattern="uvicorn.run($FIRST, $$$)") + root.find_all(pattern="uvicorn.run($FIRST)"):
        if run.get_match("FIRST").text() == detection.details["app_var"]:
            return True
    return False


# --- pages -------------------------------------------------------------------------------------


def page_host(context: PlanContext, detection: Detection) -> PageHost | None:
    templates, static = detection.details["templates"], detection.details["static"]
    if templates is None or static is None:
        missing = "Jinja2Templates" if templates is None else "StaticFiles mount"
        if find_response_pages(context.tree, detection.root):
            return None  # its pages are HTMLResponse strings: the planner puts the script there
        context.builder.note(
            f"This FastAPI app has no {missing} for the Messenger script, so no page was changed: the front end "
            f"(the SPA integration) loads the Messenger and calls {context.options.endpoint} with the app's own credentials."
        )
        return None
    if static["name"]:
        src = f"{{{{ url_for('{static['name']}', path='{SCRIPT_NAME}') }}}}"
    else:
        src = f"{static['path']}/{SCRIPT_NAME}"
    return PageHost(
        static_dir=static["dir"],
        script_src=src,
        layouts=tuple(find_layouts(context.tree, templates, extends_marker="{% extends")),
        user_settings=_template_user_settings(context.tree, templates, detection.details["auth"]),
        csp_nonce=_state_nonce(context.tree, detection.root),
        csp_nonce_help="A middleware that sets request.state.csp_nonce = secrets.token_urlsafe(16) and sends "
        "`'nonce-…'` in the policy's script-src makes one; templates print it from the request.",
    )


def _state_nonce(tree: ProjectTree, root: str) -> csp.NonceSource | None:
    """A nonce a middleware keeps on request.state, which every TemplateResponse's template can read."""
    found = csp.search_code(tree, tree.glob(".py", under=root), re.compile(r"request\.state\.(\w*nonce\w*)\s*=(?!=)", re.I))
    if found is None:
        return None
    path, match = found
    return csp.NonceSource.everywhere(f"request.state.{match.group(1)} ({path})", f"{{{{ request.state.{match.group(1)} }}}}")


def _template_user_settings(tree: ProjectTree, templates: str, auth: dict) -> str | None:
    """Jinja writing the signed-in user's attributes into a JS object (the insecure variant only)."""
    if auth["kind"] == "session" and auth["keys"] is not None:
        fields: dict[str, str] | None = {k: "" for k in auth["keys"]}
        condition, owner, access = f'request.session.get("{auth["key"]}")', f'request.session["{auth["key"]}"]', '{}["{}"]'
    elif auth["kind"] in ("dependency", "fastapi-users"):
        pages = [tree.text(p) for p in tree.glob(".html", ".jinja", ".jinja2", ".j2", under=templates)]
        if not any("{% if user %}" in page or "{{ user." in page for page in pages):
            return None  # the pages are not given the user
        user = auth.get("user") or {}
        fields = user.get("fields")
        mapping = bool(user.get("mapping"))
        condition, owner, access = "user", "user", '{}["{}"]' if mapping else "{}.{}"
    else:
        return None
    id_field = next((f for f in ID_FIELDS if fields is None or f in fields), None)
    if id_field is None:
        return None
    entries = [f"user_id: {{{{ {access.format(owner, id_field)}|string|tojson }}}},"]
    if fields is None or "email" in fields:
        entries.append(f"email: {{{{ {access.format(owner, 'email')}|tojson }}}},")
    name = next((f for f in NAME_FIELDS if fields is None or f in fields), None)
    if name:
        entries.append(f"name: {{{{ {access.format(owner, name)}|tojson }}}},")
    return f"{{% if {condition} %}}\n" + "\n".join(entries) + "\n{% endif %}"
