"""How a FastAPI app knows who is signed in, best evidence first: fastapi-users, the function its pages
find their user with in a cookie, a current-user dependency, a user kept in Starlette's session, a
bearer scheme alone, or nothing.

Each finding is a typed value from details.py, with the user's type and fields where the code shows
them, so the endpoint reads only attributes the user really has (identity.py decides what an id is).
"""

import ast
import re

from ast_grep_py import SgNode

from intercom_wizard.astgrep import field_text, required_field
from intercom_wizard.edits import parse
from intercom_wizard.integrations import identity
from intercom_wizard.integrations.backends.fastapi.details import (
    AuthEvidence,
    BearerScheme,
    CookieToken,
    NoUser,
    SessionUser,
    UserDependency,
    UserType,
)
from intercom_wizard.integrations.backends.fastapi.lookup import decodes_jwt, jwt_decoders, module_functions, string_constants
from intercom_wizard.integrations.backends.fastapi.sources import match_text, python_sources
from intercom_wizard.integrations.backends.python_common import PYTHON_LITERALS
from intercom_wizard.tree import ProjectTree

# Names of functions that are a "current user" dependency, best first (matched on names, not on code).
USER_DEPENDENCY_NAMES = ("get_current_user", "current_user", "get_current_active_user", "current_active_user")
USER_DEPENDENCY_NAME = re.compile(r"(get_|require_)?(current|authenticated|signed_in|logged_in)_(active_)?user(_optional|_or_none)?")
BEARER_SCHEMES = ("OAuth2PasswordBearer", "OAuth2AuthorizationCodeBearer", "HTTPBearer")
# Stand-ins for an id only when the app declares them unique (identity.py): Column(unique=True), or the
# key of its users dict (`users_db = {"frank": User(username="frank", ...)}`).
IDENTIFYING_FIELDS = ("username", "email")
_COOKIE_NAME = re.compile(r"[\w.-]+")  # written into a string literal of the generated module
_CLASS_NAME = re.compile(r"^class\s+(\w+)", re.MULTILINE)
_WORD = re.compile(r"\b[A-Z]\w*")  # class names as the code uses them (capitalised by convention)
_UNIQUE_COLUMN = re.compile(r"\b(\w+)\s*(?::[^=\n]*)?=\s*(?:Column|mapped_column|Field)\([^\n]*\bunique\s*=\s*True")


def auth_style(tree: ProjectTree, app_root: str) -> AuthEvidence:
    """How the app knows who is signed in, best evidence first."""
    sources = {path: tree.text(path) for path in python_sources(tree, app_root)}
    roots = {path: parse(text, "python") for path, text in sources.items() if "user" in text.lower() or "Bearer" in text or "session" in text}
    # The modules defining a class those files name (`from store import Member`): the user type's fields
    # are read there (before: a Member in a module that never says "user" was not found, and the endpoint
    # read user.id, which it may not have).
    named = {word for path in roots for word in _WORD.findall(sources[path])}
    for path, text in sources.items():
        if path not in roots and any(name in named for name in _CLASS_NAME.findall(text)):
            roots[path] = parse(text, "python")
    return _fastapi_users(roots) or _cookie_user(roots) or _user_dependency(roots) or _session_user(roots) or _bearer_scheme(roots) or NoUser()


def _fastapi_users(roots: dict[str, SgNode]) -> UserDependency | None:
    """fastapi-users: the app's `current_active_user = fastapi_users.current_user(...)`, else its FastAPIUsers object."""
    candidates = []
    owner = None
    user_class = "User"
    for path, root in roots.items():
        if "fastapi_users" not in root.text():
            continue
        for statement in root.children():
            match = statement.find(pattern="$DEP = $USERS.current_user($$$ARGS)")
            dependency = match.get_match("DEP") if match is not None else None
            if match is not None and dependency is not None and dependency.kind() == "identifier":
                arguments = "".join(a.text() for a in match.get_multiple_matches("ARGS"))
                candidates.append((dependency.text(), path, "optional=True" in arguments.replace(" ", "")))
            created = statement.find(pattern="$USERS = FastAPIUsers[$USER, $ID]($$$)")
            if created is not None and owner is None:
                owner = (match_text(created, "USERS"), path)
                user_class = match_text(created, "USER")
    if not candidates and owner is None:
        return None
    user = _user_type(roots, user_class) or UserType()
    bearer = "BearerTransport" if any(root.find(pattern="BearerTransport($$$)") for root in roots.values()) else None
    # fastapi-users' base user has both id and email.
    user = UserType(class_name=user.class_name, file=user.file, fields={"id": "Any", "email": "str", **(user.fields or {})}, mapping=user.mapping, unique=user.unique)
    if candidates:
        name, path, optional = min(candidates, key=lambda c: (c[0] != "current_active_user", c[0]))
        return UserDependency(kind="fastapi-users", name=name, file=path, optional=optional, user=user, bearer=bearer)
    assert owner is not None
    return UserDependency(kind="fastapi-users", name="current_active_user", users_object=owner[0], file=owner[1], optional=False, user=user, bearer=bearer)


