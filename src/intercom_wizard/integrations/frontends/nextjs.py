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
"""

import json
import posixpath
from dataclasses import dataclass

from intercom_wizard.edits import (
    indent_unit,
    indentation_at,
    insert_lines_before,
    line_start,
    parse,
    starts_line,
)
from intercom_wizard.envfile import plan_secret
from intercom_wizard.errors import NothingDetected
from intercom_wizard.integrations.backends.npm_common import add_dependency
from intercom_wizard.integrations.base import Detection, PlanContext
from intercom_wizard.integrations.frontends.spa import detect_framework
from intercom_wizard.integrations.frontends.spa_common import (
    SpaApp,
    add_import,
    core_module,
    import_path,
    spa_app,
    wire_auth_hooks,
)
from intercom_wizard.plan import Insertion
from intercom_wizard.templates import render
from intercom_wizard.tree import ProjectTree, join
from intercom_wizard.typescript import strip_types

NAME = "nextjs"
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
    add_dependency(context, app.spa.root, "jose", JOSE_SPEC, "signs the Intercom identity JWT (Node.js and Edge runtimes)")
    plan_secret(context, join(app.spa.root, ".env.local"))
    wire_auth_hooks(context, app.spa, core_path, likely_file=join(lib, "auth" + app.spa.extension))
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
        has_app = _has_router_dir(tree, join(base, "app"))
        has_pages = _has_router_dir(tree, join(base, "pages"))
        if has_app or has_pages:
            source = base[len(root) :].strip("/") if root else base
            spa = spa_app(tree, detection, source_dir=source)
            return NextApp(spa, base, "app" if has_app else "pages", has_app and has_pages)
    return None


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
    context.builder.create(path, _language(source, app), f"GET {context.options.endpoint}: the signed-in user's Intercom JWT")


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
        return [f"import {{ auth }} from '{_specifier(tree, app, route, authjs)}';"], _lookup(
            "const session = await auth();",
            "const user = session?.user;",
            "const id = user?.id ?? user?.email;",
            "return user && id ? { id, email: user.email, name: user.name } : null;",
        )
    options_module = _auth_options(tree, app)
    if options_module:
        _auth_note(context, f"NextAuth: getServerSession(authOptions) from {options_module}")
        return [
            "import { getServerSession } from 'next-auth';",
            f"import {{ authOptions }} from '{_specifier(tree, app, route, options_module)}';",
        ], _lookup(
            "const session = await getServerSession(authOptions);",
            "const user = session?.user;",
            "const id = user && 'id' in user && user.id ? String(user.id) : user?.email;",
            "return user && id ? { id, email: user.email, name: user.name } : null;",
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


def _lookup(*lines: str, params: str = "") -> str:
    body = "\n".join(f"  {line}" for line in lines)
    return f"async function getSignedInUser({params}): Promise<IntercomUser | null> {{\n{body}\n}}"


def _fail_closed(context: PlanContext, route: str, params: str = "") -> str:
    context.builder.note(
        f"No authentication the wizard recognises was found (Auth.js, NextAuth, Clerk, or a getSession() in lib/session). "
        f"{route} therefore answers 401 for everyone and the Messenger boots visitors as leads: fill in getSignedInUser() "
        "there with your app's session lookup, returning { id, email, name } for the signed-in user.",
        "warning",
    )
    return (
        "// Fail-closed adapter: no authentication was recognised in this app, so nobody counts as signed in.\n"
        "// Return the signed-in user ({ id, email, name }) from your session here.\n"
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
    text = source.text
    root = parse(text, "tsx")
    function = None
    for export in root.find_all(kind="export_statement"):
        if not export.text().startswith("export default"):
            continue
        declaration = export.field("declaration") or next((c for c in export.children() if c.kind() == "function_expression"), None)
        if declaration is not None and declaration.kind() in ("function_declaration", "function_expression"):
            function = declaration
        elif declaration is None:
            identifier = next((c for c in export.children() if c.kind() == "identifier"), None)
            if identifier is not None:
                function = next(
                    (f for f in root.find_all(kind="function_declaration") if f.field("name") and f.field("name").text() == identifier.text()),  # type: ignore[union-attr]
                    None,
                )
        break
    body = function.field("body") if function is not None else None
    if body is None:
        return False
    statements = [c for c in body.children() if c.kind() not in ("{", "}")]
    if statements:
        first = statements[0].range().start.index
        insertion = Insertion(line_start(text, first), source.native(f"{indentation_at(text, first)}{call}\n"))
    else:
        brace = body.range().start.index
        insertion = Insertion(text.find("\n", brace) + 1, source.native(f"{indentation_at(text, brace)}{indent_unit(text)}{call}\n"))
    context.builder.insert(path, [insertion], "starts the Messenger from the custom App")
    return True


def _pages_route(context: PlanContext, app: NextApp) -> None:
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
        lookup = _lookup(
            "const session = await getServerSession(req, res, authOptions);",
            "const user = session?.user;",
            "const id = user && 'id' in user && user.id ? String(user.id) : user?.email;",
            "return user && id ? { id, email: user.email, name: user.name } : null;",
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


# --- helpers --------------------------------------------------------------------------------------


def _language(source: str, app: NextApp) -> str:
    """TypeScript as written, or JavaScript: types stripped and type-only imports dropped."""
    if app.ts:
        return source
    javascript = strip_types(source)
    for node in sorted(parse(javascript, "javascript").find_all(kind="import_statement"), key=lambda n: -n.range().start.index):
        if node.text().startswith("import type "):
            start, end = node.range().start.index, node.range().end.index
            javascript = javascript[:start] + javascript[end:].removeprefix("\n")
    return javascript


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
