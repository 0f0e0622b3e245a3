"""The Messenger script and its tags: `intercom-messenger.js` rendered from one template for these
options (in modern syntax where the project lints for it: script_syntax.py), written where the page host says, and one `<script>` tag per layout (with the app's CSP
nonce where it makes one; in `<head>` when Turbo, htmx or Livewire swap the body). `--insecure`
writes the seed's unsigned snippet instead."""

from intercom_wizard.edits import append_lines, indent_unit, indentation_at, insert_lines_before
from intercom_wizard.errors import BadInput
from intercom_wizard.integrations.base import PageHost, PlanContext
from intercom_wizard.integrations.frontends import slim
from intercom_wizard.integrations.frontends.html.bundler import bundled_pages, import_specifier
from intercom_wizard.integrations.frontends.html.detect import SCRIPT_NAME
from intercom_wizard.integrations.frontends.html.navigation import Navigation, detect_navigation
from intercom_wizard.integrations.frontends.html.script_syntax import wants_modern_syntax
from intercom_wizard.integrations.frontends.layouts import body_end_offset, head_end_tag
from intercom_wizard.options import ClientAuth, InstallOptions, TokenEncoding
from intercom_wizard.plan import Insertion
from intercom_wizard.templates import render
from intercom_wizard.tree import join

SCRIPT_TEMPLATE = "html/" + SCRIPT_NAME
# The same script in modern syntax (const/let, arrow functions, template literals, optional chaining),
# built from SCRIPT_TEMPLATE by scripts/build-modern-script.
MODERN_SCRIPT_TEMPLATE = "html/intercom-messenger.modern.js"


def script_source(options: InstallOptions, *, token_url: str | None, navigation: Navigation = Navigation(), modern: bool = False) -> str:
    """The plain-JS Messenger script for these options (no token URL: visitors boot anonymously)."""
    api_base = options.region.api_base
    bearer = options.auth is ClientAuth.BEARER
    return render(
        MODERN_SCRIPT_TEMPLATE if modern else SCRIPT_TEMPLATE,
        {"encoding": "base64" if bearer and options.token_storage_encoding is TokenEncoding.BASE64 else "raw"},
        workspace_id=options.workspace_id,
        token_url=f"'{token_url}'" if token_url else "null",
        api_base=f"'{api_base}'" if api_base else "null",
        access_token_key=f"'{options.token_storage_key}'" if bearer else "null",
        access_token_storage=options.token_storage,
        access_token_field=f"'{options.token_storage_field}'" if bearer and options.token_storage_field else "null",
        auth_scheme=options.auth_scheme,
        navigation=navigation.script_value,
        sign_out_routes=navigation.sign_out_routes_value,
    )


