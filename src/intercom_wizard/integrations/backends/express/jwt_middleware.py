"""express-jwt as the app runs it: which request property holds the claims (`req.user` before
express-jwt 7, `req.auth` since, or the app's `requestProperty`), and the app's own middleware module
that wraps `expressjwt(...)` (cornflourblue's `_helpers/jwt.js` used app-wide as `app.use(jwt())`,
`_helpers/authorize.js` used per route as `authorize()`), so the token route runs behind the same
check as the app's other API routes."""

import posixpath
import re
from dataclasses import dataclass

from ast_grep_py import SgNode

from intercom_wizard.edits import parse
from intercom_wizard.integrations.backends.express.session import JS_SUFFIXES, TS_SUFFIXES, language_of
from intercom_wizard.tree import ProjectTree, folder_of
from intercom_wizard.versions.npm import npm_version

EXPRESS_JWT_IMPORT = re.compile(r"""require\(\s*['"]express-jwt['"]\s*\)|from\s+['"]express-jwt['"]""")
REQUEST_PROPERTY = re.compile(r"""requestProperty\s*:\s*['"](\w+)['"]""")
# express-jwt 7 moved the claims from req.user to req.auth.
CLAIMS_MOVED_IN_MAJOR = 7


@dataclass(frozen=True)
class JwtMiddleware:
    """The app's module that runs express-jwt, and how the app uses it."""

    module: str  # the helper's file, e.g. "_helpers/authorize.js"
    app_wide: bool  # `app.use(helper())` in the server file: the token route mounts after it
    per_route: bool  # `helper()` (no arguments) guards the app's routes: the token route does the same
    # The helper swaps the claims for the user's record (`req.user = user.get()` after findByPk(sub)):
    # the route then reads the record's primary key, `id`, not the claims' `sub`.
    replaces_claims: bool = False


def claims_property(tree: ProjectTree, root: str) -> str:
    """`auth` or `user`: where express-jwt puts the verified claims in this app."""
    for path in _sources(tree, root):
        text = tree.text(path)
        if EXPRESS_JWT_IMPORT.search(text) and (named := REQUEST_PROPERTY.search(text)):
            return named.group(1)
    found = npm_version(tree, root, "express-jwt")
    if found is not None and found.release[0] < CLAIMS_MOVED_IN_MAJOR:
        return "user"
    return "auth"


def find_jwt_middleware(tree: ProjectTree, root: str, server_file: str, app_var: str) -> JwtMiddleware | None:
    """The app's own module wrapping express-jwt (not the server itself), with how the app uses it."""
    helpers = [path for path in _sources(tree, root) if path != server_file and EXPRESS_JWT_IMPORT.search(tree.text(path))]
    for helper in helpers:
        app_wide = per_route = False
        for path in _sources(tree, root):
            if path == helper:
                continue
            program = parse(tree.text(path), language_of(path))
            for name in _names_bound_to(program, path, helper, root):
                if path == server_file and program.find(pattern=f"{app_var}.use({name}($$$))") is not None:
                    app_wide = True
                if any(not _has_arguments(call) for call in program.find_all(pattern=f"{name}()")):
                    per_route = True
        if app_wide or per_route:
            replaces = re.search(rf"\breq\.{claims_property(tree, root)}\s*=(?!=)", tree.text(helper)) is not None
            return JwtMiddleware(helper, app_wide, per_route and not app_wide, replaces_claims=replaces)
    return None


def app_wide_uses(program: SgNode, app_var: str, server_file: str, middleware: JwtMiddleware, root: str) -> list[SgNode]:
    """The server's `app.use(helper())` statements (the token route is mounted after the last)."""
    return [use for name in _names_bound_to(program, server_file, middleware.module, root) for use in program.find_all(pattern=f"{app_var}.use({name}($$$))")]


def relative_specifier(from_file: str, module: str) -> str:
    """How a module in `from_file`'s folder requires `module` (no extension, always ./ or ../)."""
    relative = posixpath.relpath(posixpath.splitext(module)[0], folder_of(from_file) or ".")
    return relative if relative.startswith("../") else f"./{relative}"


def _sources(tree: ProjectTree, root: str) -> list[str]:
    return [path for path in tree.glob(*JS_SUFFIXES, *TS_SUFFIXES, under=root) if "node_modules/" not in path]


def _has_arguments(call: SgNode) -> bool:
    arguments = call.field("arguments")
    return arguments is not None and any(child.is_named() for child in arguments.children())


def _names_bound_to(program: SgNode, path: str, module: str, root: str) -> list[str]:
    """Local names `path` gives the module: `const jwt = require('...')` or `import jwt from '...'`,
    the specifier relative to the file, or to the app's root (rootpath, NODE_PATH)."""
    names = []
    for pattern in ("const $NAME = require($SPEC)", "var $NAME = require($SPEC)", "let $NAME = require($SPEC)", "import $NAME from $SPEC"):
        for match in program.find_all(pattern=pattern):
            name, spec = match.get_match("NAME"), match.get_match("SPEC")
            if name is None or spec is None or name.kind() != "identifier":
                continue
            if _resolves_to(spec.text().strip("'\"`"), path, module, root):
                names.append(name.text())
    return names


def _resolves_to(spec: str, importer: str, module: str, root: str) -> bool:
    if spec.startswith("."):
        base = posixpath.normpath(posixpath.join(folder_of(importer), spec))
    else:
        base = posixpath.normpath(posixpath.join(root, spec)) if root else posixpath.normpath(spec)
    stem = posixpath.splitext(module)[0]
    targets = {module, stem}
    if stem.rsplit("/", 1)[-1] == "index":
        targets.add(folder_of(module))
    return base in targets
