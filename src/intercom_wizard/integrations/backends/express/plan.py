"""Planning Express's token route: the router module (CommonJS, ES module or TypeScript, like the
server), its mount after the session middleware, jsonwebtoken (and cors), the secret, and the
manual step when no user is proven."""

import dataclasses
import re
from dataclasses import dataclass

from ast_grep_py import SgNode

from intercom_wizard.edits import insert_lines_after, last_import, parse
from intercom_wizard.envfile import plan_secret
from intercom_wizard.integrations import identity
from intercom_wizard.integrations.backends.express.auth_setup import auth_setup_statements
from intercom_wizard.integrations.backends.express.details import ExpressDetails, SignedInUser, VerifyMiddleware
from intercom_wizard.integrations.backends.express.detect import find_creation
from intercom_wizard.integrations.backends.express.jwt_middleware import JwtMiddleware, app_wide_uses, find_jwt_middleware, relative_specifier
from intercom_wizard.integrations.backends.express.pages import SCRIPT_FOLDER, serves_script_from_route
from intercom_wizard.integrations.backends.express.session import JS_SUFFIXES, TS_SUFFIXES, language_of
from intercom_wizard.integrations.backends.npm_common import add_dependency
from intercom_wizard.integrations.base import Detection, PlanContext
from intercom_wizard.integrations.package_json import manifest_of
from intercom_wizard.options import ClientAuth
from intercom_wizard.templates import render
from intercom_wizard.tree import ProjectTree, folder_of, join

MODULE_FILE = "intercom-jwt.js"
# Middleware that must run before the token route, so it knows who is signed in.
AUTH_MIDDLEWARE = (
    "$APP.use(session($$$))",
    "$APP.use(passport.initialize())",
    "$APP.use(passport.session())",
    "$APP.use(passport.authenticate('session'))",
    "$APP.use(expressjwt($$$))",
    "$APP.use(expressjwt($$$).unless($$$))",
)
# The app's own CORS middleware for its single-page front end on another origin: a route mounted above
# it answers without Access-Control-Allow-Origin, so the browser hides the token from the page.
CORS_MIDDLEWARE = ("$APP.use(cors($$$))",)


@dataclass(frozen=True)
class RouteUser:
    """The user the route reads, settled once for this install: the access token's (bearer auth, when
    its subject is an evidenced id) or the session's."""

    user: SignedInUser
    by_token: bool  # the front end sends the app's bearer token, not cookies


def route_user(context: PlanContext, details: ExpressDetails) -> RouteUser:
    verify = details.verify_middleware
    if verify is not None and verify.reads_header:
        # The app's own middleware reads the header: the route reads the user where it puts it, whatever
        # the client was set to send (cookie mode gets the planner's step to send the app's token).
        return RouteUser(verify.user, by_token=context.options.auth is ClientAuth.BEARER)
    token_user = details.token_user if context.options.auth is ClientAuth.BEARER else None
    if token_user is None:
        return RouteUser(details.user, by_token=False)
    refused = details.token_auth.identity_refused if details.token_auth is not None else ()
    if refused:
        # The tokens' subject is a name or an untraceable value: no evidence of the user's id.
        return RouteUser(SignedInUser.none("the access tokens' sub is not the user's id", refused), by_token=False)
    return RouteUser(token_user, by_token=True)


