"""Next.js: the Messenger in the App Router's root layout or the Pages Router's `_app`, and the token
endpoint as the app's own route handler (Next.js serves its tokens itself: `SERVES_TOKENS`).

App Router (`app/` or `src/app/`): a `'use client'` component, `components/intercom-messenger.tsx`,
rendered inside `<body>` of the root layout; it starts the Messenger once and calls
`intercomPageChanged()` when `usePathname()` changes. The endpoint is `app/api/intercom-jwt/route.ts`
(from `--endpoint`), dynamic at request time: `export const dynamic = 'force-dynamic'`, or — when
`cacheComponents` is on, where that segment config is an error — `await connection()`.

Pages Router (`pages/` or `src/pages/`): a `useIntercomMessenger()` hook called from `pages/_app`,
listening to `router.events` `routeChangeComplete`; the endpoint is the API route
`pages/api/intercom-jwt.ts`. A project with both `app/` and `pages/` gets the App Router integration
(the root layout wins), and the plan says so.

The JWT is signed with `jose` rather than `jsonwebtoken`: it runs in the Node.js and the Edge runtime
alike (a route or middleware moved to Edge keeps working), ships its own types (no `@types/…` dev
dependency) and has no native or Node-only dependencies.

The endpoint uses the project's own authentication when it recognises it (the user must be a
`{ id, email?, name? }` object):
- Auth.js v5: `auth` exported from `auth.ts|js` (project root or `src/`) → `(await auth())?.user`;
- NextAuth v4: `authOptions` exported from a module → `getServerSession(authOptions)`;
- Clerk (`@clerk/nextjs`) → `currentUser()` (App Router) or `getAuth(req)` (Pages Router);
- the app's own session helper (e.g. iron-session wrapped in a function): an exported
  `getSession()` in `lib/session.*` or `lib/auth.*` (root or `src/`) whose result has `user`
  (App Router).
Anything else gets a clearly named fail-closed adapter, `getSignedInUser()` returning null (the
endpoint answers 401, visitors are booted as leads) and a warning saying where to fill it in.
The secret goes into `.env.local` (which Next.js loads) only when git ignores that file; it is never
a `NEXT_PUBLIC_` variable, so it cannot reach the browser bundle.

`--csp-nonce` writes `proxy.ts` (`middleware.ts` before Next.js 16) beside `app/` or `pages/`: a
Content-Security-Policy with a fresh nonce per request (`'nonce-…' 'strict-dynamic'` in script-src,
Intercom's regional sources merged into the other directives), set on the request, where Next.js
finds the nonce for its own scripts, and on the response. Prerendered HTML carries no nonce, so the
root layout renders every page per request: `export const dynamic = 'force-dynamic'`, or with Cache
Components `await connection()` and `export const instant = false` (Next.js 16.3+). The Pages Router
decides page by page: prerendered pages, and a custom `_document` that does not pass its `nonce` prop
on, become manual steps. An existing proxy or middleware is never edited.
"""

import json
import posixpath
import re
from dataclasses import dataclass

from ast_grep_py import SgNode

from intercom_wizard import csp
from intercom_wizard.edits import (
    indent_unit,
    indentation_at,
    insert_lines_after,
    insert_lines_before,
    line_start,
    parse,
    starts_line,
)
from intercom_wizard.envfile import plan_secret
from intercom_wizard.errors import NothingDetected
from intercom_wizard.integrations import identity
from intercom_wizard.integrations.backends.npm_common import add_dependency
from intercom_wizard.integrations.base import Detection, PlanContext
from intercom_wizard.integrations.frontends.spa import detect_framework
from intercom_wizard.integrations.frontends.spa_common import (
    SpaApp,
    add_import,
    core_module,
    import_path,
    in_file_style,
    spa_app,
    wire_auth_hooks,
)
from intercom_wizard.integrations.package_json import dependencies_of
from intercom_wizard.plan import Insertion
from intercom_wizard.sourcefile import SourceText
from intercom_wizard.support import Supported, SupportTable
from intercom_wizard.templates import render
from intercom_wizard.tree import ProjectTree, join
from intercom_wizard.typescript import strip_types
from intercom_wizard.versions import npm_version

NAME = "nextjs"
# The versions this integration generates code for (docs list the same table).
SUPPORTED: SupportTable = (
    Supported("Next.js", "npm", "next", (12, 0), (17, 0)),
    Supported("TypeScript", "npm", "typescript", (4, 5), optional=True),  # Next.js' own floor
)
SERVES_TOKENS = True
JOSE_SPEC = "^6.1.0"
CONFIG_FILES = ("next.config.ts", "next.config.mjs", "next.config.js", "next.config.cjs", "next.config.mts")
SCRIPT_SUFFIXES = (".tsx", ".jsx", ".ts", ".js")
COMPONENT = "IntercomMessenger"
HOOK = "useIntercomMessenger"


def detect(tree: ProjectTree) -> list[Detection]:
    return detect_framework(tree, NAME)


