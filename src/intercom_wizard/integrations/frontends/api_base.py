"""Where a single-page app's own API client sends its requests, when that is an env-provided base.

An SPA whose API is on another origin builds its URLs from a base the bundler inlines:
`import.meta.env.VITE_API_URL` (Vite), `process.env.NEXT_PUBLIC_API_URL` (Next.js),
`process.env.REACT_APP_API_URL` (Create React App) or Angular's `environment.apiUrl`. The Messenger
core must call the token endpoint on that same base, read the same way, so that the URL follows the
app from development to production. Only evidence counts: the expression must feed the app's API
client (`axios.create({ baseURL: ... })`, a `fetch(`${API_URL}/...`)` call, or a constant such a
call uses); when several bases do, the one the authenticated calls use wins, else none is chosen.
"""

import posixpath
import re
from dataclasses import dataclass

from intercom_wizard.tree import ProjectTree

CODE_SUFFIXES = (".js", ".mjs", ".jsx", ".ts", ".tsx", ".vue")
MAX_BYTES = 500_000
# An env value the framework's bundler inlines into module code.
ENV_EXPRESSION = re.compile(
    r"import\.meta\.env\.VITE_\w+|process\.env\.(?:NEXT_PUBLIC|REACT_APP)_\w+|\benvironment\.\w+"
)
# Names that say "the API's address" (not a feature flag or a key).
BASE_NAME = re.compile(r"API|URL|BASE|BACKEND|SERVER|HOST|ENDPOINT", re.IGNORECASE)
AUTHENTICATED = re.compile(r"Authorization|withCredentials\s*:\s*true|credentials\s*:\s*['\"]include['\"]")
ANGULAR_ENVIRONMENT_IMPORT = re.compile(r"""import\s*\{[^}]*\benvironment\b[^}]*\}\s*from\s*['"]([^'"]*environments/environment)['"]""")


@dataclass(frozen=True)
class ApiBase:
    expression: str  # the JavaScript expression, as the app's code reads it
    file: str  # where the app's API client uses it
    environment_module: str | None = None  # Angular: the environment file the expression comes from


@dataclass(frozen=True)
class ApiBaseSearch:
    chosen: ApiBase | None
    # Several bases feed API calls and none is the authenticated one's: said in a note.
    ambiguous: tuple[str, ...] = ()


def _used_as_base(text: str, expression: str) -> bool:
    """The expression (or a constant holding it) is a `baseURL`, or starts a fetch/axios URL."""
    names = [re.escape(expression)]
    for constant in re.finditer(rf"(?:const|let|var|export const)\s+(\w+)\s*(?::\s*\w+\s*)?=\s*{re.escape(expression)}\b", text):
        names.append(re.escape(constant.group(1)))
    for name in names:
        if re.search(rf"baseURL\s*:\s*{name}\b", text):
            return True
        if re.search(rf"(?:fetch|axios(?:\.\w+)?|\.(?:get|post|put|patch|delete)(?:<[^>]*>)?)\(\s*(?:`\$\{{\s*{name}\s*\}}|{name}\s*\+)", text):
            return True
    return False


def _environment_file(tree: ProjectTree, importer: str, specifier: str) -> str | None:
    module = posixpath.normpath(posixpath.join(posixpath.dirname(importer), specifier)) + ".ts"
    return module if tree.exists(module) else None


def find_api_base(tree: ProjectTree, root: str) -> ApiBaseSearch:
    """The env-provided base the app's own API client builds its URLs from (see the module docstring)."""
    candidates: dict[str, ApiBase] = {}
    authenticated: set[str] = set()
    for path in tree.glob(*CODE_SUFFIXES, under=root):
        if "/environments/" in path or path.endswith(("intercom-messenger.ts", "intercom-messenger.js")):
            continue
        if tree.size(path) > MAX_BYTES:
            continue
        text = tree.text(path)
        for expression in dict.fromkeys(match.group(0) for match in ENV_EXPRESSION.finditer(text)):
            if not BASE_NAME.search(expression.rsplit(".", 1)[1]) or not _used_as_base(text, expression):
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
    if len(candidates) == 1:
        return ApiBaseSearch(next(iter(candidates.values())))
    if len(authenticated) == 1:
        return ApiBaseSearch(candidates[next(iter(authenticated))])
    return ApiBaseSearch(None, tuple(sorted(candidates)))
