"""The Pages Router: a `useIntercomMessenger()` hook called first in the custom App (`pages/_app`),
listening to `router.events`, and the token endpoint as the API route `pages/api/<endpoint>`.

Next.js 11 (React 17, webpack 5, Node.js 12.22 and newer): the same hook and route, but the route
signs with jose 4 (CommonJS and ESM, Node.js 12.20+) from the secret's bytes, since that Node has no
global Web Crypto and jose 6 is ESM-only for Node.js 20.19+; newer Next.js gets jose 6 and a Web
Crypto key (which also runs on the Edge runtime).
"""

from intercom_wizard.edits import parse
from intercom_wizard.file_names import conventional_path
from intercom_wizard.integrations.base import PlanContext
from intercom_wizard.integrations.frontends.nextjs.auth import adapter_step, pages_user_lookup
from intercom_wizard.integrations.frontends.nextjs.detect import NextApp
from intercom_wizard.integrations.frontends.nextjs.source import default_function, existing, first_statement, language, specifier
from intercom_wizard.integrations.frontends.spa_common import add_import
from intercom_wizard.templates import render
from intercom_wizard.tree import ProjectTree, join
from intercom_wizard.versions import npm_version

HOOK = "useIntercomMessenger"
FIRST_WITH_JOSE_6 = (12, 0)  # Next.js 11 may run on Node.js 12.22: no global Web Crypto, no require(esm)
JOSE_SPEC = "^6.1.0"
NEXT_11_JOSE_SPEC = "^4.15.9"  # the last jose that runs on Node.js 12 (CommonJS and ESM builds)


def before_next_12(tree: ProjectTree, app: NextApp) -> bool:
    """Next.js 11: its API routes may run on Node.js 12.22, which jose 6 and Web Crypto need newer."""
    next_version = npm_version(tree, app.spa.root, "next")
    return next_version is not None and not next_version.at_least(*FIRST_WITH_JOSE_6)


def jose_spec(tree: ProjectTree, app: NextApp) -> str:
    return NEXT_11_JOSE_SPEC if before_next_12(tree, app) else JOSE_SPEC


def has_pages(tree: ProjectTree, app: NextApp) -> bool:
    """pages/ renders pages of its own (not only API routes, `_app`, `_document`, `_error`)."""
    pages = join(app.base, "pages")
    for path in tree.glob(".tsx", ".ts", ".jsx", ".js", ".mdx", under=pages):
        inside = path[len(pages) :].lstrip("/")
        if not inside.startswith("api/") and inside.split(".")[0] not in ("_app", "_document", "_error"):
            return True
    return False


def plan_pages_router(context: PlanContext, app: NextApp, core_path: str, *, token_route: bool = True) -> None:
    builder, tree = context.builder, context.tree
    hook_path = conventional_path(tree, join(app.base, "lib/use-intercom-messenger" + app.spa.extension), component=False)
    source = render("nextjs/use-intercom-messenger.ts", core_import=specifier(tree, app, hook_path, core_path))
    builder.create(hook_path, language(source, app), "starts the Messenger in the browser and reports routeChangeComplete")
    app_file = existing(tree, join(app.base, "pages/_app"))
    if app_file is None:
        _create_app(context, app, hook_path)
        if token_route:
            _pages_route(context, app)
        return
    call = f"{HOOK}();"
    statement = f"import {{ {HOOK} }} from '{specifier(tree, app, app_file, hook_path)}';"
    if not _call_in_app(context, app_file, call):
        builder.manual(app_file, f"Call the Messenger hook first thing in your custom App component, importing it with `{statement}`:", call)
    else:
        add_import(context, app_file, statement, "imports the Messenger hook")
    if token_route:
        _pages_route(context, app)


def _create_app(context: PlanContext, app: NextApp, hook_path: str) -> None:
    """No custom App: write the standard one (the page rendered with its props) that calls the hook, in the
    pages' own language and extension (.tsx; .jsx when the pages use it, else .js)."""
    pages = join(app.base, "pages")
    jsx_pages = bool(context.tree.glob(".jsx", under=pages))
    path = join(pages, "_app" + (".tsx" if app.ts else ".jsx" if jsx_pages else ".js"))
    source = render("nextjs/_app.tsx", hook_import=specifier(context.tree, app, path, hook_path))
    context.builder.create(path, language(source, app, jsx=True), "the custom App: renders each page and starts the Messenger (the app had none)")


def _call_in_app(context: PlanContext, path: str, call: str) -> bool:
    """Call the hook as the first statement of the default-exported App component."""
    source = context.tree.read(path)
    found = default_function(parse(source.text, "tsx"))
    body = found[0].field("body") if found is not None else None
    if body is None or body.kind() != "statement_block":
        return False
    context.builder.insert(path, [first_statement(source, body, call)], "starts the Messenger from the custom App")
    return True


def _pages_route(context: PlanContext, app: NextApp) -> None:
    if context.anonymous_only:
        return
    endpoint = context.options.endpoint
    below_api = endpoint.below("/api")
    if below_api is None:
        context.builder.note(
            f"API routes of the Pages Router live under /api; {endpoint} is not one, so the token endpoint "
            "was written as pages/api/intercom-jwt and the Messenger fetches that path only if you pass --endpoint /api/intercom-jwt.",
            "warning",
        )
        below_api = "intercom-jwt"
    path = join(app.base, f"pages/api/{below_api}" + app.spa.extension)
    lookup = pages_user_lookup(context, app, path)
    key = "bytes" if before_next_12(context.tree, app) else "webcrypto"
    signing_key = "key" if key == "bytes" else "await key"  # a Uint8Array, or the Web Crypto key's promise
    content = language(render("nextjs/api-route.ts", lookup.choices | {"key": key}, auth_module=lookup.module, nextauth_secret=lookup.secret, signing_key=signing_key), app)
    context.builder.create(path, content, f"GET {endpoint}: the signed-in user's Intercom JWT")
    adapter_step(context, app, path, content, lookup, "pages")