@dataclass(frozen=True)
class NextApp:
    spa: SpaApp
    base: str  # the folder holding app/ or pages/: the project root or src/
    router: str  # "app" | "pages"
    both: bool  # app/ and pages/ side by side

    @property
    def ts(self) -> bool:
        return self.spa.typescript


def plan(context: PlanContext, detection: Detection) -> None:
    tree, builder, options = context.tree, context.builder, context.options
    app = _next_app(tree, detection)
    if app is None:
        raise NothingDetected(
            f"{join(detection.root, 'package.json')} depends on next, but there is no app/ or pages/ folder (nor src/app, src/pages) with routes.",
            hint="Run the wizard on the Next.js app's own folder, or pass --frontend html to add the plain script to its pages instead.",
        )
    lib = join(app.base, "lib")
    core_path = join(lib, "intercom-messenger" + app.spa.extension)
    core_module(context, app.spa, core_path)
    if app.router == "app":
        _plan_app_router(context, app, core_path)
    else:
        _plan_pages_router(context, app, core_path)
    if options.csp_nonce:
        _plan_csp_nonce(context, app)
    if not context.anonymous_only:  # no sign-in: no token route, nothing to sign
        add_dependency(context, app.spa.root, "jose", JOSE_SPEC, "signs the Intercom identity JWT (Node.js and Edge runtimes)")
        plan_secret(context, join(app.spa.root, ".env.local"))
    auth_file = join(lib, "auth" + app.spa.extension)
    wire_auth_hooks(context, app.spa, core_path, likely_file=auth_file if tree.exists(auth_file) else core_path)
    if app.both:
        builder.note(
            "This project has both app/ and pages/: the Messenger was added to the App Router's root layout, "
            f"which pages under pages/ do not use. To show it there too, call {HOOK}() from pages/_app "
            f"(see {core_path} for the functions to call)."
        )
    if options.auth is not None and options.auth.value == "bearer":
        builder.note(
            f"The token endpoint reads the signed-in user from the request's cookies; with --auth bearer the Messenger sends "
            f"the {options.token_storage_key!r} token as an Authorization header, so make sure your user lookup accepts it."
        )


def _next_app(tree: ProjectTree, detection: Detection) -> NextApp | None:
    root = detection.root
    for base in (root, join(root, "src")):
        has_app = _has_app_router(tree, join(base, "app"))
        has_pages = _has_router_dir(tree, join(base, "pages"))
        if has_app or has_pages:
            source = base[len(root) :].strip("/") if root else base
            spa = spa_app(tree, detection, source_dir=source)
            return NextApp(spa, base, "app" if has_app else "pages", has_app and has_pages)
    return None


def _has_app_router(tree: ProjectTree, folder: str) -> bool:
    """An App Router folder has routes (page/layout/route files); a Pages Router app may keep other
    modules in a folder named app (bulletproof-react's src/app/provider.tsx)."""
    return any(
        posixpath.basename(path).split(".")[0] in ("page", "layout", "route", "default", "not-found")
        for path in tree.glob(*SCRIPT_SUFFIXES, ".mdx", under=folder)
    )


def _has_router_dir(tree: ProjectTree, folder: str) -> bool:
    return bool(tree.glob(*SCRIPT_SUFFIXES, ".mdx", under=folder))


# --- App Router -----------------------------------------------------------------------------------


def _plan_app_router(context: PlanContext, app: NextApp, core_path: str) -> None:
    builder = context.builder
    component_path = join(app.base, "components/intercom-messenger" + (".tsx" if app.ts else ".jsx"))
    source = render("spa/nextjs/intercom-messenger.tsx", core_import=_specifier(context.tree, app, component_path, core_path))
    builder.create(
        component_path,
        source if app.ts else strip_types(source, jsx=True),
        "starts the Messenger in the browser and reports client-side navigation (usePathname)",
    )
    layout = next((p for p in (join(app.base, f"app/layout{s}") for s in SCRIPT_SUFFIXES) if context.tree.exists(p)), None)
    element = f"<{COMPONENT} />"
    statement = f"import {COMPONENT} from '{_specifier(context.tree, app, layout or join(app.base, 'app/layout.tsx'), component_path)}';"
    if layout is None or not _render_in_body(context, layout, element):
        builder.manual(
            layout or join(app.base, "app/layout.tsx"),
            f"Render the Messenger once inside <body> of your root layout, importing it with `{statement}`:",
            element,
        )
    else:
        add_import(context, layout, statement, "imports the Messenger component")
    _app_route(context, app)


def _render_in_body(context: PlanContext, layout: str, element: str) -> bool:
    """Put `element` last inside the root layout's <body> element."""
    source = context.tree.read(layout)
    text = source.text
    body = None
    for node in parse(text, "tsx").find_all(kind="jsx_element"):
        opening = node.field("open_tag")
        name = opening.field("name") if opening is not None else None
        if name is not None and name.text() == "body":
            body = node
            break
    if body is None:
        return False
    closing = body.field("close_tag")
    if closing is None:
        return False
    at = closing.range().start.index
    if starts_line(text, at):
        indent = indentation_at(text, at) + indent_unit(text)
        context.builder.insert(layout, [insert_lines_before(source, at, element, indent=indent)], "renders the Messenger in the root layout")
    else:  # <body>{children}</body> on one line: keep it on one line
        context.builder.insert(layout, [Insertion(at, element)], "renders the Messenger in the root layout")
    return True


