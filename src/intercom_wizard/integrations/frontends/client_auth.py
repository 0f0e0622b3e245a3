"""How the app's own front-end code authenticates its API calls, read from its JavaScript.

Token-based apps keep an access token (usually in localStorage) and send it as
`Authorization: Bearer|Token <token>`; the Messenger script must do the same to be recognised.
"""

import ast
import re
from dataclasses import dataclass, replace

from ast_grep_py import SgNode

from intercom_wizard.astgrep import field_text
from intercom_wizard.edits import parse
from intercom_wizard.file_names import named_as
from intercom_wizard.integrations import component_suffixes
from intercom_wizard.tree import ProjectTree

SCRIPT_SUFFIXES = (".js", ".mjs", ".jsx", ".ts", ".tsx", ".html", ".htm", ".ejs", ".hbs")
MAX_BYTES = 500_000


@dataclass(frozen=True)
class TokenStorage:
    key: str
    scheme: str
    file: str
    storage: str = "localStorage"  # or sessionStorage
    field: str | None = None  # the token's field when the key holds a JSON object ({"token": ...})
    encoding: str = "raw"  # "base64" when the app stores btoa(token) and reads it back with atob


STORAGES = ("localStorage", "sessionStorage")
# How the app writes a base64-encoded token, and how it reads one back ($S: the storage).
BASE64_WRITES = (
    "$S.setItem($KEY, btoa($$$V))",
    "$S.setItem($KEY, window.btoa($$$V))",
    "$S.setItem($KEY, Buffer.from($$$V).toString('base64'))",
    '$S.setItem($KEY, Buffer.from($$$V).toString("base64"))',
)
BASE64_READS = ("atob($S.getItem($KEY))", "window.atob($S.getItem($KEY))")
# The value an Authorization header is built from: `Bearer ${user.token}`, 'Bearer ' + user?.accessToken.
# The member chain an expression ends with (`store.getState().auth.user?.token` -> `auth.user?.token`).
MEMBER_CHAIN_END = re.compile(r"[A-Za-z_$][\w$]*(?:\??\.[A-Za-z_$][\w$]*)+$")
AUTHORIZATION_VALUE = re.compile(r"""(Bearer|Token) ?(?:\$\{\s*|['"]\s*\+\s*)([A-Za-z_$][\w$]*(?:\??\.[A-Za-z_$][\w$]*)*)""")


def _language(path: str) -> str:
    if path.endswith((".html", ".htm", ".ejs", ".hbs", *component_suffixes())):
        return "html"
    return "tsx" if path.endswith((".ts", ".tsx")) else "javascript"


def _sources(text: str, language: str) -> list[SgNode]:
    """The parsed scripts of a file (an HTML page's or Vue component's <script> blocks)."""
    if language != "html":
        return [parse(text, language)]
    return [parse(block.text(), "javascript") for block in parse(text, "html").find_all(kind="raw_text")]