def plan(context: PlanContext, host: PageHost, *, token_url: str | None) -> None:
    builder = context.builder
    navigation = detect_navigation(context.tree)
    modern = wants_modern_syntax(context.tree, join(host.static_dir, SCRIPT_NAME))
    builder.create(
        join(host.static_dir, SCRIPT_NAME),
        script_source(context.options, token_url=token_url, navigation=navigation, modern=modern),
        "loads the Messenger and boots it with the signed-in user's JWT (anonymously otherwise)"
        + (" (modern syntax, as this project's linter asks)" if modern else ""),
    )
    tag = f'<script src="{host.script_src}" defer></script>'
    nonces = _nonce_attributes(context, host)
    if navigation.frameworks:
        builder.note(
            f"Pages change without full loads here ({navigation.describe()}): the Messenger script runs once per tab, "
            "boots once per identity and sends one update per visit"
            + (", from <head>." if navigation.in_head else ".")
        )
    script = join(host.static_dir, SCRIPT_NAME)
    bundled = bundled_pages(context.tree)
    for layout in host.layouts:
        if layout in bundled:  # a bundler's template: the build emits only what the entry imports
            _import_from_entry(context, bundled[layout], script, layout)
            continue
        if _is_pug(layout):
            from intercom_wizard.integrations.frontends import pug

            nonce = host.csp_nonce.expression_for(layout) if host.csp_nonce else None
            _insert_pug_tag(context, layout, pug.script_tag(host.script_src, nonce=nonce, attributes=navigation.tag_attributes), navigation)
            continue
        if slim.is_slim(layout):
            if host.csp_nonce is None:  # the app's nonce is known as ERB code only: a Slim layout takes it by hand
                _insert_pug_tag(context, layout, slim.script_tag(host.script_src, attributes=navigation.tag_attributes), navigation)
            else:
                builder.manual(layout, "Add the Messenger script, with the request's CSP nonce, as the last line inside `body`:", tag)
            continue
        placed = tag.replace(" defer>", f"{nonces[layout]}{navigation.tag_attributes} defer>")
        _insert_script_tag(context, layout, placed, host.template_prelude, navigation=navigation)
    for layout in host.unsupported_layouts:
        expression = host.csp_nonce.expression_for(layout) if host.csp_nonce else None
        by_hand = tag.replace(" defer>", f' nonce="{expression}" defer>') if expression else tag
        builder.manual(layout, "Add the Messenger script at the end of the page body:", by_hand)
    if not host.copied_by_build and host.build_script is not None:
        builder.manual(
            host.build_script,
            f"No step of this build copies {host.static_dir or 'the project root'}/ into its output, so the built pages "
            f"would not find {script}. Copy it beside the built pages (the tag loads {host.script_src!r}), e.g.:",
            f"fs.copyFileSync('{script}', 'dist/{host.script_src}');",
        )
    for page, before_tag in host.output_end_pages:
        source = context.tree.read(page)
        placed = tag.replace(" defer>", f"{nonces[page]} defer>")
        builder.insert(page, [append_lines(source, before_tag + placed + "\n")], "adds the Messenger script at the end of the page's output")
    # No layout at all: the planner looks for pages the app returns as strings (it knows the back end).


def plan_insecure(context: PlanContext, host: PageHost) -> None:
    """Only on explicit request: the seed's unsigned snippet, with the user's attributes from the template."""
    api_base = context.options.region.api_base
    settings = [f'api_base: "{api_base}",'] if api_base else []
    if host.user_settings:
        settings += host.user_settings.splitlines()
    else:
        context.builder.note("The pages cannot name the signed-in user here, so every visitor is booted anonymously.")
    block = render(
        "html/intercom-insecure.html",
        workspace_id=context.options.workspace_id,
        settings="\n".join(f"    {line}" for line in settings),
    ).replace("\n\n", "\n")
    context.builder.note(
        "INSECURE installation (--insecure): user attributes are not signed, so anyone can impersonate any user "
        "from the browser console. Use identity verification (the default) for production.",
        "warning",
    )
    nonces = _nonce_attributes(context, host)
    for layout in host.layouts:
        if _is_pug(layout):
            from intercom_wizard.integrations.frontends import pug

            source = context.tree.read(layout)
            pug_block = pug.text_blocks(block, indent_unit(source.text))
            insertion = pug.script_tag_insertion(source, pug_block)
            if insertion is None:
                context.builder.manual(layout, "Add the unsigned Messenger snippet as the last lines inside `body`:", pug_block)
            else:
                context.builder.insert(layout, [insertion], "adds the unsigned Messenger snippet (--insecure)")
            continue
        tagged = block.replace("<script>", f"<script{nonces[layout]}>")
        _insert_script_tag(context, layout, tagged, None, reason="adds the unsigned Messenger snippet (--insecure)")
    # Pages printed without <body> end with the snippet, as they end with the tag (before: left out, "complete").
    for page, before_tag in host.output_end_pages:
        tagged = block.replace("<script>", f"<script{nonces[page]}>")
        source = context.tree.read(page)
        context.builder.insert(page, [append_lines(source, before_tag + tagged.rstrip("\n") + "\n")], "adds the unsigned Messenger snippet (--insecure)")
    for layout in host.unsupported_layouts:
        context.builder.manual(layout, "Add the unsigned Messenger snippet at the end of the page body:", block)
    # No layout at all: the planner looks for pages the app returns as strings (it knows the back end).


