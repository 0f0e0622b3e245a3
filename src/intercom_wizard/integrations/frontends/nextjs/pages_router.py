"""The Pages Router: a `useIntercomMessenger()` hook called first in the custom App (`pages/_app`),
listening to `router.events`, and the token endpoint as the API route `pages/api/<endpoint>`."""

from intercom_wizard.edits import parse
from intercom_wizard.integrations.base import PlanContext
from intercom_wizard.integrations.frontends.nextjs.auth import adapter_step, pages_user_lookup
from intercom_wizard.integrations.frontends.nextjs.detect import NextApp
from intercom_wizard.integrations.frontends.nextjs.source import default_function, existing, first_statement, language, specifier
from intercom_wizard.integrations.frontends.spa_common import add_import
from intercom_wizard.templates import render
from intercom_wizard.tree import join

HOOK = "useIntercomMessenger"


def plan_pages_router(context: PlanContext, app: NextApp, core_path: str) -> None:
    builder, tree = context.builder, context.tree
    hook_path = join(app.base, "lib/use-intercom-messenger" + app.spa.extension)
    source = render("nextjs/use-intercom-messenger.ts", core_import=specifier(tree, app, hook_path, core_path))
    builder.create(hook_path, language(source, app), "starts the Messenger in the browser and reports routeChangeComplete")
    app_file = existing(tree, join(app.base, "pages/_app"))
    if app_file is None:
        _create_app(context, app, hook_path)
        _pages_route(context, app)
        return
    call = f"{HOOK}();"
    statement = f"import {{ {HOOK} }} from '{specifier(tree, app, app_file, hook_path)}';"
    if not _call_in_app(context, app_file, call):
        builder.manual(app_file, f"Call the Messenger hook first thing in your custom App component, importing it with `{statement}`:", call)
    else:
        add_import(context, app_file, statement, "imports the Messenger hook")
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
    content = language(render("nextjs/api-route.ts", lookup.choices, auth_module=lookup.module), app)
    context.builder.create(path, content, f"GET {endpoint}: the signed-in user's Intercom JWT")
    adapter_step(context, path, content, lookup)