def find_token_storage(tree: ProjectTree, *, stored_at_sign_in: bool = False) -> list[TokenStorage]:
    """Where the front end keeps the access token its API calls send in an Authorization header.

    The plain shape: a storage key read (as is) by code that builds the header. The JSON shape, from
    real apps: the login saves the whole response, `localStorage.setItem('user', JSON.stringify(user))`,
    and the header is built from one of its fields (`Bearer ${user.token}`), often in another module.
    `stored_at_sign_in` (the API is known to take bearer tokens): with no header anywhere, the one key
    the sign-in writes a response's token field to counts too; it is no evidence that the app sends it.
    """
    found: dict[str, TokenStorage] = {}
    json_keys: dict[str, tuple[str, str]] = {}  # key -> (storage, file)
    header_fields: set[str] = set()
    header_objects: set[str] = set()  # `user` in `Bearer ${user.token}`
    header_scheme = "Bearer"
    base64_keys: set[str] = set()
    list_keys: set[str] = set()  # keys holding a JSON array (a fake back end's users): never a token's object
    login_tokens: dict[str, tuple[str, str]] = {}  # keys the sign-in writes the API's access token to
    persisted: dict[str, tuple[str, str, str]] = {}  # a store a plugin keeps in storage: key -> (storage, file, its code)
    for path in tree.glob(*SCRIPT_SUFFIXES, *component_suffixes()):
        if path.endswith("intercom-messenger.js") or tree.resolve(path).stat().st_size > MAX_BYTES:
            continue
        text = tree.text(path)
        if "Storage" not in text and "Authorization" not in text and "persist" not in text:
            continue
        builds_header = "Authorization" in text
        scheme = "Token" if "'Token '" in text or '"Token "' in text or "`Token ${" in text else "Bearer"
        if builds_header:
            for match in AUTHORIZATION_VALUE.finditer(text):
                header_scheme = match.group(1)
                expression = match.group(2).replace("?.", ".")
                if "." not in expression:
                    expression = _traced_value(_sources(text, _language(path)), expression)
                if "." in expression:
                    header_fields.add(expression.rsplit(".", 1)[1])
                    header_objects.add(expression.rsplit(".", 2)[-2].lower())
        for root in _sources(text, _language(path)):
            for storage in STORAGES:
                if storage not in text and not (storage == "localStorage" and "persist" in text):
                    continue
                for call in root.find_all(pattern=f"JSON.parse({storage}.getItem($KEY))"):
                    name = string_value(root, call.get_match("KEY"))
                    if name is not None:
                        json_keys.setdefault(name, (storage, path))
                for name, kept_in, state in _persisted_stores(root):
                    if kept_in == storage:
                        persisted.setdefault(name, (storage, path, state))
                for call in root.find_all(pattern=f"{storage}.setItem($KEY, JSON.stringify($VALUE))"):
                    name = string_value(root, call.get_match("KEY"))
                    if name is not None:
                        json_keys.setdefault(name, (storage, path))
                        if _holds_array(root, call.get_match("VALUE")):
                            list_keys.add(name)
                for pattern in (f"JSON.parse({storage}.getItem($KEY)) || []", f"JSON.parse({storage}.getItem($KEY)) ?? []"):
                    for call in root.find_all(pattern=pattern):
                        name = string_value(root, call.get_match("KEY"))
                        if name is not None:
                            list_keys.add(name)
                for pattern in (*BASE64_WRITES, *BASE64_READS):
                    for call in root.find_all(pattern=pattern.replace("$S", storage)):
                        name = string_value(root, call.get_match("KEY"))
                        if name is not None:
                            base64_keys.add(name)
                for name in _stored_login_tokens(root, text, storage):
                    login_tokens.setdefault(name, (storage, path))
                if not builds_header:
                    continue
                for call in root.find_all(pattern=f"{storage}.getItem($KEY)"):
                    name = string_value(root, call.get_match("KEY"))
                    parent = call.parent()
                    outer = parent.parent() if parent is not None and parent.kind() == "arguments" else None
                    wrapped = outer is not None and outer.text().startswith("JSON.parse(")
                    if name is not None and not wrapped:
                        found.setdefault(name, TokenStorage(name, scheme, path, storage))
    if found:
        return [replace(item, encoding="base64") if item.key in base64_keys else item for item in found.values()]
    if stored_at_sign_in and not header_fields and len(login_tokens) == 1:
        # No call of the app sends the token yet (a page that only guards its routes with it): the one key
        # its sign-in stores the API's access token under is where the Messenger reads it.
        key, (storage, path) = next(iter(login_tokens.items()))
        return [TokenStorage(key, header_scheme, path, storage, encoding="base64" if key in base64_keys else "raw")]
    if len(header_fields) != 1:
        return []
    # A header built from `user.token` reads an object's field: a key that holds a list (a fake back end's
    # users with their passwords, kept in localStorage) cannot be where that token lives.
    json_keys = {key: where for key, where in json_keys.items() if key not in list_keys}
    # A persisted store counts when its state has the header's field (not every persisted store holds it).
    field = next(iter(header_fields))
    for key, (storage, path, state) in persisted.items():
        if re.search(rf"\b{re.escape(field)}\b", state):
            json_keys.setdefault(key, (storage, path))
    # Several JSON values (a users list, settings): the one named like the header's object.
    keys = list(json_keys) if len(json_keys) == 1 else [key for key in json_keys if key.lower() in header_objects]
    if len(keys) != 1:
        return []
    storage, path = json_keys[keys[0]]
    encoding = "base64" if keys[0] in base64_keys else "raw"
    return [TokenStorage(keys[0], header_scheme, path, storage, next(iter(header_fields)), encoding)]