def _cookie_user(roots: dict[str, SgNode]) -> UserDependency | None:
    """The function the app's own pages find their user with in a cookie holding a JWT (the Jinja pages of
    many FastAPI apps, whose API routes take the same token from a bearer header): `await
    get_current_user(request.cookies.get("access_token"))` hands it the cookie's token, `await
    get_user_from_cookie(request)` reads the cookie itself. Only a module-level function that decodes a JWT
    and returns a user counts; the endpoint then calls it the same way."""
    decoders = jwt_decoders(roots)  # decoding in their own body or one project call deep (lookup.py)
    constants = string_constants(roots)  # `request.cookies.get(settings.COOKIE_NAME)`
    for root in roots.values():
        for call in root.find_all(kind="call"):
            callee, arguments = call.field("function"), call.field("arguments")
            if callee is None or arguments is None or callee.text() not in decoders:
                continue
            passed = [a for a in arguments.children() if a.is_named() and a.kind() != "comment"]
            if len(passed) != 1:
                continue
            path, function = decoders[callee.text()]
            cookie = _cookie_read(passed[0], constants)
            if cookie is not None:
                return _cookie_dependency(roots, path, function, CookieToken(cookie=cookie, passes="token", awaited=_is_async(function)))
            calls = required_field(function, "body").find_all(kind="call")
            read_inside = next((c for c in (_cookie_read(call, constants) for call in calls) if c is not None), None)
            if read_inside is not None and passed[0].kind() == "identifier":
                return _cookie_dependency(roots, path, function, CookieToken(cookie=read_inside, passes="request", awaited=_is_async(function)))
    return None


def _jwt_decoders(path: str, root: SgNode) -> list[tuple[str, str, SgNode]]:
    """Module-level functions whose body decodes a JWT."""
    return [(required_field(function, "name").text(), path, function) for function in module_functions(root) if decodes_jwt(function)]


def _cookie_read(node: SgNode, constants: dict[str, str]) -> str | None:
    """The cookie `request.cookies.get("name")` (or `request.cookies["name"]`, or the name kept in a
    class's string constant, `settings.COOKIE_NAME`) reads, else None."""
    if node.kind() == "call" and (field_text(node, "function") or "").endswith(".cookies.get"):
        arguments = [a for a in required_field(node, "arguments").children() if a.is_named()]
        key = arguments[0] if arguments else None
    elif node.kind() == "subscript" and (field_text(node, "value") or "").endswith(".cookies"):
        key = node.field("subscript")
    else:
        return None
    if key is not None and key.kind() == "attribute" and key.text() in constants:
        name: object = constants[key.text()]
    elif key is None or key.kind() != "string":
        return None
    else:
        name = ast.literal_eval(key.text())
    return name if isinstance(name, str) and _COOKIE_NAME.fullmatch(name) else None


def _is_async(function: SgNode) -> bool:
    return function.text().startswith("async")


def _cookie_dependency(roots: dict[str, SgNode], path: str, function: SgNode, cookie: CookieToken) -> UserDependency:
    """The pages' cookie lookup as the user dependency: a visitor is None (it is called, not depended on)."""
    name = required_field(function, "name").text()
    annotation = field_text(function, "return_type") or _annotation_in_use(roots, name)
    user = _returned_record(function) or (_user_type(roots, annotation) if annotation else None) or UserType()
    return UserDependency(kind="dependency", name=name, file=path, optional=True, user=user, bearer=None, cookie=cookie)


