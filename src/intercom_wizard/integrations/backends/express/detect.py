"""Finding an Express server: the package depending on express, the module creating the app, and the
bearer-token libraries it authenticates API calls with (the session user is session.py's job)."""

import re
from typing import Any

from ast_grep_py import SgNode

from intercom_wizard.edits import parse
from intercom_wizard.integrations import identity
from intercom_wizard.integrations.backends.express.details import ExpressDetails, SignedInUser
from intercom_wizard.integrations.backends.express.jwt_middleware import claims_property
from intercom_wizard.integrations.backends.express.session import JS_LITERALS, JS_SUFFIXES, TS_SUFFIXES, js_resolver, language_of, session_user
from intercom_wizard.integrations.backends.express.verify_middleware import find_verify_middleware
from intercom_wizard.integrations.base import HAND_WRITTEN_JWT, Detection, TokenAuth
from intercom_wizard.integrations.nx import frontend_framework, nx_applications
from intercom_wizard.integrations.package_json import dependencies_of, read_package_json
from intercom_wizard.tree import ProjectTree, folder_of, join

NAME = "express"
# How apps create the Express app: const/let/var, express-generator's `var app = module.exports =
# express()`, `export const app = express()` (matched inside the export), and typed TypeScript.
CREATION_PATTERNS = (
    "const $APP = express()",
    "let $APP = express()",
    "var $APP = express()",
    "const $APP = module.exports = express()",
    "let $APP = module.exports = express()",
    "var $APP = module.exports = express()",
)
TYPED_CREATION_PATTERNS = ("const $APP: $TYPE = express()", "let $APP: $TYPE = express()")
# Files that create an Express app without being the app's server: mocks for a front end's tests and
# ember-cli's development proxy folder (`server/`).
NOT_SERVED = re.compile(r"(^|/)(__tests__|__mocks__|tests?|spec|e2e|mocks?|fixtures?)/|(^|/|[-_.])(mock|mocks|fake|stub)[-_.]|\.(test|spec)\.[cm]?[jt]s$|\.d\.ts$")
# The usual names of a server module, best first (express-generator's app.js, then server.*, ...).
SERVER_NAMES = ("app", "server", "index", "main")


def find_creation(root: SgNode, language: str) -> SgNode | None:
    """The statement that creates the Express app (its $APP names the variable)."""
    patterns = CREATION_PATTERNS + (TYPED_CREATION_PATTERNS if language == "typescript" else ())
    for pattern in patterns:
        found = root.find(pattern=pattern)
        if found is not None:
            return found
    return None


def _server_rank(root: str, path: str) -> tuple[int, int, str]:
    relative = path[len(root) + 1 :] if root else path
    stem = relative.rsplit("/", 1)[-1].split(".")[0]
    name_rank = SERVER_NAMES.index(stem) if stem in SERVER_NAMES else len(SERVER_NAMES)
    return (relative.count("/"), name_rank, relative)


def _is_ember_cli_server(root: str, dependencies: dict[str, str], path: str) -> bool:
    """ember-cli serves `server/` only as a development proxy/mock for the Ember app."""
    return "ember-source" in dependencies and path.startswith(join(root, "server") + "/")


def detect(tree: ProjectTree) -> list[Detection[ExpressDetails]]:
    found: list[Detection[ExpressDetails]] = []
    for manifest_path in tree.named("package.json"):
        manifest = read_package_json(tree, manifest_path)
        dependencies = dependencies_of(manifest)
        if "express" not in dependencies:
            continue
        workspace = folder_of(manifest_path)
        nested = {folder_of(other) for other in tree.named("package.json") if other != manifest_path and folder_of(other).startswith(f"{workspace}/" if workspace else "")}
        # An Nx integrated repo: each Node application (project.json only) is a server of its own.
        servers = [project.folder for project in nx_applications(tree, workspace) if frontend_framework(tree, project) is None] or [workspace]
        for root in servers:
            detection = _server(tree, manifest_path, manifest, root, nested)
            if detection is not None:
                found.append(detection)
    return found


