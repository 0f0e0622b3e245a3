"""How the app's own front-end code authenticates its API calls, read from its JavaScript.

Token-based apps keep an access token (usually in localStorage) and send it as
`Authorization: Bearer|Token <token>`; the Messenger script must do the same to be recognised.
"""

import ast
import re
from dataclasses import dataclass, replace

from ast_grep_py import SgNode

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


def find_token_storage(tree: ProjectTree) -> list[TokenStorage]:
    """Where the front end keeps the access token its API calls send in an Authorization header.

    The plain shape: a storage key read (as is) by code that builds the header. The JSON shape, from
    real apps: the login saves the whole response, `localStorage.setItem('user', JSON.stringify(user))`,
    and the header is built from one of its fields (`Bearer ${user.token}`), often in another module.
    """
    found: dict[str, TokenStorage] = {}
    json_keys: dict[str, tuple[str, str]] = {}  # key -> (storage, file)
    header_fields: set[str] = set()
    header_objects: set[str] = set()  # `user` in `Bearer ${user.token}`
    header_scheme = "Bearer"
    base64_keys: set[str] = set()
    list_keys: set[str] = set()  # keys holding a JSON array (a fake back end's users): never a token's object
    for path in tree.glob(*SCRIPT_SUFFIXES, *component_suffixes()):
        if path.endswith("intercom-messenger.js") or tree.resolve(path).stat().st_size > MAX_BYTES:
            continue
        text = tree.text(path)
        if "Storage" not in text and "Authorization" not in text:
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
                if storage not in text:
                    continue
                for call in root.find_all(pattern=f"JSON.parse({storage}.getItem($KEY))"):
                    name = _string_value(root, call.get_match("KEY"))
                    if name is not None:
                        json_keys.setdefault(name, (storage, path))
                for call in root.find_all(pattern=f"{storage}.setItem($KEY, JSON.stringify($VALUE))"):
                    name = _string_value(root, call.get_match("KEY"))
                    if name is not None:
                        json_keys.setdefault(name, (storage, path))
                        if _holds_array(root, call.get_match("VALUE")):
                            list_keys.add(name)
                for pattern in (f"JSON.parse({storage}.getItem($KEY)) || []", f"JSON.parse({storage}.getItem($KEY)) ?? []"):
                    for call in root.find_all(pattern=pattern):
                        name = _string_value(root, call.get_match("KEY"))
                        if name is not None:
                            list_keys.add(name)
                for pattern in (*BASE64_WRITES, *BASE64_READS):
                    for call in root.find_all(pattern=pattern.replace("$S", storage)):
                        name = _string_value(root, call.get_match("KEY"))
                        if name is not None:
                            base64_keys.add(name)
                if not builds_header:
                    continue
                for call in root.find_all(pattern=f"{storage}.getItem($KEY)"):
                    name = _string_value(root, call.get_match("KEY"))
                    parent = call.parent()
                    outer = parent.parent() if parent is not None and parent.kind() == "arguments" else None
                    wrapped = outer is not None and outer.text().startswith("JSON.parse(")
                    if name is not None and not wrapped:
                        found.setdefault(name, TokenStorage(name, scheme, path, storage))
    if found:
        return [replace(item, encoding="base64") if item.key in base64_keys else item for item in found.values()]
    if len(header_fields) != 1:
        return []
    # A header built from `user.token` reads an object's field: a key that holds a list (a fake back end's
    # users with their passwords, kept in localStorage) cannot be where that token lives.
    json_keys = {key: where for key, where in json_keys.items() if key not in list_keys}
    # Several JSON values (a users list, settings): the one named like the header's object.
    keys = list(json_keys) if len(json_keys) == 1 else [key for key in json_keys if key.lower() in header_objects]
    if len(keys) != 1:
        return []
    storage, path = json_keys[keys[0]]
    encoding = "base64" if keys[0] in base64_keys else "raw"
    return [TokenStorage(keys[0], header_scheme, path, storage, next(iter(header_fields)), encoding)]


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
            returned = root.find(pattern=f"function {callee.text()}() {{ return $RETURNED; }}") or root.find(pattern=f"const {callee.text()} = () => $RETURNED")
            value = returned.get_match("RETURNED") if returned is not None else None
        chain = MEMBER_CHAIN_END.search(value.text()) if value is not None else None
        if chain is not None:
            return chain.group(0).replace("?.", ".")
    return name


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


def _string_value(root: SgNode, node: SgNode | None) -> str | None:
    """A string literal, or a constant declared with one in the same file (const TOKEN_KEY = 'token')."""
    if node is None:
        return None
    if node.kind() == "identifier":
        declaration = root.find(pattern=f"const {node.text()} = $VALUE")
        node = declaration.get_match("VALUE") if declaration is not None else None
    if node is None or node.kind() != "string":
        return None
    return str(ast.literal_eval(node.text()))