# The field of a sign-in response that holds the API's token: `response.access_token`, `res.data.token`.
ACCESS_TOKEN_FIELDS = ("access_token", "accessToken", "token", "jwt", "access", "auth_token", "authToken")
SIGN_IN_REQUEST = re.compile(r"""['"`/](?:log|sign)[-_]?in\b|/(?:api[-_])?token[-_]auth\b|/jwt/create\b|/tokens?\b""", re.IGNORECASE)


def _stored_login_tokens(root: SgNode, text: str, storage: str) -> list[str]:
    """Keys a module that sends a sign-in request writes a response's token field to
    (`localStorage.setItem(this.tokenKey, response.access_token)`)."""
    if not SIGN_IN_REQUEST.search(text):
        return []
    keys = []
    for call in root.find_all(pattern=f"{storage}.setItem($KEY, $VALUE)"):
        value = call.get_match("VALUE")
        if value is not None and value.kind() == "member_expression" and field_text(value, "property") in ACCESS_TOKEN_FIELDS:
            name = string_value(root, call.get_match("KEY"))
            if name is not None:
                keys.append(name)
    return keys


def _persisted_stores(root: SgNode) -> list[tuple[str, str, str]]:
    """State a plugin keeps as JSON in storage, by key: a Pinia store with `persist` (pinia-plugin-
    persistedstate: the store's id, or `persist: { key, storage }`) and Vuex's `createPersistedState()`
    (vuex-persistedstate: `vuex`, or its `key`/`storage` options), with the code that declares the
    state. The header then reads a field of it (`'Bearer ' + this.store.access_token`)."""
    found = []
    for call in root.find_all(pattern="defineStore($ID, $$$REST)"):
        name = string_value(root, call.get_match("ID"))
        persist = next((p.field("value") for p in call.find_all(kind="pair") if field_text(p, "key") == "persist"), None)
        if name is not None and persist is not None and persist.kind() in ("true", "object"):
            found.append((*_persist_options(root, persist, name), call.text()))
    for call in root.find_all(pattern="createPersistedState($$$OPTIONS)"):
        options = call.find(kind="object")
        # Vuex persists the whole store: its state is the module's code.
        found.append((*(_persist_options(root, options, "vuex") if options is not None else ("vuex", "localStorage")), root.text()))
    return found


def _persist_options(root: SgNode, options: SgNode, default_key: str) -> tuple[str, str]:
    """The storage key and storage an options object names (`{ key: 'auth', storage: sessionStorage }`)."""
    pairs = {field_text(p, "key"): p.field("value") for p in options.find_all(kind="pair")} if options.kind() == "object" else {}
    key = string_value(root, pairs.get("key")) or default_key
    storage_value = pairs.get("storage")
    storage = "sessionStorage" if storage_value is not None and "sessionStorage" in storage_value.text() else "localStorage"
    return key, storage