def _app_route(context: PlanContext, app: NextApp) -> None:
    if context.anonymous_only:
        return
    endpoint = context.options.endpoint.strip("/")
    path = join(app.base, f"app/{endpoint}/route" + app.spa.extension)
    cache_components = _cache_components(context.tree, app.spa.root)
    imports, lookup = _app_user_lookup(context, app, path)
    if cache_components:
        imports = ["import { connection } from 'next/server';", *imports]
    source = render(
        "spa/nextjs/route.ts",
        imports="\n".join(imports),
        segment_config="" if cache_components else "\n// The token is per user and per request: never prerender or cache this route.\nexport const dynamic = 'force-dynamic';",
        user_lookup=lookup,
        request_time="await connection(); // per user and per request: never prerendered" if cache_components else "",
    )
    content = _language(_response_for_typescript(context.tree, app, source), app)
    context.builder.create(path, content, f"GET {context.options.endpoint}: the signed-in user's Intercom JWT")
    _adapter_step(context, path, content, lookup)


def _adapter_step(context: PlanContext, path: str, content: str, lookup: str) -> None:
    """No recognised auth: getSignedInUser() returns null, and the user fills it in (exact line)."""
    if lookup.startswith(FAIL_CLOSED_MARK):
        identity.adapter_step(
            context.builder,
            path,
            content,
            "getSignedInUser",
            "no Auth.js, NextAuth, Clerk or getSession() in lib/session was found",
            render("spa/nextjs/user-adapter.ts").split("\n", 1)[1].strip(),
        )


def _response_for_typescript(tree: ProjectTree, app: NextApp, source: str) -> str:
    """TypeScript's DOM types declare the static `Response.json()` from 5.2 on; before, `NextResponse.json()`."""
    typescript = npm_version(tree, app.spa.root, "typescript")
    if not app.spa.typescript or typescript is None or typescript.at_least(5, 2):
        return source
    source = source.replace("Response.json(", "NextResponse.json(")
    if "import { connection } from 'next/server';" in source:
        return source.replace("import { connection } from 'next/server';", "import { connection, NextResponse } from 'next/server';", 1)
    return source.replace("import { SignJWT } from 'jose';", "import { SignJWT } from 'jose';\nimport { NextResponse } from 'next/server';", 1)


def _cache_components(tree: ProjectTree, root: str) -> bool:
    """`cacheComponents: true` in next.config: segment config such as `dynamic` is an error there."""
    for name in CONFIG_FILES:
        path = join(root, name)
        if not tree.exists(path):
            continue
        for pair in parse(tree.text(path), "typescript").find_all(kind="pair"):
            key, value = pair.field("key"), pair.field("value")
            if key is not None and key.text().strip("'\"") == "cacheComponents" and value is not None and value.text() == "true":
                return True
    return False


def _app_user_lookup(context: PlanContext, app: NextApp, route: str) -> tuple[list[str], str]:
    tree = context.tree
    authjs = _exporting(tree, [join(app.base, f"auth{s}") for s in (".ts", ".js")] + [join(app.spa.root, f"auth{s}") for s in (".ts", ".js")], "auth")
    if authjs:
        _auth_note(context, f"Auth.js: auth() from {authjs}")
        _require_session_id(context, authjs)
        return [f"import {{ auth }} from '{_specifier(tree, app, route, authjs)}';"], _lookup(
            "const session = await auth();",
            "const user = session?.user;",
            *AUTHJS_USER,
        )
    options_module = _auth_options(tree, app)
    if options_module:
        _auth_note(context, f"NextAuth: getServerSession(authOptions) from {options_module}")
        _require_session_id(context, options_module)
        return [
            "import { getServerSession } from 'next-auth';",
            f"import {{ authOptions }} from '{_specifier(tree, app, route, options_module)}';",
        ], _lookup(
            "const session = await getServerSession(authOptions);",
            "const user = session?.user;",
            *AUTHJS_USER,
        )
    if app.spa.depends_on("@clerk/nextjs"):
        _auth_note(context, "Clerk: currentUser()")
        return ["import { currentUser } from '@clerk/nextjs/server';"], _lookup(
            "const user = await currentUser();",
            "return user ? { id: user.id, email: user.primaryEmailAddress?.emailAddress, name: user.fullName } : null;",
        )
    session_module = _exporting(
        tree, [join(app.base, f"lib/{name}{s}") for name in ("session", "auth") for s in (".ts", ".js")], "getSession"
    )
    if session_module:
        _auth_note(context, f"the app's getSession() from {session_module}")
        return [f"import {{ getSession }} from '{_specifier(tree, app, route, session_module)}';"], _lookup(
            "const session = await getSession();",
            "return session?.user ?? null;",
        )
    return [], _fail_closed(context, route)


