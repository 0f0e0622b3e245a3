"""Express: a router serving the token endpoint, mounted after the app's session middleware.

Adds `intercom-jwt.js` beside the server module (CommonJS or ES module, like the app), mounts it
right after `app.use(session(...))` / `app.use(passport.session())` so the user is known, and
adds `jsonwebtoken` with the project's package manager. The user is passport's `req.user` or the
object the app stores in `req.session`; with neither the route fails closed. Static pages under
`express.static(...)` and EJS/Handlebars layouts get the Messenger script.
"""

import posixpath
import re

from ast_grep_py import SgNode

from intercom_wizard import csp
from intercom_wizard.edits import insert_lines_after, last_import, parse
from intercom_wizard.envfile import plan_secret
from intercom_wizard.integrations import identity
from intercom_wizard.integrations.backends.npm_common import add_dependency
from intercom_wizard.integrations.base import Detection, PageHost, PlanContext
from intercom_wizard.integrations.frontends.layouts import find_layouts
from intercom_wizard.integrations.package_json import dependencies_of, read_package_json
from intercom_wizard.options import ClientAuth
from intercom_wizard.support import Supported, SupportTable
from intercom_wizard.templates import render
from intercom_wizard.tree import ProjectTree, folder_of, join

NAME = "express"
# The versions this integration generates code for (docs list the same table).
SUPPORTED: SupportTable = (Supported("express", "npm", "express", (4, 0), (6, 0)),)
MODULE_FILE = "intercom-jwt.js"
JS_SUFFIXES = (".js", ".cjs", ".mjs")
TS_SUFFIXES = (".ts", ".mts", ".cts")
# Middleware that must run before the token route, so it knows who is signed in.
AUTH_MIDDLEWARE = (
    "$APP.use(session($$$))",
    "$APP.use(passport.initialize())",
    "$APP.use(passport.session())",
    "$APP.use(passport.authenticate('session'))",
    "$APP.use(expressjwt($$$))",
    "$APP.use(expressjwt($$$).unless($$$))",
)


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


def language_of(path: str) -> str:
    return "typescript" if path.endswith(TS_SUFFIXES) else "javascript"


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


def _is_ember_cli_server(tree: ProjectTree, root: str, manifest: dict[str, object], path: str) -> bool:
    """ember-cli serves `server/` only as a development proxy/mock for the Ember app."""
    return "ember-source" in dependencies_of(manifest) and path.startswith(join(root, "server") + "/")  # type: ignore[arg-type]


def detect(tree: ProjectTree) -> list[Detection]:
    found = []
    for manifest_path in tree.named("package.json"):
        manifest = read_package_json(tree, manifest_path)
        if "express" not in dependencies_of(manifest):
            continue
        root = folder_of(manifest_path)
        nested = {folder_of(other) for other in tree.named("package.json") if other != manifest_path and folder_of(other).startswith(f"{root}/" if root else "")}
        candidates = []
        for path in tree.glob(*JS_SUFFIXES, *TS_SUFFIXES, under=root):
            relative = path[len(root) + 1 :] if root else path
            if NOT_SERVED.search(relative) or _is_ember_cli_server(tree, root, manifest, path):
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
            continue
        # One server per package: the shallowest, best-named module that creates the app.
        path, created = min(candidates, key=lambda candidate: _server_rank(root, candidate[0]))
        found.append(
            Detection(
                NAME,
                "backend",
                root,
                (f"{manifest_path}: depends on express", f"{path}: {created.text()}"),
                {
                    "server_file": path,
                    "app_var": created.get_match("APP").text(),
                    "esm": manifest.get("type") == "module" or path.endswith(".mjs"),
                    "typescript": path.endswith(TS_SUFFIXES),
                    "user": _user_expression(tree, root),
                    "token_auth": _token_auth(tree, root, manifest),
                },
            )
        )
    return found


def _token_auth(tree: ProjectTree, root: str, manifest: dict[str, object]) -> dict[str, str] | None:
    """Bearer-token APIs: express-jwt (claims in req.auth) or passport-jwt (req.user)."""
    dependencies = dependencies_of(manifest)  # type: ignore[arg-type]
    if "express-jwt" in dependencies:
        return {"kind": "express-jwt", "expression": "req.auth", "id_field": "sub", "identity_refused": _token_subjects_refused(tree, root)}
    if "passport-jwt" in dependencies:
        return {
            "kind": "passport-jwt",
            "expression": "req.user",
            "id_field": "id",
            "middleware": "passport.authenticate('jwt', { session: false }), ",
        }
    return None


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
            evidence = identity.value_evidence(value.text(), literal=value.kind() in JS_LITERALS, resolve=_js_resolver(pair))
            if not evidence.is_id:
                refused.append(f"{path}:{pair.range().start.line + 1}: the access token's sub is {evidence.reason}")
    return refused