def _server(tree: ProjectTree, manifest_path: str, manifest: dict[str, Any], root: str, nested: set[str]) -> Detection[ExpressDetails] | None:
    """The Express app served from `root` (a package, or an Nx application), if one is created there."""
    dependencies = dependencies_of(manifest)
    candidates = []
    for path in tree.glob(*JS_SUFFIXES, *TS_SUFFIXES, under=root):
        relative = path[len(root) + 1 :] if root else path
        if NOT_SERVED.search(relative) or _is_ember_cli_server(root, dependencies, path):
            continue
        if any(path.startswith(f"{package}/") for package in nested):
            continue  # belongs to a workspace package of its own
        text = tree.text(path)
        if "express()" not in text:
            continue
        created = find_creation(parse(text, language_of(path)), language_of(path))
        if created is not None:
            candidates.append((path, created))
    if not candidates:
        return None
    # One server per package: the shallowest, best-named module that creates the app.
    path, created = min(candidates, key=lambda candidate: _server_rank(root, candidate[0]))
    user = session_user(tree, root)
    token_auth, token_user = _token_auth(tree, root, dependencies)
    verify = find_verify_middleware(tree, root) if token_auth is None and "jsonwebtoken" in dependencies else None
    if verify is not None and verify.reads_header:
        token_auth, token_user = TokenAuth(kind=HAND_WRITTEN_JWT), verify.user
    elif verify is not None and user.kind == "none":
        user = verify.user  # the token rides in a cookie: the browser sends it, as a session's would
    app_var = created.get_match("APP")
    details = ExpressDetails(
        entry_file=path,
        app_var=app_var.text() if app_var is not None else "app",
        sign_in=None if user.kind == "none" else user.kind,
        token_auth=token_auth,
        esm=manifest.get("type") == "module" or path.endswith(".mjs"),
        typescript=path.endswith(TS_SUFFIXES),
        user=user,
        token_user=token_user,
        verify_middleware=verify,
    )
    return Detection(NAME, "backend", root, (f"{manifest_path}: depends on express", f"{path}: {created.text()}"), details)


def _token_auth(tree: ProjectTree, root: str, dependencies: dict[str, str]) -> tuple[TokenAuth | None, SignedInUser | None]:
    """Bearer-token APIs: express-jwt (claims in req.auth, req.user before express-jwt 7) or passport-jwt (req.user)."""
    if "express-jwt" in dependencies:
        token = TokenAuth(kind="express-jwt", identity_refused=tuple(_token_subjects_refused(tree, root)))
        return token, SignedInUser(kind="express-jwt", expression=f"req.{claims_property(tree, root)}", id_field="sub")
    if "passport-jwt" in dependencies:
        user = SignedInUser(kind="passport-jwt", expression="req.user", middleware="passport.authenticate('jwt', { session: false }), ")
        return TokenAuth(kind="passport-jwt"), user
    return None, None


def _token_subjects_refused(tree: ProjectTree, root: str) -> list[str]:
    """The `sub` the app signs into its access tokens (`jwt.sign({ sub: String(user.id) }, ...)`): it
    becomes user_id, so it needs the same evidence as a session key (identity.py)."""
    refused = []
    for path in tree.glob(*JS_SUFFIXES, under=root):
        text = tree.text(path)
        if ".sign(" not in text or "sub" not in text:
            continue
        for pair in parse(text, "javascript").find_all(kind="pair"):
            key, value = pair.field("key"), pair.field("value")
            if key is None or value is None or key.text().strip("'\"") != "sub":
                continue
            evidence = identity.value_evidence(value.text(), literal=value.kind() in JS_LITERALS, resolve=js_resolver(pair))
            if not evidence.is_id:
                refused.append(f"{path}:{pair.range().start.line + 1}: the access token's sub is {evidence.reason}")
    return refused