# Auth.js / NextAuth: session.user.id only (never the email: it is not the user's id), which the
# config's session callback must set (Auth.js exposes only name, email and image by default).
AUTHJS_USER = (
    "const id = user && 'id' in user && user.id ? String(user.id) : null;",
    "return user && id ? { id, email: user.email, name: user.name } : null;",
)
# `session.user.id = token.sub` / `id: token.sub` / `id: user.id` in the session callback.
_SESSION_ID = re.compile(r"session\.user\.id\s*=(?!=)|\bid\s*:\s*(?:String\()?\s*(?:token\.(?:sub|id)|user\.id)\b")


def _require_session_id(context: PlanContext, config: str) -> None:
    """Auth.js puts the user's id in the session only when the config's session callback does: without
    that evidence every token request answers 401, so the callback is a manual step in that file."""
    if _SESSION_ID.search(context.tree.text(config)):
        return
    context.builder.manual(
        config,
        "Auth.js keeps only the name, email and image in the session by default, and the email is not the user's id: "
        f"the token endpoint answers 401 until the session carries the id. Add these callbacks to the config in {config}:",
        "\n".join(render("spa/nextjs/authjs-session-id.ts").splitlines()[2:-1]),
    )


def _lookup(*lines: str, params: str = "") -> str:
    body = "\n".join(f"  {line}" for line in lines)
    return f"async function getSignedInUser({params}): Promise<IntercomUser | null> {{\n{body}\n}}"


FAIL_CLOSED_MARK = "// Fail-closed adapter:"


def _fail_closed(context: PlanContext, route: str, params: str = "") -> str:
    return (
        f"{FAIL_CLOSED_MARK} no authentication was recognised in this app, so nobody counts as signed in\n"
        "// and this answers 401 for everyone. Return the signed-in user ({ id, email, name }) from your\n"
        "// session here, with the user's primary key as id: never a flag, a literal or a name.\n"
        f"async function getSignedInUser({params}): Promise<IntercomUser | null> {{\n  return null;\n}}"
    )


def _auth_note(context: PlanContext, how: str) -> None:
    context.builder.note(f"The token endpoint identifies the signed-in user with {how}.")


def _exporting(tree: ProjectTree, candidates: list[str], name: str) -> str | None:
    """The first existing module among `candidates` that exports `name`."""
    for path in candidates:
        if tree.exists(path) and _exports(tree.text(path), name):
            return path
    return None


def _exports(text: str, name: str) -> bool:
    for export in parse(text, "typescript").find_all(kind="export_statement"):
        declaration = export.field("declaration")
        if declaration is None:
            clause = export.find(kind="export_clause")
            if clause is not None and any(s.field("name") and s.field("name").text() == name for s in clause.find_all(kind="export_specifier")):  # type: ignore[union-attr]
                return True
            continue
        if declaration.kind() in ("function_declaration", "generator_function_declaration"):
            found = declaration.field("name")
            if found is not None and found.text() == name:
                return True
        for declarator in declaration.find_all(kind="variable_declarator"):
            target = declarator.field("name")
            if target is None:
                continue
            if target.kind() == "identifier" and target.text() == name:
                return True
            if target.kind() == "object_pattern" and any(
                node.text() == name for node in target.find_all(kind="shorthand_property_identifier_pattern")
            ):
                return True
    return False


def _auth_options(tree: ProjectTree, app: NextApp) -> str | None:
    if not app.spa.depends_on("next-auth"):
        return None
    for path in tree.glob(".ts", ".js", under=app.base or app.spa.root):
        if "node_modules/" in path or "/api/" in path and "[...nextauth]" not in path:
            continue
        text = tree.text(path)
        if "authOptions" in text and _exports(text, "authOptions"):
            return path
    return None


# --- Pages Router ---------------------------------------------------------------------------------


def _plan_pages_router(context: PlanContext, app: NextApp, core_path: str) -> None:
    builder, tree = context.builder, context.tree
    hook_path = join(app.base, "lib/use-intercom-messenger" + app.spa.extension)
    source = render("spa/nextjs/use-intercom-messenger.ts", core_import=_specifier(tree, app, hook_path, core_path))
    builder.create(hook_path, _language(source, app), "starts the Messenger in the browser and reports routeChangeComplete")
    app_file = next((p for p in (join(app.base, f"pages/_app{s}") for s in SCRIPT_SUFFIXES) if tree.exists(p)), None)
    call = f"{HOOK}();"
    statement = f"import {{ {HOOK} }} from '{_specifier(tree, app, app_file or join(app.base, 'pages/_app.tsx'), hook_path)}';"
    if app_file is None or not _call_in_app(context, app_file, call):
        builder.manual(
            app_file or join(app.base, "pages/_app.tsx"),
            f"Call the Messenger hook first thing in your custom App component, importing it with `{statement}`:",
            call,
        )
    else:
        add_import(context, app_file, statement, "imports the Messenger hook")
    _pages_route(context, app)