def _holds_array(root: SgNode, value: SgNode | None) -> bool:
    """The value stored is an array: a literal, or a variable declared as one (`const users = [...]`,
    `JSON.parse(localStorage.getItem(key)) || []`) in the same file."""
    if value is None:
        return False
    if value.kind() == "array":
        return True
    if value.kind() != "identifier":
        return False
    for keyword in ("const", "let", "var"):
        declared = root.find(pattern=f"{keyword} {value.text()} = $INIT")
        init = declared.get_match("INIT") if declared is not None else None
        if init is not None:
            return init.kind() == "array" or re.search(r"(\|\||\?\?)\s*\[\s*\]$", init.text()) is not None
    return False


def _traced_value(roots: list[SgNode], name: str) -> str:
    """The member chain a header's bare variable holds, followed through the file: `const token =
    authToken()` with `function authToken() { return store.getState().auth.user?.token; }` (the Redux
    store that the login fills from localStorage) gives `auth.user.token`; the name itself otherwise."""
    for root in roots:
        declared = root.find(pattern=f"const {name} = $VALUE")
        value = declared.get_match("VALUE") if declared is not None else None
        if value is not None and value.kind() == "call_expression" and (callee := value.field("function")) is not None:
            value = _returned_by(root, callee)
        chain = MEMBER_CHAIN_END.search(value.text()) if value is not None else None
        if chain is not None:
            return chain.group(0).replace("?.", ".")
    return name


def _returned_by(root: SgNode, callee: SgNode) -> SgNode | None:
    """What the called function returns: a same-file `function f()` / `const f = () =>`, or, for
    `this.getToken()` (a Vue method, a class method), the `return` of the method of that name.
    Only a plain name can go into a pattern: a member callee in one made ast-grep raise (a traceback)."""
    if callee.kind() == "identifier":
        returned = root.find(pattern=f"function {callee.text()}() {{ return $RETURNED; }}") or root.find(pattern=f"const {callee.text()} = () => $RETURNED")
        return returned.get_match("RETURNED") if returned is not None else None
    method = field_text(callee, "property") if callee.kind() == "member_expression" and field_text(callee, "object") == "this" else None
    for definition in root.find_all(kind="method_definition") if method else []:
        if field_text(definition, "name") == method:
            statement = definition.find(kind="return_statement")
            return next((c for c in statement.children() if c.kind() not in ("return", ";")), None) if statement is not None else None
    return None


# Front-end code that sends the app's cookies on its API calls, even across origins.
COOKIE_CREDENTIALS = re.compile(r"""credentials\s*:\s*['"]include['"]|withCredentials\s*[:=]\s*true""")


def sends_cookies(tree: ProjectTree) -> str | None:
    """The first front-end file whose API calls carry cookies (`credentials: 'include'`,
    `withCredentials: true`): the evidence that cookie auth is what the app uses."""
    for path in tree.glob(*SCRIPT_SUFFIXES, *component_suffixes()):
        if tree.size(path) > MAX_BYTES or named_as(path, "intercom-messenger", (".js", ".ts")):
            continue
        if COOKIE_CREDENTIALS.search(tree.text(path)):
            return path
    return None


def string_value(root: SgNode, node: SgNode | None) -> str | None:
    """A string literal, or a constant or class field declared with one in the same file
    (`const TOKEN_KEY = 'token'`, `private readonly tokenKey = 'auth_token'` read as `this.tokenKey`)."""
    if node is None:
        return None
    if node.kind() == "identifier":
        declaration = root.find(pattern=f"const {node.text()} = $VALUE")
        node = declaration.get_match("VALUE") if declaration is not None else None
    elif node.kind() == "member_expression" and field_text(node, "object") == "this":
        # `this.tokenKey` with a class field `private readonly tokenKey = 'auth_token'`.
        name = field_text(node, "property")
        field = next((f for f in root.find_all(kind="public_field_definition") if field_text(f, "name") == name), None)
        node = field.field("value") if field is not None else None
    if node is None or node.kind() != "string":
        return None
    return str(ast.literal_eval(node.text()))