def _returned_record(function: SgNode) -> UserType | None:
    """A function that returns dict literals (`{"username": sub, "id": user_id}`): a mapping with their keys."""
    values = [r.children()[1] for r in required_field(function, "body").find_all(kind="return_statement") if len(r.children()) > 1]
    records = [v for v in values if v.kind() != "none"]
    if not records or any(v.kind() != "dictionary" for v in records):
        return None
    keys = {
        str(ast.literal_eval(key.text()))
        for record in records
        for pair in record.children()
        if pair.kind() == "pair" and (key := pair.field("key")) is not None and key.kind() == "string"
    }
    return UserType(mapping=True, fields={key: "" for key in sorted(keys)}) if keys else None


def _user_dependency(roots: dict[str, SgNode]) -> UserDependency | None:
    """A module-level `get_current_user`-style function, preferring one the app uses with Depends()."""
    functions = [
        (name, path, function)
        for path, root in roots.items()
        for function in module_functions(root)
        if USER_DEPENDENCY_NAME.fullmatch(name := required_field(function, "name").text())
    ]
    if not functions:
        # Any name (`authenticate`, `user_from_token`): a dependency that decodes the request's JWT and returns a user.
        functions = [candidate for path, root in roots.items() for candidate in _jwt_user_dependencies(path, root)]
    if not functions:
        return None
    depended = {match_text(m, "DEP") for root in roots.values() for m in root.find_all(pattern="Depends($DEP)")}

    def rank(candidate: tuple[str, str, SgNode]) -> tuple[bool, int, str]:
        name = candidate[0]
        preferred = USER_DEPENDENCY_NAMES.index(name) if name in USER_DEPENDENCY_NAMES else len(USER_DEPENDENCY_NAMES)
        return (name not in depended, preferred, name)

    name, path, function = min(functions, key=rank)
    annotation = field_text(function, "return_type") or _annotation_in_use(roots, name)
    return UserDependency(
        kind="dependency",
        name=name,
        file=path,
        optional=_may_return_none(function, annotation),
        user=(_user_type(roots, annotation) if annotation else None) or UserType(),
        bearer=_bearer_parameter(roots, function),
    )


def _jwt_user_dependencies(path: str, root: SgNode) -> list[tuple[str, str, SgNode]]:
    """Module-level functions taking a Depends(...) parameter that decode a JWT and return a looked-up user
    (not the raw payload or token, which carry no user object)."""
    found = []
    for name, _, function in _jwt_decoders(path, root):
        parameters, body = function.field("parameters"), required_field(function, "body")
        if parameters is None or parameters.find(pattern="Depends($$$)") is None:
            continue
        values = [r.children()[1].text() for r in body.find_all(kind="return_statement") if len(r.children()) > 1]
        if values and all(v not in ("None", "payload", "token", "data") and not v.startswith(("payload", "{")) for v in values):
            found.append((name, path, function))
    return found


def _bearer_parameter(roots: dict[str, SgNode], function: SgNode) -> str | None:
    """The bearer scheme (e.g. OAuth2PasswordBearer) the dependency takes its token from, if any."""
    scheme = _bearer_scheme(roots)
    if scheme is None:
        return None
    parameters = required_field(function, "parameters")
    if parameters.find(pattern=f"Depends({scheme.name})") is not None:
        return scheme.scheme
    # Through an alias: TokenDep = Annotated[str, Depends(oauth2_scheme)]
    aliases = {match_text(match, "ALIAS") for root in roots.values() for match in root.find_all(pattern=f"$ALIAS = Annotated[$TYPE, Depends({scheme.name})]")}
    if any(node.text() in aliases for node in parameters.find_all(kind="identifier")):
        return scheme.scheme
    return None


def _annotation_in_use(roots: dict[str, SgNode], dependency: str) -> str | None:
    """The type the app itself gives the dependency's value: `Annotated[User, Depends(dep)]`."""
    for root in roots.values():
        for pattern in (f"Annotated[$TYPE, Depends({dependency})]", f"$PARAM: $TYPE = Depends({dependency})"):
            match = root.find(pattern=pattern)
            if match is not None:
                return match_text(match, "TYPE")
    return None


