"""`--csp-nonce` on Next.js: the proxy (middleware before Next.js 16) that sends a nonce-based
Content Security Policy, and the per-request rendering the nonce needs (prerendered HTML has none).

An existing proxy or middleware is never edited. The App Router's root layout renders every page per
request; the Pages Router decides page by page, so prerendered pages and a custom `_document` that
does not pass its `nonce` on become manual steps.
"""

import posixpath
import re

from intercom_wizard import csp
from intercom_wizard.edits import insert_lines_before, parse
from intercom_wizard.integrations.base import PlanContext
from intercom_wizard.integrations.frontends.nextjs.detect import SCRIPT_SUFFIXES, NextApp, cache_components, next_version
from intercom_wizard.integrations.frontends.nextjs.source import (
    add_package_import,
    default_function,
    existing,
    exported_const,
    first_statement,
    language,
    leading_comments_start,
    root_layout,
)
from intercom_wizard.integrations.frontends.spa_common import in_file_style
from intercom_wizard.plan import Insertion
from intercom_wizard.templates import render
from intercom_wizard.tree import join

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
LINE_WIDTH = 80  # prettier's default print width: a directive past it is one source per line


def plan_csp_nonce(context: PlanContext, app: NextApp) -> None:
    """Write the proxy that sends a nonce-based policy, and make pages render per request to carry it.

    An existing proxy (or middleware) is never edited: one that already makes a nonce only needs
    Intercom's sources (the next steps list them); any other gets the code as a manual step.
    """
    tree, builder = context.tree, context.builder
    version = next_version(tree, app)
    stem = "middleware" if version is not None and version < (16, 0) else "proxy"
    found = next((path for name in PROXY_STEMS for suffix in PROXY_SUFFIXES if tree.exists(path := join(app.base, name + suffix))), None)
    ours = found is not None and builder.receipt is not None and found in builder.receipt.created
    path = found or join(app.base, stem + app.spa.extension)
    proxy_name = posixpath.basename(path)
    source = _proxy_source(context, app, posixpath.splitext(proxy_name)[0])
    if found is not None and not ours:
        if NONCE.search(tree.text(found)):
            builder.note(
                f"{found} already makes a CSP nonce, so the wizard left it alone: add Intercom's sources (in the next "
                "steps) to its policy, keeping 'strict-dynamic' in script-src, which is what lets the Messenger's own "
                "scripts run (the SDK injects them from your bundle, so they need no nonce). Pages must be rendered per "
                "request to carry the nonce."
            )
            return
        builder.manual(
            found,
            f"{found} already exists, so the wizard did not write its own. Make it send this nonce-based Content "
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


def _proxy_source(context: PlanContext, app: NextApp, function: str) -> str:
    region = context.options.region
    if app.router == "app":
        layout = root_layout(context.tree, app) or join(app.base, "app/layout.tsx")
        rendering = f"Only pages rendered per request carry a nonce: the root layout ({layout}) makes them so."
    else:
        rendering = "Only pages rendered per request (with getServerSideProps) carry a nonce."
    source = render(
        "nextjs/proxy.ts",
        rendering=rendering,
        region=region.value.upper(),
        help_url=csp.HELP_URL,
        directives=_directives(csp.intercom_sources(region)),
        function=function,
    )
    return language(source, app)


def _directives(intercom: dict[str, tuple[str, ...]]) -> str:
    """The policy's static directives as the lines of a TypeScript object literal (data, one line each)."""
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


def _render_per_request(context: PlanContext, app: NextApp, proxy_name: str, version: tuple[int, int] | None) -> None:
    """Render every page per request from the root layout: prerendered HTML carries no nonce, and the
    browser would block Next.js's own scripts on it.

    Without Cache Components that is `export const dynamic = 'force-dynamic'`. With them, where that
    segment config is an error, the layout awaits `connection()` and exports `instant = false`, which
    allows it to block instead of serving a prerendered static shell.
    """
    tree, builder = context.tree, context.builder
    layout = root_layout(tree, app)
    reason = f"renders every page per request, so that each carries the CSP nonce from {proxy_name}"
    why = f"// {proxy_name} sends a new CSP nonce with each request, and only pages rendered per request carry it"
    if not cache_components(tree, app.spa.root):
        _force_dynamic(context, layout or join(app.base, "app/layout.tsx"), f"{why}.\nexport const dynamic = 'force-dynamic';\n", reason)
        return
    statement = "import { connection } from 'next/server';"
    # The whole layout as an example; its first three lines (the comment and `instant`) are what is inserted.
    example = render("nextjs/per-request-layout.tsx", proxy_name=proxy_name).removesuffix("\n")
    block = "".join(example.splitlines(keepends=True)[:3])
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
    found = default_function(root) if root is not None else None
    instant = exported_const(root, "instant") if root is not None else None
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
        insertions.append(insert_lines_before(source, leading_comments_start(statement_node), block + "\n"))
    if body.find(pattern="connection()") is None:
        insertions.append(first_statement(source, body, "await connection();"))
        if function.children()[0].kind() != "async":
            insertions.append(Insertion(function.range().start.index, "async "))
    if not insertions:
        return
    builder.insert(layout, insertions, reason)
    imported = any("connection" in node.text() for node in root.find_all(kind="import_statement") if "next/server" in node.text())
    if not imported:
        add_package_import(context, layout, root, statement, "imports connection() for per-request rendering")


def _force_dynamic(context: PlanContext, layout: str, snippet: str, reason: str) -> None:
    """`export const dynamic = 'force-dynamic'` above the root layout component."""
    tree, builder = context.tree, context.builder
    instruction = "Render every page per request: add this route segment config to your root layout:"
    if not tree.exists(layout):
        builder.manual(layout, instruction, snippet)
        return
    source = tree.read(layout)
    root = parse(source.text, "tsx")
    current = exported_const(root, "dynamic")
    if current is not None and current.strip("'\"") == "force-dynamic":
        return
    found = default_function(root)
    if current is not None or found is None:
        builder.manual(layout, instruction.replace("add this", "set this"), snippet)
        return
    at = leading_comments_start(found[1])
    builder.insert(layout, [insert_lines_before(source, at, in_file_style(tree, layout, snippet) + "\n")], reason)


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
    document = existing(tree, join(pages, "_document"))
    app_file = existing(tree, join(pages, "_app"))
    if document is not None and not NONCE.search(tree.text(document)):
        builder.manual(
            document,
            "Next.js gives your custom Document the request's CSP nonce as its `nonce` prop, but only its built-in "
            "Document puts it on the tags: pass it to <Head> and <NextScript>, as in",
            language(render("nextjs/_document.tsx"), app, jsx=True),
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
    snippet = render("nextjs/get-server-side-props.ts", {"language": "ts" if app.ts else "js"}).removesuffix("\n")
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