def _call_in_app(context: PlanContext, path: str, call: str) -> bool:
    """Call the hook as the first statement of the default-exported App component."""
    source = context.tree.read(path)
    found = _default_function(parse(source.text, "tsx"))
    body = found[0].field("body") if found is not None else None
    if body is None or body.kind() != "statement_block":
        return False
    context.builder.insert(path, [_first_statement(source, body, call)], "starts the Messenger from the custom App")
    return True


def _first_statement(source: SourceText, body: SgNode, line: str) -> Insertion:
    """Insert `line` as the first statement of a function's block `body`, at its indentation."""
    text = source.text
    statements = [c for c in body.children() if c.kind() not in ("{", "}")]
    if statements:
        first = statements[0].range().start.index
        return Insertion(line_start(text, first), source.native(f"{indentation_at(text, first)}{line}\n"))
    brace = body.range().start.index
    return Insertion(text.find("\n", brace) + 1, source.native(f"{indentation_at(text, brace)}{indent_unit(text)}{line}\n"))


def _pages_route(context: PlanContext, app: NextApp) -> None:
    if context.anonymous_only:
        return
    endpoint = context.options.endpoint.strip("/")
    if not endpoint.startswith("api/"):
        context.builder.note(
            f"API routes of the Pages Router live under /api; {context.options.endpoint} is not one, so the token endpoint "
            "was written as pages/api/intercom-jwt and the Messenger fetches that path only if you pass --endpoint /api/intercom-jwt.",
            "warning",
        )
        endpoint = "api/intercom-jwt"
    path = join(app.base, f"pages/{endpoint}" + app.spa.extension)
    tree = context.tree
    options_module = _auth_options(tree, app)
    params = "req: NextApiRequest, res: NextApiResponse"
    if options_module:
        _auth_note(context, f"NextAuth: getServerSession(req, res, authOptions) from {options_module}")
        imports = ["import { getServerSession } from 'next-auth/next';", f"import {{ authOptions }} from '{_specifier(tree, app, path, options_module)}';"]
        _require_session_id(context, options_module)
        lookup = _lookup(
            "const session = await getServerSession(req, res, authOptions);",
            "const user = session?.user;",
            *AUTHJS_USER,
            params=params,
        )
    elif app.spa.depends_on("@clerk/nextjs"):
        _auth_note(context, "Clerk: getAuth(req)")
        imports = ["import { getAuth } from '@clerk/nextjs/server';"]
        lookup = _lookup("const { userId } = getAuth(req);", "return userId ? { id: userId } : null;", params="req: NextApiRequest")
    else:
        imports, lookup = [], _fail_closed(context, path, params="_req: NextApiRequest, _res: NextApiResponse")
    source = render("spa/nextjs/api-route.ts", imports="\n".join(imports), user_lookup=lookup)
    context.builder.create(path, _language(source, app), f"GET {context.options.endpoint}: the signed-in user's Intercom JWT")
    _adapter_step(context, path, _language(source, app), lookup)


# --- Content Security Policy (--csp-nonce) --------------------------------------------------------

# The policy around Intercom's sources: Next.js's strict CSP example, with script-src made per
# request in the template. Intercom's sources are merged into these directives, after 'self'.
OWN_SOURCES: dict[str, tuple[str, ...]] = {
    "default-src": ("'self'",),
    "style-src": ("'self'",),
    "img-src": ("'self'",),
    "font-src": ("'self'",),
    "connect-src": ("'self'",),
    "frame-src": ("'self'",),
    "media-src": ("'self'",),
    "form-action": ("'self'",),
    "object-src": ("'none'",),
    "base-uri": ("'self'",),
    "frame-ancestors": ("'none'",),
}
PROXY_STEMS = ("proxy", "middleware")  # middleware.* is the name before Next.js 16 (still read by 16)
PROXY_SUFFIXES = (".ts", ".js", ".mjs")
NONCE = re.compile(r"nonce", re.IGNORECASE)
INSTANT_SINCE = (16, 3)  # `export const instant` (allowing a page to block) is stable from 16.3
LINE_WIDTH = 100


def _plan_csp_nonce(context: PlanContext, app: NextApp) -> None:
    """Write the proxy that sends a nonce-based policy, and make pages render per request to carry it.

    An existing proxy (or middleware) is never edited: one that already makes a nonce only needs
    Intercom's sources (the next steps list them); any other gets the code as a manual step.
    """
    tree, builder = context.tree, context.builder
    version = _next_version(tree, app)
    stem = "middleware" if version is not None and version < (16, 0) else "proxy"
    existing = next(
        (path for name in PROXY_STEMS for suffix in PROXY_SUFFIXES if tree.exists(path := join(app.base, name + suffix))), None
    )
    ours = existing is not None and builder.receipt is not None and existing in builder.receipt.created
    path = existing or join(app.base, stem + app.spa.extension)
    proxy_name = posixpath.basename(path)
    source = _proxy_source(context, app, posixpath.splitext(proxy_name)[0])
    if existing is not None and not ours:
        if NONCE.search(tree.text(existing)):
            builder.note(
                f"{existing} already makes a CSP nonce, so the wizard left it alone: add Intercom's sources (in the next "
                "steps) to its policy, keeping 'strict-dynamic' in script-src, which is what lets the Messenger's own "
                "scripts run (the SDK injects them from your bundle, so they need no nonce). Pages must be rendered per "
                "request to carry the nonce."
            )
            return
        builder.manual(
            existing,
            f"{existing} already exists, so the wizard did not write its own. Make it send this nonce-based Content "
            "Security Policy on every page request: generate the nonce, set the policy on the request headers (Next.js "
            "puts the nonce on its scripts from there) and on the response, and keep your own logic and matcher "
            "(it must match pages). The complete proxy the wizard would have written:",
            source,
        )
    else:
        builder.create(path, source, "sends a Content Security Policy with a fresh nonce on every page request")
    if app.router == "app":
        _render_per_request(context, app, proxy_name, version)
    else:
        _pages_per_request(context, app)