def plan(context: PlanContext, detection: Detection[ExpressDetails]) -> None:
    tree, builder, details = context.tree, context.builder, detection.details
    server_file = details.entry_file
    route = route_user(context, details)
    user = route.user
    cors = "none"
    if context.options.frontend_origin:
        cors = "bearer" if route.by_token else "cookie"
        add_dependency(context, detection.root, "cors", "^2.8.5", "cors answers the pages' cross-origin requests")
    module_file = MODULE_FILE.replace(".js", ".ts") if details.typescript else MODULE_FILE
    route_file = join(folder_of(server_file), module_file)
    jwt_helper = find_jwt_middleware(tree, detection.root, server_file, details.app_var) if user.kind == "express-jwt" else None
    if jwt_helper is not None and jwt_helper.replaces_claims:
        user = dataclasses.replace(user, id_field="id")
    middleware = user.middleware
    if jwt_helper is not None and jwt_helper.per_route and not (details.esm or details.typescript):
        # The app guards its routes with its own helper (`authorize()`): the token route does the same.
        middleware = f"require('{relative_specifier(route_file, jwt_helper.module)}')(), "
    verify = details.verify_middleware
    if verify is not None and (verify.reads_header or details.user == verify.user):
        if details.esm or details.typescript:
            # The route is written as a module of imports: mounting the app's middleware there is the step.
            user = SignedInUser.none(f"{verify.name}() at {verify.where} authenticates the app's routes, and an ES-module or TypeScript route is not mounted behind it automatically")
        else:
            member = f".{verify.export}" if verify.export else ""
            middleware = f"require('{relative_specifier(route_file, verify.module)}'){member}, "
    module = render(
        "express/intercom-jwt.js",
        {"passport": "yes" if user.middleware.startswith("passport.") else "no", "cors": cors, "user": "none" if user.kind == "none" else "proven",
         "middleware": "yes" if middleware else "no", "script": "route" if serves_script_from_route(context, details) else "static"},
        endpoint=str(context.options.endpoint),
        frontend_origin=context.options.frontend_origin or "",
        user=user.expression,
        id_field=user.id_field,
        # A const above the route (so the registration fits 80 columns), named in the route's arguments.
        middleware=middleware.removesuffix(", "),
        route_middleware="auth, " if middleware else "",
        script_folder=SCRIPT_FOLDER,
    )
    if details.typescript:
        module = _as_typescript(module, default_imports=_uses_default_imports(tree.text(server_file)))
        add_dependency(context, detection.root, "@types/jsonwebtoken", "^9.0.7", "the types of jsonwebtoken, for the TypeScript build")
    elif details.esm:
        module = _as_es_module(module)
    builder.create(route_file, module, f"GET {context.options.endpoint}: a signed Intercom JWT for the signed-in user, 401 otherwise")
    _mount(context, detection, jwt_helper)
    add_dependency(context, detection.root, "jsonwebtoken", "^9.0.2", "jsonwebtoken signs the tokens")
    plan_secret(context, _env_file(tree, detection.root))
    guarded = "expressjwt(" in tree.text(server_file) or (jwt_helper is not None and (jwt_helper.app_wide or middleware != user.middleware))
    if user.kind == "express-jwt" and not guarded:
        # Without express-jwt in front of it the route never sees a user: every request would get 401.
        builder.manual(
            server_file,
            f"express-jwt is not applied app-wide here, so {user.expression} is empty on the token route: "
            "mount the token route after the same express-jwt middleware that guards your other API routes:",
            "app.use(expressjwt({ secret: /* your access-token secret */, algorithms: ['HS256'] }));\napp.use(intercomJwt);",
        )
    if user.kind == "none":
        snippet = _verify_adapter(verify) if verify is not None and user.reason.startswith(verify.name) else render("express/user-adapter.js").strip()
        identity.adapter_step(builder, route_file, module, "signedInUser", user.reason, snippet, user.rejected)


def _verify_adapter(verify: VerifyMiddleware) -> str:
    """The adapter to fill in when the app's own jwt.verify middleware is there: it names the middleware
    (file and line), never a session the app does not have."""
    return render(
        "express/verify-adapter.js", {}, middleware_name=verify.name, middleware_file=verify.module, middleware_line=str(verify.line),
    ).strip()


def _as_es_module(module: str) -> str:
    """The same module with `import` statements, for apps whose package.json says "type": "module"."""
    lines = []
    for line in module.splitlines(keepends=True):
        if line.startswith("const ") and " = require('" in line:
            name, required = line[len("const ") :].split(" = require(", 1)
            line = f"import {name} from {required.split(')')[0]};\n"
        lines.append(line.replace("module.exports = router;", "export default router;"))
    return "".join(lines)


def _as_typescript(module: str, *, default_imports: bool) -> str:
    """The module as TypeScript: ES imports (default ones when the app's own server uses them, which
    needs esModuleInterop; Node's built-ins always as namespaces), typed parameters, a default export.

    The request and the user stay loosely typed: which properties the app's session or passport put
    on them is the app's own typing, and the token route must compile whatever they are.
    """
    module = _as_es_module(module)
    module = module.replace("import crypto from 'crypto';", "import * as crypto from 'crypto';")
    if not default_imports:
        module = re.sub(r"^import (\w+) from '(?!\.)", r"import * as \1 from '", module, flags=re.M)
    # On the line before, where prettier keeps it (a `// eslint-disable-line` after `{` is moved into the body).
    any_type = "// eslint-disable-next-line @typescript-eslint/no-explicit-any\n"
    replacements = (
        ("let signingKey = null;", "let signingKey: crypto.KeyObject | null = null;"),
        ("function signedInUser(req) {", any_type + "function signedInUser(req: any): any {"),
        ("function userAttribute(user, ...names) {", any_type + "function userAttribute(user: any, ...names: string[]): string | undefined {"),
        ("\nrouter.get(", "\n" + any_type + "router.get("),
        ("(req, res) => {", "(req: any, res: express.Response) => {"),
    )
    for javascript, typescript in replacements:
        module = module.replace(javascript, typescript)
    return module


