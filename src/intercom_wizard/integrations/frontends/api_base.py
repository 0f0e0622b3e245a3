"""Where a single-page app's own API client sends its requests, when that is an env-provided base.

An SPA whose API is on another origin builds its URLs from a base the bundler inlines:
`import.meta.env.VITE_API_URL` (Vite), `process.env.NEXT_PUBLIC_API_URL` (Next.js),
`process.env.REACT_APP_API_URL` (Create React App), Angular's `environment.apiUrl`, or t3-env's
`env.NEXT_PUBLIC_API_URL` (read by the core as `process.env.NEXT_PUBLIC_API_URL`), or a field of a
configuration object the app imports by a bare name that its webpack configuration defines in
`externals` as a serialised object (`config: JSON.stringify({ apiUrl: ... })`, read as `config.apiUrl`;
the core imports the same external as `APP_CONFIG`). The Messenger
core must call the token endpoint on that same base, read the same way, so that the URL follows the
app from development to production. Only evidence counts: the expression must feed the app's API
client (`axios.create({ baseURL: ... })` or `axios.defaults.baseURL = ...`, a `fetch(`${API_URL}/...`)` call, a constant such a
call uses, or a `${API_URL}...` template in a module that sends the requests: a fetch wrapper, a tRPC
link); when several bases do, the one the authenticated calls use wins, else none is chosen.
An absolute URL written as a literal (`axios.create({ baseURL: "http://localhost:5000/api",
withCredentials: true })`) counts too when the client sending to it is authenticated: the core
builds its token URL on that same literal. So does a whole request URL written out in an
authenticated call (`fetch("http://localhost:8000/api/login/", { credentials: "include" })`,
`this.http.post('http://localhost:3030/api/login', body, { withCredentials: true })`): its origin.
"""

import posixpath
import re
from dataclasses import dataclass

from intercom_wizard.file_names import named_as
from intercom_wizard.js_config import alias_target
from intercom_wizard.tree import ProjectTree

CODE_SUFFIXES = (".js", ".mjs", ".jsx", ".ts", ".tsx", ".vue")
MAX_BYTES = 500_000
# An env value the framework's bundler inlines into module code.
ENV_EXPRESSION = re.compile(
    r"import\.meta\.env\.VITE_\w+|process\.env\.(?:NEXT_PUBLIC|REACT_APP)_\w+|\benvironment\.\w+"
)
# Names that say "the API's address" (not a feature flag or a key).
BASE_NAME = re.compile(r"API|URL|BASE|BACKEND|SERVER|HOST|ENDPOINT", re.IGNORECASE)
AUTHENTICATED = re.compile(r"Authorization|withCredentials\s*[:=]\s*true|credentials\s*:\s*['\"]include['\"]")
# t3-env (`@t3-oss/env-nextjs`): the app reads `env.NEXT_PUBLIC_X` from its own `createEnv` module, whose
# client values are `process.env.NEXT_PUBLIC_X`, inlined by Next.js: the core reads that directly.
T3_ENV_EXPRESSION = re.compile(r"(?<![\w.$])env\.(NEXT_PUBLIC_\w+)")
ENV_IMPORT = re.compile(r"""import\s*\{[^}]*\benv\b[^}]*\}\s*from\s*['"]""")
# A file that sends requests: a URL template it starts with the base is the API client's.
SENDS_REQUESTS = re.compile(r"\bfetch\(|\baxios\b|\bhttp(?:Batch(?:Stream)?)?Link\(")
# An absolute URL literal: a string (or a template without substitutions) starting with http(s)://.
URL_LITERAL = re.compile(r"""(['"`])(https?://[^'"`$\s]+)\1""")
URL_ORIGIN = re.compile(r"https?://[^/?#]+")
# A request sent by fetch, axios or an HTTP client's method (Angular's HttpClient, an axios instance).
REQUEST_CALL = r"(?:\bfetch|\baxios(?:\.\w+)?|\.(?:get|post|put|patch|delete|request)(?:<[^>]*>)?)"
# `import config from 'config'`: a default import (a webpack external is imported by its bare name).
DEFAULT_IMPORT = re.compile(r"""^\s*import\s+(\w+)\s+from\s+['"]([^'"]+)['"]""", re.MULTILINE)
WEBPACK_CONFIG_NAMES = tuple(f"webpack.config.{suffix}" for suffix in ("js", "cjs", "mjs", "ts")) + tuple(
    f"webpack.{kind}.js" for kind in ("common", "prod", "production", "dev", "development"))