NO_USER = "null /* no evidence of the signed-in user's id: see the manual step */"
JS_LITERALS = frozenset({"number", "string", "true", "false", "null", "undefined", "template_string"})


def _user_expression(tree: ProjectTree, root: str) -> dict[str, object]:
    """How the app remembers who is signed in: passport's req.user, or what the login code stores in
    req.session — a user object whose id is evidenced, or a key assigned from the user's id (never a
    flag such as `req.session.loggedIn = true`; see identity.py)."""
    for path in tree.glob(*JS_SUFFIXES, *TS_SUFFIXES, under=root):
        text = tree.text(path)
        if "passport" in text and ("passport.session()" in text or "req.login(" in text or "req.logIn(" in text):
            return {"kind": "passport", "expression": "req.isAuthenticated() ? req.user : null", "id_field": "id"}
    assignments: list[identity.SessionAssignment] = []
    for path in tree.glob(*JS_SUFFIXES, *TS_SUFFIXES, under=root):
        text = tree.text(path)
        if "req.session." not in text:
            continue
        for match in parse(text, language_of(path)).find_all(pattern="req.session.$KEY = $VALUE"):
            key, value = match.get_match("KEY").text(), match.get_match("VALUE")
            record = _session_record(key, value, match)
            if record is not None:
                return record
            assignments.append(
                identity.SessionAssignment(
                    path, match.range().start.line + 1, key, value.text(),
                    literal=value.kind() in JS_LITERALS, is_null=value.text() in ("null", "undefined"), resolve=_js_resolver(match),
                )
            )
    choice = identity.choose_session_key(assignments)
    if choice.key is not None:
        return {"kind": "session-id", "expression": f"req.session.{choice.key} != null ? {{ id: req.session.{choice.key} }} : null", "id_field": "id"}
    reason = choice.reason if assignments else "no passport or session login was found"
    return {"kind": "none", "expression": NO_USER, "id_field": "id", "reason": reason, "rejected": list(choice.rejected)}


def _session_record(key: str, value: SgNode, match: SgNode) -> dict[str, object] | None:
    """`req.session.user = { id: user.id, ... }` (the id traced) or `= user` (a loaded user object)."""
    words = identity.words(key)
    if identity.is_flag_name(key) or identity.is_id_name(key) or not any(w in identity.USER_WORDS for w in words):
        return None
    if value.kind() == "object":
        pairs = {p.field("key").text(): p.field("value") for p in value.children() if p.kind() == "pair" and p.field("key") is not None}
        id_field = next((k for k in pairs if identity.is_id_name(k)), None)
        if id_field is None:
            return None
        evidence = identity.value_evidence(pairs[id_field].text(), literal=pairs[id_field].kind() in JS_LITERALS, resolve=_js_resolver(match))
        if not evidence.is_id:
            return None
        return {"kind": "session", "expression": f"req.session.{key}", "id_field": id_field}
    if value.kind() == "identifier":
        return {"kind": "session", "expression": f"req.session.{key}", "id_field": "id"}
    return None


def _js_resolver(node: SgNode) -> identity.Resolver:
    scope = next((a for a in node.ancestors() if a.kind() in ("function_declaration", "function_expression", "arrow_function", "method_definition", "program")), None)

    def resolve(name: str) -> list[tuple[str, bool]]:
        if scope is None:
            return []
        found = []
        for pattern in (f"const {name} = $VALUE", f"let {name} = $VALUE", f"var {name} = $VALUE", f"{name} = $VALUE"):
            for m in scope.find_all(pattern=pattern):
                if m.range().start.index < node.range().start.index:
                    found.append((m.get_match("VALUE").text(), m.get_match("VALUE").kind() in JS_LITERALS))
        return found

    return resolve


