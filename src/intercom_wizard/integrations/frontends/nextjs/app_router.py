"""The App Router: a `'use client'` component rendered last inside `<body>` of the root layout, and
the token endpoint as the route handler `app/<endpoint>/route.ts`, dynamic at request time
(`export const dynamic = 'force-dynamic'`, or `await connection()` with Cache Components)."""

from intercom_wizard.astgrep import field_text
from intercom_wizard.edits import indent_unit, indentation_at, insert_lines_before, parse, starts_line
from intercom_wizard.file_names import conventional_path
from intercom_wizard.integrations.base import PlanContext
from intercom_wizard.integrations.frontends.nextjs.auth import adapter_step, app_user_lookup
from intercom_wizard.integrations.frontends.nextjs.detect import NextApp, cache_components
from intercom_wizard.integrations.frontends.nextjs.source import language, root_layout, specifier
from intercom_wizard.integrations.frontends.spa_common import add_import
from intercom_wizard.plan import Insertion
from intercom_wizard.templates import render
from intercom_wizard.tree import ProjectTree, join
from intercom_wizard.versions import npm_version

COMPONENT = "IntercomMessenger"


def plan_app_router(context: PlanContext, app: NextApp, core_path: str, *, token_route: bool = True) -> None:
    builder = context.builder
    component_path = conventional_path(context.tree, join(app.base, "components/intercom-messenger" + (".tsx" if app.ts else ".jsx")))
    source = render("nextjs/intercom-messenger.tsx", core_import=specifier(context.tree, app, component_path, core_path))
    builder.create(
        component_path,
        language(source, app, jsx=True),
        "starts the Messenger in the browser and reports client-side navigation (usePathname)",
    )
    layout = root_layout(context.tree, app)
    element = f"<{COMPONENT} />"
    statement = f"import {COMPONENT} from '{specifier(context.tree, app, layout or join(app.base, 'app/layout.tsx'), component_path)}';"
    if layout is None or not _render_in_body(context, layout, element):
        builder.manual(
            layout or join(app.base, "app/layout.tsx"),
            f"Render the Messenger once inside <body> of your root layout, importing it with `{statement}`:",
            element,
        )
    else:
        add_import(context, layout, statement, "imports the Messenger component")
    if token_route:
        _app_route(context, app)


def _render_in_body(context: PlanContext, layout: str, element: str, reason: str = "renders the Messenger in the root layout") -> bool:
    """Put `element` last inside the root layout's <body> element."""
    source = context.tree.read(layout)
    text = source.text
    body = None
    for node in parse(text, "tsx").find_all(kind="jsx_element"):
        opening = node.field("open_tag")
        if opening is not None and field_text(opening, "name") == "body":
            body = node
            break
    closing = body.field("close_tag") if body is not None else None
    if closing is None:
        return False
    at = closing.range().start.index
    if starts_line(text, at):
        indent = indentation_at(text, at) + indent_unit(text)
        context.builder.insert(layout, [insert_lines_before(source, at, element, indent=indent)], reason)
    else:  # <body>{children}</body> on one line: keep it on one line
        context.builder.insert(layout, [Insertion(at, element)], reason)
    return True


def _app_route(context: PlanContext, app: NextApp) -> None:
    if context.anonymous_only:
        return
    endpoint = context.options.endpoint
    path = join(app.base, f"app/{endpoint.relative}/route" + app.spa.extension)
    per_request = "connection" if cache_components(context.tree, app.spa.root) else "segment"
    lookup = app_user_lookup(context, app, path)
    response = _response_class(context.tree, app)
    source = render(
        "nextjs/route.ts",
        {**lookup.choices, "request": per_request},
        next_server_import=_next_server_import(connection=per_request == "connection", next_response=response == "NextResponse"),
        auth_module=lookup.module,
        nextauth_secret=lookup.secret,
        response=response,
    )
    content = language(source, app)
    context.builder.create(path, content, f"GET {endpoint}: the signed-in user's Intercom JWT")
    adapter_step(context, app, path, content, lookup, "app")


def _response_class(tree: ProjectTree, app: NextApp) -> str:
    """TypeScript's DOM types declare the static `Response.json()` from 5.2 on; before, `NextResponse.json()`."""
    typescript = npm_version(tree, app.spa.root, "typescript")
    if not app.spa.typescript or typescript is None or typescript.at_least(5, 2):
        return "Response"
    return "NextResponse"


def _next_server_import(*, connection: bool, next_response: bool) -> str:
    """The route's import from 'next/server', if it needs one ('' drops the line)."""
    names = [name for name, needed in (("connection", connection), ("NextResponse", next_response)) if needed]
    return f"import {{ {', '.join(names)} }} from 'next/server';" if names else ""