def _import_from_entry(context: PlanContext, entry: str, script: str, page: str) -> None:
    """The script as a side-effect import of the bundle's entry, for a page the bundler renders."""
    # The single-page apps' package (core, nx, TypeScript stripping) loads only for a bundled page (issue 14).
    from intercom_wizard.integrations.frontends.spa_common import add_import

    add_import(context, entry, f"import '{import_specifier(entry, script)}';", "loads the Messenger script with the bundle")
    context.builder.note(
        f"{page} is the template webpack's HtmlWebpackPlugin renders, and the build emits only what {entry} imports: "
        f"the Messenger script is imported there instead of being a <script> tag on the page."
    )


def _nonce_attributes(context: PlanContext, host: PageHost) -> dict[str, str]:
    """Each layout's (and each page whose output end takes the tag) ` nonce="..."` attribute: the app's own
    per-request nonce, printed by its template engine.

    Added whenever the app makes a nonce (a nonce-based policy would block the tag without it);
    `--csp-nonce` turns a layout that cannot carry one into an error rather than a blocked Messenger.
    """
    nonce = host.csp_nonce
    attributes = {}
    for layout in (*host.layouts, *(page for page, _ in host.output_end_pages)):
        expression = nonce.expression_for(layout) if nonce else None
        attributes[layout] = f' nonce="{expression}"' if expression else ""
    without = [layout for layout, attribute in attributes.items() if not attribute]
    if context.options.csp_nonce and without:
        if nonce is None:
            problem = "this app makes no per-request Content Security Policy nonce that its pages could print"
        else:
            problem = f"{', '.join(without)} {'is' if len(without) == 1 else 'are'} not rendered per request, so cannot print the nonce of {nonce.provider}"
        raise BadInput(
            f"--csp-nonce: {problem}.",
            hint=(host.csp_nonce_help + " " if host.csp_nonce_help else "")
            + "Or run without --csp-nonce and allow Intercom's hosts in script-src (the next steps list them).",
        )
    if nonce and any(attributes.values()):
        context.builder.note(f"The Messenger's script tag carries the request's CSP nonce, made by {nonce.provider}.")
    return attributes


def _is_pug(layout: str) -> bool:
    """A Pug layout, told by its name here so that pug.py (its patterns and PugSite) loads only for one (start-up time, issue 14)."""
    return layout.endswith(".pug")


def _insert_pug_tag(context: PlanContext, layout: str, tag: str, navigation: Navigation) -> None:
    """A Pug or Slim layout: the tag as the body's (or, where the body is swapped, the head's) last child line."""
    from intercom_wizard.integrations.frontends import pug

    source = context.tree.read(layout)
    insertion = pug.script_tag_insertion(source, tag, in_head=navigation.in_head) if navigation.in_head else None
    insertion = insertion or pug.script_tag_insertion(source, tag)
    if insertion is None:
        context.builder.manual(layout, "Add the Messenger script as the last line inside `body`:", tag)
        return
    context.builder.insert(layout, [insertion], "adds the Messenger script to every page")


def _insert_script_tag(
    context: PlanContext,
    layout: str,
    tag: str,
    prelude: str | None,
    *,
    reason: str = "adds the Messenger script to every page",
    navigation: Navigation = Navigation(),
) -> None:
    source = context.tree.read(layout)
    # Turbo, htmx's boost and Livewire swap the body but keep <head>: a script there runs once per tab.
    head_end = head_end_tag(source.text) if navigation.in_head else None
    offset = head_end.range().start.index if head_end is not None else body_end_offset(source.text)
    if offset is None:
        context.builder.manual(layout, "Add the Messenger script before </body>:", tag)
        return
    at_end = offset == len(source.text)  # a body closed implicitly: the tag is the document's last line
    indent = "" if at_end else indentation_at(source.text, offset) + indent_unit(source.text)
    insertions = [insert_lines_before(source, offset, tag.rstrip("\n") + "\n", indent)]
    if prelude and prelude not in source.text:
        insertions.append(Insertion(0, source.native(prelude + "\n")))
    context.builder.insert(layout, insertions, reason)