def plan(context: PlanContext, detection: Detection) -> None:
    tree, builder = context.tree, context.builder
    details = detection.details
    server_file: str = details["server_file"]
    token_auth = details.get("token_auth") if context.options.auth is ClientAuth.BEARER else None
    if token_auth and token_auth.get("identity_refused"):
        # The tokens' subject is a name or an untraceable value: no evidence of the user's id.
        reason = "the access tokens' sub is not the user's id"
        token_auth = None
        details = {**details, "user": {"kind": "none", "expression": NO_USER, "id_field": "id", "reason": reason, "rejected": details["token_auth"]["identity_refused"]}}
    user = token_auth or details["user"]
    requires, cors = [], ""
    if user["kind"] == "passport-jwt":
        requires.append("const passport = require('passport');")
    if context.options.frontend_origin:
        requires.append("const cors = require('cors');")
        credentials = "" if token_auth else ", credentials: true"
        cors = (
            "\n// The pages are served from another origin: allow exactly that one.\n"
            f"router.use('{context.options.endpoint}', cors({{ origin: '{context.options.frontend_origin}'{credentials} }}));"
        )
        add_dependency(context, detection.root, "cors", "^2.8.5", "cors answers the pages' cross-origin requests")
    module = render(
        "express/intercom-jwt.js",
        endpoint=context.options.endpoint,
        user=user["expression"],
        id_field=user["id_field"],
        requires="\n".join(requires),
        cors=cors,
        middleware=user.get("middleware", ""),
    )
    module_file = MODULE_FILE
    if details.get("typescript"):
        module = _as_typescript(module, default_imports=_uses_default_imports(tree.text(server_file)))
        module_file = MODULE_FILE.replace(".js", ".ts")
        add_dependency(context, detection.root, "@types/jsonwebtoken", "^9.0.7", "the types of jsonwebtoken, for the TypeScript build")
    elif details["esm"]:
        module = _as_es_module(module)
    builder.create(
        join(folder_of(server_file), module_file),
        module,
        f"GET {context.options.endpoint}: a signed Intercom JWT for the signed-in user, 401 otherwise",
    )
    _mount(context, detection)
    add_dependency(context, detection.root, "jsonwebtoken", "^9.0.2", "jsonwebtoken signs the tokens")
    plan_secret(context, _env_file(tree, detection.root))
    if user["kind"] == "express-jwt" and "expressjwt(" not in tree.text(server_file):
        builder.note(
            f"express-jwt is not applied app-wide in {server_file}, so req.auth is empty on the token route: "
            "protect it with the same expressjwt({ ... }) middleware as your other API routes.",
            "warning",
        )
    if user["kind"] == "none":
        identity.adapter_step(
            builder,
            join(folder_of(server_file), module_file),
            module,
            "signedInUser",
            str(user["reason"]),
            render("express/user-adapter.js").strip(),
            user.get("rejected", []),  # type: ignore[arg-type]
        )


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
    any_type = " // eslint-disable-line @typescript-eslint/no-explicit-any"
    replacements = (
        ("let signingKey = null;", "let signingKey: crypto.KeyObject | null = null;"),
        ("function signedInUser(req) {", "function signedInUser(req: any): any {" + any_type),
        ("function userAttribute(user, ...names) {", "function userAttribute(user: any, ...names: string[]): string | undefined {" + any_type),
        ("(req, res) => {", "(req: any, res: express.Response) => {" + any_type),
    )
    for javascript, typescript in replacements:
        module = module.replace(javascript, typescript)
    return module


def _uses_default_imports(server_source: str) -> bool:
    return re.search(r"^import express\b", server_source, re.M) is not None


def _import_specifier(tree: ProjectTree, detection: Detection) -> str:
    """'./intercom-jwt' as the server module must spell it: Node's ES modules (and TypeScript's
    node16/nodenext resolution) need the extension; TypeScript names the .js its .ts compiles to."""
    if not detection.details.get("typescript"):
        return "./intercom-jwt.js" if detection.details["esm"] else "./intercom-jwt"
    tsconfig = join(detection.root, "tsconfig.json")
    settings = tree.text(tsconfig) if tree.exists(tsconfig) else ""
    strict_resolution = re.search(r'"(module|moduleResolution)"\s*:\s*"node(16|next)"', settings, re.I)
    return "./intercom-jwt.js" if strict_resolution or detection.details["esm"] else "./intercom-jwt"


def _mount(context: PlanContext, detection: Detection) -> None:
    tree, builder = context.tree, context.builder
    server_file: str = detection.details["server_file"]
    app_var: str = detection.details["app_var"]
    source = tree.read(server_file)
    language = language_of(server_file)
    root = parse(source.text, language)
    specifier = _import_specifier(tree, detection)
    if detection.details["esm"] or detection.details.get("typescript"):
        statement = f"import intercomJwt from '{specifier}';"
    else:
        statement = f"const intercomJwt = require('{specifier}');"
    imports = last_import(root, language)
    mount = f"{app_var}.use(intercomJwt);"
    anchor = _after_session_middleware(root, app_var, language)
    if imports is None or anchor is None:
        builder.manual(server_file, "Mount the token route after your session middleware:", f"{statement}\n{mount}")
        return
    builder.insert(
        server_file,
        [
            insert_lines_after(source, imports.range().end.index, statement),
            insert_lines_after(source, anchor.range().end.index, mount),
        ],
        "mounts the token route after the session middleware",
    )


