"""The pages part of the plan: where server-rendered or static pages take the Messenger script (the back
end's layouts, a static site, the pages an app returns as strings, a static folder to serve it from), and
the manual step when the Messenger would send cookies to an API that reads an Authorization header.

Kept apart from planner.py, which decides (options, client auth, which integrations plan); these
functions carry out the pages branch of that decision and name the existing file a manual step points to.
"""

from intercom_wizard.errors import NothingDetected
from intercom_wizard.integrations import BACKENDS
from intercom_wizard.integrations.base import HAND_WRITTEN_JWT, BackendDetails, Detection, PageHost, PlanContext
from intercom_wizard.integrations.frontends import html
from intercom_wizard.options import AuthMode, ClientAuth
from intercom_wizard.project import Project
from intercom_wizard.signin import find_sign_in
from intercom_wizard.tree import folder_of, join


def check_cookie_auth(context: PlanContext, project: Project, backend: Detection[BackendDetails] | None) -> None:
    """The Messenger would send cookies to an API that reads an Authorization header: no user would
    ever be recognised, so the install is incomplete until the front end sends the app's token."""
    options = context.options
    if options.auth is not ClientAuth.COOKIE or context.anonymous_only:
        return
    token_auth = backend.details.token_auth if backend is not None else None
    if backend is not None and token_auth is not None:
        kind = token_auth.kind
        where = _entry_file(project, backend)
        context.builder.manual(
            where,
            f"The API authenticates with an Authorization header ({kind}), but the Messenger was set to send cookies "
            + ("(the front end keeps the app's token in no localStorage/sessionStorage key the Messenger can read)"
               if kind == HAND_WRITTEN_JWT else "(--auth cookie)")
            + ", so the token endpoint would answer 401 for everyone. Install again with the app's token:",
            "intercom-wizard uninstall && intercom-wizard install --auth bearer --token-storage-key <the localStorage key of the app's access token>",
        )
        return
    if backend is None:
        from intercom_wizard.integrations.frontends.client_auth import find_token_storage  # only here (start-up time, issue 14)

        storage = find_token_storage(project.tree)
        if storage:
            context.builder.manual(
                storage[0].file,
                f"This code sends an Authorization header built from localStorage {storage[0].key!r}, but the Messenger "
                "sends cookies: an API that reads that header answers 401 for everyone. Install again with:",
                f"intercom-wizard uninstall && intercom-wizard install --auth bearer --token-storage-key {storage[0].key}"
                + (f" --auth-scheme {storage[0].scheme}" if storage[0].scheme != "Bearer" else ""),
            )


def page_host(context: PlanContext, project: Project, backend: Detection[BackendDetails] | None) -> PageHost | None:
    """Where server-rendered or static pages take the Messenger script: the back end's layouts, or a static site's pages."""
    if backend is not None:
        return BACKENDS[backend.name].page_host(context, backend)  # type: ignore[no-any-return]
    return html.static_site_host(project.tree)