# An externals entry whose value is a serialised object: `config: JSON.stringify({`.
WEBPACK_OBJECT_EXTERNAL = re.compile(r"""['"]?([\w@/-]+)['"]?\s*:\s*JSON\.stringify\(\s*\{""")
ANGULAR_ENVIRONMENT_IMPORT = re.compile(r"""import\s*\{[^}]*\benvironment\b[^}]*\}\s*from\s*['"]([^'"]*environments/environment)['"]""")


@dataclass(frozen=True)
class ApiBase:
    expression: str  # the JavaScript expression, as the app's code reads it
    file: str  # where the app's API client uses it
    environment_module: str | None = None  # Angular: the environment file the expression comes from
    # A webpack `externals` entry the app imports by name (`import config from 'config'`, `config.apiUrl`):
    # the core imports the same module, which the project's webpack configuration defines.
    external_module: str | None = None


@dataclass(frozen=True)
class ApiBaseSearch:
    chosen: ApiBase | None
    # Several bases feed API calls and none is the authenticated one's: said in a note.
    ambiguous: tuple[str, ...] = ()


def _used_as_base(text: str, expression: str) -> bool:
    """The expression (or a constant holding it) is a `baseURL`, or starts a fetch/axios URL."""
    names = [re.escape(expression)]
    # A constant holding the base, or a URL under it (`const baseUrl = `${import.meta.env.VITE_API_URL}/users``,
    # cornflourblue's stores): the API's origin is the same, and the core's token path is absolute.
    held = rf"(?:{re.escape(expression)}\b|`\$\{{\s*{re.escape(expression)}\s*\}})"
    for constant in re.finditer(rf"(?:const|let|var|export const)\s+(\w+)\s*(?::\s*\w+\s*)?=\s*{held}", text):
        names.append(re.escape(constant.group(1)))
    # One step further: the base copied into a variable or a field that starts the URLs
    # (`this.base_url = BASE_API_URL + '/api'`, then `fetch(this.base_url + options.url, ...)`).
    for name in list(names):
        for derived in re.finditer(rf"(?:(?:const|let|var)\s+(\w+)|\b(this\.\w+))\s*=\s*(?:{name}\s*\+|`\$\{{\s*{name}\s*\}})", text):
            names.append(re.escape(derived.group(1) or derived.group(2)))
        # A class field (`private readonly baseUrl = `${environment.apiUrl}/auth``), read as `this.baseUrl`.
        field = rf"^\s*(?:(?:private|public|protected|readonly|static)\s+)+(\w+)\s*(?::\s*\w+\s*)?=\s*(?:{name}\s*\+|`\$\{{\s*{name}\s*\}})"
        for derived in re.finditer(field, text, re.MULTILINE):
            names.append(re.escape(f"this.{derived.group(1)}"))
    for name in names:
        if re.search(rf"(?:baseURL\s*:|\.defaults\.baseURL\s*=)\s*{name}\b", text):
            return True
        if re.search(rf"(?:fetch|axios(?:\.\w+)?|\.(?:get|post|put|patch|delete)(?:<[^>]*>)?)\(\s*(?:`\$\{{\s*{name}\s*\}}|{name}\s*\+)", text):
            return True
        # `${base}${path}` or `${base}/trpc` built in a module that sends the requests (a fetch wrapper, a tRPC link).
        if SENDS_REQUESTS.search(text) and re.search(rf"`\$\{{\s*{name}\s*\}}", text):
            return True
    return False


def _literal_bases(text: str) -> dict[str, str]:
    """Absolute URL literals used as the base of authenticated calls, as written -> as a core literal."""
    if not AUTHENTICATED.search(text):
        return {}
    found = {}
    for match in URL_LITERAL.finditer(text):
        written = match.group(0)
        used = re.search(rf"(?:baseURL\s*:|\.defaults\.baseURL\s*=)\s*{re.escape(written)}", text) or re.search(
            rf"(?:const|let|var)\s+(\w+)\s*(?::\s*\w+\s*)?=\s*{re.escape(written)}", text
        )
        if used is not None and (used.lastindex is None or _used_as_base(text, used.group(1))):
            found[written] = _core_literal(match.group(2))
        elif re.search(rf"{REQUEST_CALL}\(\s*{re.escape(written)}", text):
            # A whole request URL written out in an authenticated call (`this.http.post('http://host:3030/api/login',
            # body, { withCredentials: true })`, `fetch("http://host:8000/api/login/", { credentials: "include" })`):
            # the API's origin is the base, since the core's token path is absolute.
            origin = URL_ORIGIN.match(match.group(2))
            if origin is not None:
                found[written] = _core_literal(origin.group(0))
    return found