def _after_session_middleware(root: SgNode, app_var: str, language: str = "javascript") -> SgNode | None:
    """The last top-level statement that installs session (or passport) middleware, else the app's creation."""
    candidates = [
        match
        for pattern in AUTH_MIDDLEWARE
        for match in root.find_all(pattern=pattern.replace("$APP", app_var))
    ]
    if not candidates:
        created = find_creation(root, language)
        candidates = [created] if created is not None else []
    if not candidates:
        return None
    last = max(candidates, key=lambda node: node.range().end.index)
    return next((a for a in [last, *last.ancestors()] if a.parent() is not None and a.parent().kind() == "program"), None)


def page_host(context: PlanContext, detection: Detection) -> PageHost:
    tree = context.tree
    server_file: str = detection.details["server_file"]
    folder = folder_of(server_file)
    root = parse(tree.text(server_file), language_of(server_file))
    static_dir = _folder_argument(folder, root.find(pattern="express.static($$$ARGS)"))
    # app.set('views', path.join(__dirname, '../views')): the views need not sit beside the server.
    views = _folder_argument(folder, root.find(pattern="$APP.set('views', $$$ARGS)")) or join(folder, "views")
    if static_dir is None:
        context.builder.manual(
            server_file,
            "No express.static(...) folder was found to serve the Messenger script from; serve public/ with:",
            f"{detection.details['app_var']}.use(express.static(path.join(__dirname, 'public')));",
        )
    return PageHost(
        static_dir=static_dir if static_dir is not None else join(folder, "public"),
        script_src="/intercom-messenger.js",
        # "" is the project root (express.static(__dirname) in a root-level server): still a folder.
        layouts=tuple((find_layouts(tree, static_dir) if static_dir is not None else []) + find_layouts(tree, views)),
        unsupported_layouts=tuple(p for p in tree.glob(".pug", under=views) if "layout" in p),
        csp_nonce=_locals_nonce(tree, folder),
        csp_nonce_help="A middleware that sets res.locals.cspNonce = crypto.randomBytes(16).toString('base64') and puts "
        "`'nonce-${res.locals.cspNonce}'` in helmet's scriptSrc makes one (helmet's README shows it); views print it.",
    )


def _folder_argument(folder: str, call: SgNode | None) -> str | None:
    """The folder a call names relative to the server module: 'public', path.join(__dirname, '../views'),
    or __dirname itself; None when there is no such call or its folder is computed."""
    if call is None:
        return None
    arguments = call.find(kind="arguments")
    strings = [s.text() for s in arguments.find_all(kind="string_fragment")] if arguments is not None else []
    if strings and strings[0] == "views" and call.text().startswith(("app.set", f"{call.text().split('.', 1)[0]}.set")):
        strings = strings[1:]  # the setting's name
    if not strings:
        mentions_dirname = arguments is not None and arguments.find(pattern="__dirname") is not None
        return folder if mentions_dirname else None
    relative = posixpath.normpath(posixpath.join(folder or ".", *strings[-1:]))
    return "" if relative == "." else relative if not relative.startswith("..") else None


def _locals_nonce(tree: ProjectTree, folder: str) -> csp.NonceSource | None:
    """A nonce the app keeps in res.locals, where rendered views see it as a variable (static files cannot)."""
    found = csp.search_code(tree, tree.glob(*JS_SUFFIXES, under=folder), re.compile(r"res\.locals\.(\w*nonce\w*)\s*=(?!=)", re.I))
    if found is None:
        return None
    path, match = found
    name = match.group(1)
    return csp.NonceSource(
        f"res.locals.{name} ({path})",
        ((".ejs", f"<%= {name} %>"), (".hbs", f"{{{{{name}}}}}"), (".handlebars", f"{{{{{name}}}}}")),
    )


def _env_file(tree: ProjectTree, root: str) -> str | None:
    for path in [*tree.glob(*JS_SUFFIXES, *TS_SUFFIXES, under=root), join(root, "package.json")]:
        text = tree.text(path)
        if "dotenv" in text or "--env-file" in text:
            return join(root, ".env")
    return None