def _next_version(tree: ProjectTree, app: NextApp) -> tuple[int, int] | None:
    """(major, minor) of Next.js: the installed one, else the lowest the package.json range allows."""
    installed = join(app.spa.root, "node_modules/next/package.json")
    spec = ""
    if tree.exists(installed):
        try:
            spec = str(json.loads(tree.text(installed)).get("version", ""))
        except ValueError:
            spec = ""
    spec = spec or dependencies_of(app.spa.manifest).get("next", "")
    match = re.search(r"(\d+)(?:\.(\d+))?", spec)
    return (int(match.group(1)), int(match.group(2) or 0)) if match else None


def _proxy_source(context: PlanContext, app: NextApp, function: str) -> str:
    region = context.options.region
    if app.router == "app":
        layout = _root_layout(context.tree, app) or join(app.base, "app/layout.tsx")
        rendering = f"Only pages rendered per request carry a nonce: the root layout ({layout}) makes them so."
    else:
        rendering = "Only pages rendered per request (with getServerSideProps) carry a nonce."
    source = render(
        "spa/nextjs/proxy.ts",
        rendering=rendering,
        region=region.value.upper(),
        help_url=csp.HELP_URL,
        directives=_directives(csp.intercom_sources(region)),
        function=function,
    )
    return _language(source, app)


def _directives(intercom: dict[str, tuple[str, ...]]) -> str:
    """The policy's static directives as the lines of a TypeScript object literal."""
    merged = dict(OWN_SOURCES)
    for directive, sources in intercom.items():
        if directive != "script-src":  # the nonce and 'strict-dynamic' cover the Messenger's scripts
            merged[directive] = tuple(dict.fromkeys(merged.get(directive, ("'self'",)) + sources))
    lines = []
    for directive, sources in merged.items():
        if directive == "style-src" and "'unsafe-inline'" in sources:
            lines.append("  // The Messenger styles itself inline: a nonce here would make browsers ignore 'unsafe-inline'.")
        if directive == "form-action":
            lines.append("  // Checked on the redirects after a form post too: add any sign-in provider a form redirects to.")
        items = [f'"{source}"' if "'" in source else f"'{source}'" for source in sources]
        line = f"  '{directive}': [{', '.join(items)}],"
        if len(line) <= LINE_WIDTH:
            lines.append(line)
        else:
            lines += [f"  '{directive}': [", *(f"    {item}," for item in items), "  ],"]
    return "\n".join(lines)


def _root_layout(tree: ProjectTree, app: NextApp) -> str | None:
    return next((p for p in (join(app.base, f"app/layout{s}") for s in SCRIPT_SUFFIXES) if tree.exists(p)), None)