def plan_pages(context: PlanContext, project: Project, backend: Detection[BackendDetails] | None, host: PageHost | None) -> None:
    """Server-rendered or static pages: the Messenger script in the layouts the back end serves."""
    builder, options = context.builder, context.options
    secure = options.mode is AuthMode.SECURE
    module = BACKENDS[backend.name] if backend is not None else None
    if host is not None and secure:
        check_cookie_auth(context, project, backend)
    if module is not None and secure and not context.anonymous_only:
        module.plan(context, backend)
    if module is None and secure and not context.anonymous_only:
        builder.note(
            "This site has no back end the wizard recognises, so visitors are booted anonymously (as leads). "
            "Identity verification needs a server that signs a JWT for the signed-in user: add one, then run "
            "the wizard against it. (`--insecure` would pass user attributes unsigned; it is not applied.)",
            "warning",
        )
        evidence = find_sign_in(project.tree, None, project.receipt)
        if evidence:  # its users sign in somewhere this project does not contain: identity is not proven
            builder.manual(
                evidence[0].file,
                f"This page signs users in ({evidence[0].file}:{evidence[0].line}: {evidence[0].what}), but no back end that could sign "
                "their Intercom tokens is in this project, so signed-in users are booted as leads. Run the wizard on "
                "the folder that holds the server's code and these pages instead:",
                "intercom-wizard uninstall . && intercom-wizard install <the folder with the server's code>",
            )
    if host is None and backend is not None and _returns_pages(project, backend.root):
        # No templates, but the app returns pages as strings: the script is served from its static folder.
        static = backend.details.static
        if static is not None:
            host = PageHost(static_dir=static.dir, script_src=f"{static.path.rstrip('/')}/{html.SCRIPT_NAME}", layouts=())
        else:
            app_folder = folder_of(_entry_file_of(backend) or join(backend.root, "app"))
            host = PageHost(static_dir=join(app_folder, "static"), script_src="/static/" + html.SCRIPT_NAME, layouts=())
            _serve_static_folder(context, backend)
    if host is not None and secure:
        identified = backend is not None and not context.anonymous_only
        html.plan(context, host, token_url=options.endpoint.url if identified else None)
    elif host is not None:
        html.plan_insecure(context, host)
    if host is not None and not host.layouts and not host.unsupported_layouts and not host.output_end_pages:
        _place_in_response_pages(context, project, backend, host)
    elif host is None and module is None:
        raise NothingDetected(
            f"No page was found in {project.tree.root} to carry the Messenger script: no back end the wizard "
            "recognises and no HTML page with a </body> tag.",
            hint=f"Point the wizard at your app's folder, or pass --backend ({', '.join(BACKENDS)}).",
        )
    elif host is None and backend is not None:
        builder.note(
            f"The {backend.name} app renders no HTML pages of its own, so only the token endpoint was added: the "
            "single-page front end that calls this API boots the Messenger with it."
        )


def _returns_pages(project: Project, root: str) -> bool:
    """Whether the app returns pages as strings; the scanner loads only when no layout carries the script (issue 14)."""
    from intercom_wizard.integrations.frontends.response_pages import find_response_pages

    return bool(find_response_pages(project.tree, root))


def _place_in_response_pages(context: PlanContext, project: Project, backend: Detection[BackendDetails] | None, host: PageHost) -> None:
    """No layout was found: put the tag into the pages the app returns as strings, or say exactly where it goes."""
    from intercom_wizard.integrations.frontends import response_pages

    builder = context.builder
    pages = response_pages.find_response_pages(project.tree, backend.root if backend is not None else "")
    tag = response_pages.script_tag(host.script_src)
    secure = context.options.mode is AuthMode.SECURE
    for page in pages:
        if tag is not None and secure and not context.options.csp_nonce:
            builder.insert(page.file, [response_pages.tag_insertion(page, tag)], "adds the Messenger script to the page this code returns")
        else:
            builder.manual(
                page.file,
                f"{page.file}:{page.line} returns a page: add the Messenger script before its </body>"
                + (" (with the request's CSP nonce)" if context.options.csp_nonce else "")
                + ":",
                f'<script src="{host.script_src}" defer></script>',
            )
    if pages:
        return
    entry = _entry_file(project, backend)
    builder.manual(
        entry,
        "No page layout the wizard can edit was found (no template with a </body> tag, no page returned as a string), "
        f"so no page carries the Messenger yet. Add this tag before </body> of the HTML this app sends (the script is "
        f"{join(host.static_dir, html.SCRIPT_NAME)}):",
        f'<script src="{host.script_src}" defer></script>',
    )


def _entry_file(project: Project, backend: Detection[BackendDetails] | None) -> str:
    """An existing file to name in a manual step: the back end's main file, else its folder's first file."""
    entry = backend.details.entry_file if backend is not None else None
    if entry is not None and project.tree.exists(entry):
        return entry
    root = backend.root if backend is not None else ""
    return next((f for f in project.tree.files if not root or f.startswith(root + "/")), project.tree.files[0])


def _serve_static_folder(context: PlanContext, backend: Detection[BackendDetails]) -> None:
    """A back end without a static-file route gets one line to add; only FastAPI returns None from page_host."""
    app_file = _entry_file_of(backend)
    app_var = backend.details.app_var
    if backend.name == "fastapi":
        snippet = (
            "from pathlib import Path\nfrom fastapi.staticfiles import StaticFiles\n"
            f'{app_var}.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")'
        )
    else:
        snippet = f"serve the folder {join(backend.root, 'static')} at /static"
    context.builder.manual(app_file or backend.root or ".", "Serve the Messenger script: this app has no static-file route. Add after the app is created:", snippet)


def _entry_file_of(backend: Detection[BackendDetails]) -> str | None:
    return backend.details.entry_file
