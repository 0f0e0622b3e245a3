"""FastAPI's pages: apps rendering `Jinja2Templates` get the Messenger script in their base layouts, or
in the partial every fragment page includes (with the app's CSP nonce, request.state's, when a middleware
makes one), served from their `StaticFiles` mount, or, with
none, by a route of the wizard's own token router (the file beside it: both go away on uninstall);
API-only apps leave the page to the SPA integration, and HTMLResponse strings to the planner.
"""

import re

from intercom_wizard import csp
from intercom_wizard.integrations.backends.fastapi.claims import ID_FIELDS
from intercom_wizard.integrations.backends.fastapi.details import AuthEvidence, FastAPIDetails, SessionUser, UserDependency
from intercom_wizard.integrations.backends.fastapi.fragments import rendered_templates, shared_partial
from intercom_wizard.integrations.backends.fastapi.sources import python_sources
from intercom_wizard.integrations.backends.python_common import NAME_FIELDS, jinja_user_settings
from intercom_wizard.integrations.base import Detection, PageHost, PlanContext
from intercom_wizard.integrations.frontends.layouts import find_layouts
from intercom_wizard.integrations.frontends.response_pages import find_response_pages
from intercom_wizard.options import AuthMode
from intercom_wizard.tree import ProjectTree, folder_of, join

SCRIPT_NAME = "intercom-messenger.js"
ROUTER_SCRIPT_PATH = f"/{SCRIPT_NAME}"  # where the token router serves the script when there is no mount


def page_host(context: PlanContext, detection: Detection[FastAPIDetails]) -> PageHost | None:
    templates, static = detection.details.templates, detection.details.static_files
    # --insecure writes its snippet inline: nothing is served, so no mount is needed (before: no page changed).
    inline = context.options.mode is AuthMode.INSECURE and templates is not None
    if serves_script_itself(context, detection) or inline:
        static_dir, src = folder_of(detection.details.entry_file), ROUTER_SCRIPT_PATH
    elif templates is not None and static is None and context.anonymous_only:
        static_dir, src = _mount_by_hand(context, detection)
    elif templates is None or static is None:
        missing = "Jinja2Templates" if templates is None else "StaticFiles mount"
        if find_response_pages(context.tree, detection.root):
            return None  # its pages are HTMLResponse strings: the planner puts the script there
        context.builder.note(
            f"This FastAPI app has no {missing} for the Messenger script, so no page was changed: the front end "
            f"(the SPA integration) loads the Messenger and calls {context.options.endpoint} with the app's own credentials."
        )
        return None
    elif static.name:
        static_dir, src = static.dir, f"{{{{ url_for('{static.name}', path='{SCRIPT_NAME}') }}}}"
    else:
        static_dir, src = static.dir, f"{static.path}/{SCRIPT_NAME}"
    assert templates is not None
    layouts = tuple(find_layouts(context.tree, templates, extends_marker="{% extends"))
    fragment_pages = () if layouts else _fragment_pages(context.tree, detection.root, templates)
    nonce = _state_nonce(context.tree, detection.root)
    # With a nonce, the partial's tag prints it from the request: only a partial that sees the request will do.
    partial = shared_partial(context.tree, templates, list(fragment_pages), with_context=nonce is not None)
    return PageHost(
        static_dir=static_dir,
        script_src=src,
        layouts=layouts,
        # Every page a fragment: the partial they all include carries the tag, else each page is named.
        output_end_pages=((partial, ""),) if partial else (),
        unsupported_layouts=() if partial else fragment_pages,
        user_settings=_template_user_settings(context.tree, templates, detection.details.auth),
        csp_nonce=nonce,
        csp_nonce_help="A middleware that sets request.state.csp_nonce = secrets.token_urlsafe(16) and sends "
        "`'nonce-…'` in the policy's script-src makes one; templates print it from the request.",
    )


def serves_script_itself(context: PlanContext, detection: Detection[FastAPIDetails]) -> bool:
    """Jinja pages with no StaticFiles mount, in an install that writes the token router: that router
    serves the script file written beside it (a mount the wizard added to the app would be one more edit of
    the app's module; the router is the wizard's own file)."""
    details = detection.details
    identified = context.options.mode is AuthMode.SECURE and not context.anonymous_only
    return identified and details.templates is not None and details.static_files is None


def _mount_by_hand(context: PlanContext, detection: Detection[FastAPIDetails]) -> tuple[str, str]:
    """Jinja pages, no StaticFiles mount and no sign-in: no token router is written to serve the script, so
    the pages load it from a `static` folder beside the app module that the app mounts by hand (a manual
    step; before: no page changed, and the install said `anonymous-only`)."""
    entry, root = detection.details.entry_file, detection.root
    static_dir = join(folder_of(entry), "static")
    directory = static_dir[len(root) + 1 :] if root else static_dir  # uvicorn runs from the app's root
    context.builder.manual(
        entry,
        f"No StaticFiles mount serves {join(static_dir, SCRIPT_NAME)}, which the pages now load from /static/: "
        f"mount that folder once, after `{detection.details.app_var} = FastAPI(...)`:",
        f"from fastapi.staticfiles import StaticFiles\n\n"
        f'{detection.details.app_var}.mount("/static", StaticFiles(directory="{directory}"), name="static")',
    )
    return static_dir, f"/static/{SCRIPT_NAME}"


def _fragment_pages(tree: ProjectTree, root: str, templates: str) -> tuple[str, ...]:
    """The rendered templates, when none of them extends a layout (each prints a fragment of a page)."""
    pages = rendered_templates(tree, python_sources(tree, root), templates)
    return tuple(pages) if not any("{% extends" in tree.text(page) for page in pages) else ()


def _state_nonce(tree: ProjectTree, root: str) -> csp.NonceSource | None:
    """A nonce a middleware keeps on request.state, which every TemplateResponse's template can read."""
    found = csp.search_code(tree, tree.glob(".py", under=root), re.compile(r"request\.state\.(\w*nonce\w*)\s*=(?!=)", re.I))
    if found is None:
        return None
    path, match = found
    return csp.NonceSource.everywhere(f"request.state.{match.group(1)} ({path})", f"{{{{ request.state.{match.group(1)} }}}}")


def _template_user_settings(tree: ProjectTree, templates: str, auth: AuthEvidence) -> str | None:
    """Jinja writing the signed-in user's attributes into a JS object (the insecure variant only)."""
    fields: set[str] | None
    if isinstance(auth, SessionUser) and auth.keys is not None:
        fields = set(auth.keys)
        condition, owner, access = f'request.session.get("{auth.key}")', f'request.session["{auth.key}"]', '{}["{}"]'
    elif isinstance(auth, UserDependency):
        pages = [tree.text(p) for p in tree.glob(".html", ".jinja", ".jinja2", ".j2", under=templates)]
        if not any("{% if user %}" in page or "{{ user." in page for page in pages):
            return None  # the pages are not given the user
        fields = set(auth.user.fields) if auth.user.fields is not None else None
        condition, owner, access = "user", "user", '{}["{}"]' if auth.user.mapping else "{}.{}"
    else:
        return None
    session_id = auth.id_key if isinstance(auth, SessionUser) else None
    id_field = session_id or next((f for f in ID_FIELDS if fields is None or f in fields), None)
    if id_field is None:
        return None
    name = next((f for f in NAME_FIELDS if fields is None or f in fields), None)
    return jinja_user_settings(
        condition,
        f"{access.format(owner, id_field)}|string",
        access.format(owner, "email") if fields is None or "email" in fields else None,
        access.format(owner, name) if name else None,
    )