def _render_per_request(context: PlanContext, app: NextApp, proxy_name: str, version: tuple[int, int] | None) -> None:
    """Render every page per request from the root layout: prerendered HTML carries no nonce, and the
    browser would block Next.js's own scripts on it.

    Without Cache Components that is `export const dynamic = 'force-dynamic'`. With them, where that
    segment config is an error, the layout awaits `connection()` and exports `instant = false`, which
    allows it to block instead of serving a prerendered static shell.
    """
    tree, builder = context.tree, context.builder
    layout = _root_layout(tree, app)
    reason = f"renders every page per request, so that each carries the CSP nonce from {proxy_name}"
    why = f"// {proxy_name} sends a new CSP nonce with each request, and only pages rendered per request carry it"
    if not _cache_components(tree, app.spa.root):
        _force_dynamic(context, layout or join(app.base, "app/layout.tsx"), f"{why}.\nexport const dynamic = 'force-dynamic';\n", reason)
        return
    statement = "import { connection } from 'next/server';"
    block = f"{why}:\n// the layout awaits connection(), and `instant = false` lets every page wait for it.\nexport const instant = false;\n"
    example = block + "\nexport default async function RootLayout({ children }: LayoutProps<'/'>) {\n  await connection();\n  // ...\n}"
    instruction = f"Render every page per request: make the root layout wait for the request (importing `{statement}`):"
    if version is not None and version < INSTANT_SINCE:
        builder.manual(
            layout or join(app.base, "app/layout.tsx"),
            "With Cache Components, pages are served from a prerendered static shell, which carries no nonce. Next.js "
            f"{INSTANT_SINCE[0]}.{INSTANT_SINCE[1]} added `export const instant = false`, which lets pages wait for the "
            f"request instead: upgrade Next.js, then make the root layout wait for the request (importing `{statement}`):",
            example,
        )
        return
    source = tree.read(layout) if layout is not None else None
    root = parse(source.text, "tsx") if source is not None else None
    found = _default_function(root) if root is not None else None
    instant = _exported_const(root, "instant") if root is not None else None
    body = found[0].field("body") if found is not None else None
    # An expression body has no room for the await; a declared return type would need a Promise<...>.
    if (
        layout is None or source is None or root is None or found is None or body is None
        or body.kind() != "statement_block" or found[0].field("return_type") is not None or instant not in (None, "false")
    ):
        builder.manual(layout or join(app.base, "app/layout.tsx"), instruction, example)
        return
    function, statement_node = found
    insertions = []
    if instant is None:
        insertions.append(insert_lines_before(source, _leading_comments_start(statement_node), block + "\n"))
    if body.find(pattern="connection()") is None:
        insertions.append(_first_statement(source, body, "await connection();"))
        if function.children()[0].kind() != "async":
            insertions.append(Insertion(function.range().start.index, "async "))
    if not insertions:
        return
    builder.insert(layout, insertions, reason)
    imported = any("connection" in node.text() for node in root.find_all(kind="import_statement") if "next/server" in node.text())
    if not imported:
        _add_package_import(context, layout, root, statement, "imports connection() for per-request rendering")


def _add_package_import(context: PlanContext, path: str, root: SgNode, statement: str, reason: str) -> None:
    """Place an import of a package with the file's other package imports (before its own modules)."""
    packages = [
        node
        for node in root.children()
        if node.kind() == "import_statement"
        and (source := node.field("source")) is not None
        and not source.text().strip("'\"").startswith((".", "@/", "~/", "#"))
    ]
    if not packages:
        add_import(context, path, statement, reason)
        return
    source = context.tree.read(path)
    line = in_file_style(context.tree, path, statement)
    context.builder.insert(path, [insert_lines_after(source, packages[-1].range().end.index, line)], reason)


def _force_dynamic(context: PlanContext, layout: str, snippet: str, reason: str) -> None:
    """`export const dynamic = 'force-dynamic'` above the root layout component."""
    tree, builder = context.tree, context.builder
    instruction = "Render every page per request: add this route segment config to your root layout:"
    if not tree.exists(layout):
        builder.manual(layout, instruction, snippet)
        return
    source = tree.read(layout)
    root = parse(source.text, "tsx")
    current = _exported_const(root, "dynamic")
    if current is not None and current.strip("'\"") == "force-dynamic":
        return
    found = _default_function(root)
    if current is not None or found is None:
        builder.manual(layout, instruction.replace("add this", "set this"), snippet)
        return
    at = _leading_comments_start(found[1])
    builder.insert(layout, [insert_lines_before(source, at, in_file_style(tree, layout, snippet) + "\n")], reason)


def _default_function(root: SgNode) -> tuple[SgNode, SgNode] | None:
    """The default-exported function (declaration, expression or arrow) and the top-level statement
    that holds it."""
    export = next((node for node in root.children() if node.kind() == "export_statement" and node.text().startswith("export default")), None)
    if export is None:
        return None
    value = export.field("declaration") or export.field("value")
    if value is not None and value.kind() in ("function_declaration", "function_expression", "arrow_function"):
        return value, export
    if value is None or value.kind() != "identifier":
        return None
    for statement in root.children():
        if statement.kind() == "function_declaration" and statement.field("name") and statement.field("name").text() == value.text():  # type: ignore[union-attr]
            return statement, statement
        if statement.kind() in ("lexical_declaration", "variable_declaration"):
            for declarator in statement.find_all(kind="variable_declarator"):
                name, init = declarator.field("name"), declarator.field("value")
                if name is not None and name.text() == value.text() and init is not None and init.kind() in ("arrow_function", "function_expression"):
                    return init, statement
    return None


def _exported_const(root: SgNode, name: str) -> str | None:
    """The value's text of a top-level `export const <name> = ...`, or None."""
    for export in root.children():
        if export.kind() != "export_statement":
            continue
        for declarator in export.find_all(kind="variable_declarator"):
            target, value = declarator.field("name"), declarator.field("value")
            if target is not None and target.text() == name and value is not None:
                return value.text()
    return None


def _leading_comments_start(statement: SgNode) -> int:
    """Where `statement` starts, including the comments directly above it (its doc comment)."""
    start = statement
    previous = start.prev()
    while previous is not None and previous.kind() == "comment" and previous.range().end.line >= start.range().start.line - 1:
        start = previous
        previous = start.prev()
    return start.range().start.index