def _uses_default_imports(server_source: str) -> bool:
    return re.search(r"^import express\b", server_source, re.M) is not None


def _import_specifier(tree: ProjectTree, detection: Detection[ExpressDetails]) -> str:
    """'./intercom-jwt' as the server module must spell it: Node's ES modules (and TypeScript's
    node16/nodenext resolution) need the extension; TypeScript names the .js its .ts compiles to."""
    if not detection.details.typescript:
        return "./intercom-jwt.js" if detection.details.esm else "./intercom-jwt"
    tsconfig = join(detection.root, "tsconfig.json")
    settings = tree.text(tsconfig) if tree.exists(tsconfig) else ""
    strict_resolution = re.search(r'"(module|moduleResolution)"\s*:\s*"node(16|next)"', settings, re.I)
    return "./intercom-jwt.js" if strict_resolution or detection.details.esm else "./intercom-jwt"


def _mount(context: PlanContext, detection: Detection[ExpressDetails], jwt_helper: JwtMiddleware | None) -> None:
    tree, builder, details = context.tree, context.builder, detection.details
    server_file, app_var = details.entry_file, details.app_var
    source = tree.read(server_file)
    language = language_of(server_file)
    root = parse(source.text, language)
    specifier = _import_specifier(tree, detection)
    if details.esm or details.typescript:
        statement = f"import intercomJwt from '{specifier}';"
    else:
        statement = f"const intercomJwt = require('{specifier}');"
    imports = last_import(root, language)
    mount = f"{app_var}.use(intercomJwt);"
    helper_uses = app_wide_uses(root, app_var, server_file, jwt_helper, detection.root) if jwt_helper is not None and jwt_helper.app_wide else []
    helper_uses += auth_setup_statements(tree, server_file, root, app_var)
    anchor = _after_session_middleware(root, app_var, language, helper_uses)
    if imports is None or anchor is None:
        builder.manual(server_file, "Mount the token route after your session middleware:", f"{statement}\n{mount}")
        return
    imports_end, anchor_end = imports.range().end.index, anchor.range().end.index
    if anchor_end <= imports_end:
        # The app is created above its last require (cornflourblue's servers): mounting there would use
        # intercomJwt before its `const` line runs (a ReferenceError at start-up), so both go after it.
        insertions = [insert_lines_after(source, imports_end, f"{statement}\n{mount}")]
    else:
        insertions = [insert_lines_after(source, imports_end, statement), insert_lines_after(source, anchor_end, mount)]
    builder.insert(server_file, insertions, "mounts the token route after the session middleware")


def _after_session_middleware(root: SgNode, app_var: str, language: str = "javascript", extra: list[SgNode] | None = None) -> SgNode | None:
    """The last top-level statement that installs session (or passport, or express-jwt, also through
    the app's own helper: `extra`) or app-wide CORS middleware, else the app's creation."""
    patterns = (*AUTH_MIDDLEWARE, *CORS_MIDDLEWARE)
    candidates = [match for pattern in patterns for match in root.find_all(pattern=pattern.replace("$APP", app_var))]
    candidates += extra or []
    if not candidates:
        created = find_creation(root, language)
        candidates = [created] if created is not None else []
    if not candidates:
        return None
    last = max(candidates, key=lambda node: node.range().end.index)
    return next((a for a in [last, *last.ancestors()] if (parent := a.parent()) is not None and parent.kind() == "program"), None)


def _env_file(tree: ProjectTree, root: str) -> str | None:
    for path in [*tree.glob(*JS_SUFFIXES, *TS_SUFFIXES, under=root), manifest_of(tree, root)]:
        text = tree.text(path)
        if "dotenv" in text or "--env-file" in text:
            return join(root, ".env")
    return None