def _may_return_none(function: SgNode, annotation: str | None) -> bool:
    """Whether the dependency hands over None for a visitor (else it raises, typically a 401)."""
    if annotation and ("None" in annotation or "Optional" in annotation):
        return True
    body = required_field(function, "body")
    if any(len(r.children()) == 1 or r.children()[1].text() == "None" for r in body.find_all(kind="return_statement")):
        return True
    return body.find(kind="raise_statement") is None


def _user_type(roots: dict[str, SgNode], annotation: str) -> UserType | None:
    """The user class named by a type annotation (None and Optional stripped) and its fields."""
    names = [part.strip() for part in annotation.replace("Optional[", "").rstrip("]").split("|") if part.strip() != "None"]
    if len(names) != 1:
        return None
    name = names[0]
    if name == "dict" or name.startswith(("dict[", "Dict[")):
        return UserType(mapping=True)
    name = name.rpartition(".")[2]
    if not name.isidentifier():
        return None
    fields = _class_fields(roots, name, set())
    if fields is None:
        return None
    path = next(p for p, root in roots.items() if _class_named(root, name) is not None)
    return UserType(class_name=name, file=path, fields=fields, unique=frozenset(_unique_fields(roots)))


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
    return next((k for k in root.find_all(kind="class_definition") if field_text(k, "name") == name), None)


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
    for statement in required_field(klass, "body").children():
        assignment = statement.find(kind="assignment")
        if assignment is not None and assignment.parent() == statement and required_field(assignment, "left").kind() == "identifier":
            fields[required_field(assignment, "left").text()] = field_text(assignment, "type") or ""
    for method in klass.find_all(pattern="self.$FIELD = $VALUE"):
        fields.setdefault(match_text(method, "FIELD"), "")
    return fields


def _session_user(roots: dict[str, SgNode]) -> SessionUser | NoUser | None:
    """A user record (with an evidenced id) or a user id the login route stores in Starlette's session;
    never a flag (`request.session["logged_in"] = True`), a literal or a name (identity.py)."""
    if not any("SessionMiddleware" in root.text() for root in roots.values()):
        return None
    assignments = []
    for path, root in roots.items():
        for assignment in root.find_all(pattern="$REQUEST.session[$KEY] = $VALUE"):
            key_node, value = assignment.get_match("KEY"), assignment.get_match("VALUE")
            if key_node is None or value is None or key_node.kind() != "string":
                continue
            key = str(ast.literal_eval(key_node.text()))
            if value.kind() == "dictionary" and "user" in key.lower() and not identity.is_flag_name(key):
                record = _session_record(key, value)
                if record is not None:
                    return record
                continue
            assignments.append(
                identity.SessionAssignment(
                    path, assignment.range().start.line + 1, key, value.text(),
                    literal=value.kind() in PYTHON_LITERALS, is_null=value.kind() == "none",
                )
            )
    choice = identity.choose_session_key(assignments)
    if choice.key is not None:
        return SessionUser(key=choice.key, keys=None)
    if assignments:
        return NoUser(reason=choice.reason, rejected=tuple(choice.rejected))
    return None


def _session_record(key: str, record: SgNode) -> SessionUser | None:
    """A dict stored as the session's user: used when one of its keys is an evidenced id."""
    pairs = {
        str(ast.literal_eval(required_field(p, "key").text())): required_field(p, "value")
        for p in record.children()
        if p.kind() == "pair" and required_field(p, "key").kind() == "string"
    }
    id_key = next((k for k in pairs if identity.is_id_name(k)), None)
    if id_key is not None and identity.value_evidence(pairs[id_key].text(), literal=pairs[id_key].kind() in PYTHON_LITERALS).is_id:
        return SessionUser(key=key, keys=tuple(pairs), id_key=id_key)
    return None


def _bearer_scheme(roots: dict[str, SgNode]) -> BearerScheme | None:
    for path, root in roots.items():
        for statement in root.children():
            for scheme in BEARER_SCHEMES:
                match = statement.find(pattern=f"$SCHEME = {scheme}($$$)")
                if match is not None:
                    return BearerScheme(name=match_text(match, "SCHEME"), file=path, scheme=scheme)
    return None