def _core_literal(url: str) -> str:
    return "'" + url.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _expressions(text: str) -> dict[str, str]:
    """Each env expression (or absolute URL literal) the module reads, as written there -> as the core reads it."""
    found = {match.group(0): match.group(0) for match in ENV_EXPRESSION.finditer(text)}
    found.update(_literal_bases(text))
    if ENV_IMPORT.search(text):
        for match in T3_ENV_EXPRESSION.finditer(text):
            found.setdefault(match.group(0), f"process.env.{match.group(1)}")
    return found


def _environment_file(tree: ProjectTree, importer: str, specifier: str) -> str | None:
    """The environment module an import names: relative, or through a tsconfig `paths` alias
    (`'@environments/environment'`, as Angular tutorials configure it)."""
    if specifier.startswith("."):
        target: str | None = posixpath.normpath(posixpath.join(posixpath.dirname(importer), specifier))
    else:
        target = alias_target(tree, importer, specifier)
    module = f"{target}.ts" if target is not None else None
    return module if module is not None and tree.exists(module) else None


def _external_bases(externals: set[str], text: str) -> dict[str, str]:
    """`NAME.field` bases read from a module the app imports by a bare name that the project's webpack
    configuration defines as an external (`externals: { config: JSON.stringify({ apiUrl: ... }) }`)."""
    found: dict[str, str] = {}
    for imported in DEFAULT_IMPORT.finditer(text):
        name, module = imported.group(1), imported.group(2)
        if module not in externals:
            continue
        for field in re.finditer(rf"(?<![\w$.]){re.escape(name)}\.(\w+)", text):
            expression = field.group(0)
            if BASE_NAME.search(field.group(1)) and _used_as_base(text, expression):
                found[expression] = module
    return found


def webpack_configs(tree: ProjectTree, root: str) -> list[str]:
    """The webpack configuration files in the app's folder, by webpack's and the usual split-config names."""
    return [path for name in WEBPACK_CONFIG_NAMES if tree.exists(path := posixpath.join(root, name) if root not in ("", ".") else name)]


def webpack_externals(tree: ProjectTree, root: str) -> set[str]:
    """The names the app folder's webpack configuration defines as externals whose value is an object
    literal the config serialises (`JSON.stringify({...})`): a configuration object, not a library."""
    names: set[str] = set()
    for path in webpack_configs(tree, root):
        text = tree.text(path) if tree.size(path) <= MAX_BYTES else ""
        block = re.search(r"\bexternals\s*:\s*\{", text)
        if block is not None:
            names |= {match.group(1) for match in WEBPACK_OBJECT_EXTERNAL.finditer(text, block.end())}
    return names


def find_api_base(tree: ProjectTree, root: str) -> ApiBaseSearch:
    """The env-provided base the app's own API client builds its URLs from (see the module docstring)."""
    candidates: dict[str, ApiBase] = {}
    authenticated: set[str] = set()
    externals = webpack_externals(tree, root)
    for path in tree.glob(*CODE_SUFFIXES, under=root):
        if "/environments/" in path or named_as(path, "intercom-messenger", (".ts", ".js")):
            continue
        if tree.size(path) > MAX_BYTES:
            continue
        text = tree.text(path)
        for written, expression in _expressions(text).items():
            literal = expression.startswith("'")
            if not literal and (not BASE_NAME.search(expression.rsplit(".", 1)[1]) or not _used_as_base(text, written)):
                continue
            environment_module = None
            if expression.startswith("environment."):
                imported = ANGULAR_ENVIRONMENT_IMPORT.search(text)
                environment_module = _environment_file(tree, path, imported.group(1)) if imported else None
                if environment_module is None:
                    continue  # a local variable named `environment`, not Angular's
            candidates.setdefault(expression, ApiBase(expression, path, environment_module))
            if AUTHENTICATED.search(text):
                authenticated.add(expression)
        for expression, module in _external_bases(externals, text).items():
            candidates.setdefault(expression, ApiBase(expression, path, external_module=module))
            if AUTHENTICATED.search(text):
                authenticated.add(expression)
    if len(candidates) == 1:
        return ApiBaseSearch(next(iter(candidates.values())))
    if len(authenticated) == 1:
        return ApiBaseSearch(candidates[next(iter(authenticated))])
    return ApiBaseSearch(None, tuple(sorted(candidates)))