def _pages_per_request(context: PlanContext, app: NextApp) -> None:
    """Pages Router: only pages rendered per request carry the nonce, and only through a Document that
    passes it on (Next.js's built-in one does; a custom one must hand its `nonce` prop to <Head> and
    <NextScript>).

    Static optimization is decided page by page here, so the wizard does not turn it off app-wide
    (a getInitialProps on App would, and would also run on every client-side navigation): it names
    the pages that are still prerendered, and what makes them render per request.
    """
    tree, builder = context.tree, context.builder
    pages = join(app.base, "pages")
    document = next((p for p in (join(pages, f"_document{s}") for s in SCRIPT_SUFFIXES) if tree.exists(p)), None)
    app_file = next((p for p in (join(pages, f"_app{s}") for s in SCRIPT_SUFFIXES) if tree.exists(p)), None)
    if document is not None and not NONCE.search(tree.text(document)):
        builder.manual(
            document,
            "Next.js gives your custom Document the request's CSP nonce as its `nonce` prop, but only its built-in "
            "Document puts it on the tags: pass it to <Head> and <NextScript>, as in",
            _language(render("spa/nextjs/_document.tsx"), app, jsx=True),
        )
    app_renders_per_request = app_file is not None and "getInitialProps" in tree.text(app_file)
    prerendered = []
    for page in sorted(tree.glob(*SCRIPT_SUFFIXES, ".mdx", under=pages)):
        name = posixpath.splitext(page[len(pages) + 1 :])[0]
        if name.startswith("api/") or posixpath.basename(name).startswith("_") or name in ("404", "500"):
            continue  # API routes; the custom App, Document and Error; error pages, which are always prerendered
        text = tree.text(page)
        per_request = "getServerSideProps" in text or "getInitialProps" in text
        if not per_request and (not app_renders_per_request or "getStaticProps" in text):
            prerendered.append(page)
    if not prerendered:
        return
    listed = ", ".join(prerendered[:8]) + (f" and {len(prerendered) - 8} more" if len(prerendered) > 8 else "")
    if app.ts:
        snippet = (
            "import type { GetServerSideProps } from 'next';\n\n"
            "// Rendered per request, so that Next.js can put the CSP nonce on this page's scripts.\n"
            "export const getServerSideProps: GetServerSideProps = async () => ({ props: {} });"
        )
    else:
        snippet = (
            "// Rendered per request, so that Next.js can put the CSP nonce on this page's scripts.\n"
            "export async function getServerSideProps() {\n  return { props: {} };\n}"
        )
    builder.note(
        "Pages Router: the wizard did not turn static optimization off for the whole app (a getInitialProps on App "
        "would, and would then run on every client-side navigation too); only pages rendered per request carry the "
        "CSP nonce, so the prerendered ones need getServerSideProps (see the manual step)."
    )
    builder.manual(
        pages,
        f"These pages are prerendered at build time, so they carry no nonce and the browser would block Next.js's "
        f"scripts on them under the new policy: {listed}. Render each per request by exporting getServerSideProps "
        "(pages with getStaticProps cannot carry a nonce at all):",
        snippet,
    )


# --- helpers --------------------------------------------------------------------------------------


def _language(source: str, app: NextApp, *, jsx: bool = False) -> str:
    """TypeScript as written, or JavaScript: types stripped and type-only imports dropped."""
    if app.ts:
        return source
    javascript = strip_types(_without_type_specifiers(source, "tsx" if jsx else "typescript"), jsx=jsx)
    for node in sorted(parse(javascript, "javascript").find_all(kind="import_statement"), key=lambda n: -n.range().start.index):
        if node.text().startswith("import type "):
            start, end = node.range().start.index, node.range().end.index
            javascript = javascript[:start] + javascript[end:].removeprefix("\n")
    return javascript


def _without_type_specifiers(source: str, language: str) -> str:
    """`import { a, type B } from 'm'` as `import { a } from 'm'` (strip_types keeps import statements)."""
    for node in sorted(parse(source, language).find_all(kind="import_statement"), key=lambda n: -n.range().start.index):
        start, end = node.range().start.index, node.range().end.index
        statement = re.sub(r"\btype\s+\w+\s*,\s*", "", re.sub(r",\s*type\s+\w+", "", node.text()))
        source = source[:start] + statement + source[end:]
    return source


def _specifier(tree: ProjectTree, app: NextApp, from_file: str, module_file: str) -> str:
    """'@/lib/x' when the project maps `@/*` to its source folder (as create-next-app does), else relative."""
    for config in ("tsconfig.json", "jsconfig.json"):
        path = join(app.spa.root, config)
        if not tree.exists(path):
            continue
        try:
            paths = json.loads(tree.text(path)).get("compilerOptions", {}).get("paths", {})
        except ValueError:
            break
        target = paths.get("@/*")
        if isinstance(target, list) and target:
            mapped = posixpath.normpath(join(app.spa.root, target[0].removeprefix("./").removesuffix("*").rstrip("/") or "."))
            stem = posixpath.splitext(module_file)[0]
            if mapped in (".", "") or stem.startswith(mapped + "/"):
                return "@/" + (stem if mapped in (".", "") else stem[len(mapped) + 1 :])
        break
    return import_path(from_file, module_file)
