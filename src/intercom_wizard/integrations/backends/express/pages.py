"""Express's pages: static files under `express.static(...)` and EJS/Handlebars/Pug layouts in the views
folder get the Messenger script (served from the static folder, or by the token route when the app serves
no static folder), with the res.locals nonce in views. Views rendered whole without `<body>` (each a page
of its own, no layout) get the tag at their end."""

import posixpath
import re

from ast_grep_py import SgNode

from intercom_wizard import csp
from intercom_wizard.edits import parse
from intercom_wizard.integrations.backends.express.details import ExpressDetails
from intercom_wizard.integrations.backends.express.session import JS_SUFFIXES, language_of
from intercom_wizard.integrations.base import Detection, PageHost, PlanContext
from intercom_wizard.integrations.frontends import pug
from intercom_wizard.integrations.frontends.layouts import find_layouts
from intercom_wizard.options import AuthMode
from intercom_wizard.tree import ProjectTree, folder_of, join


def page_host(context: PlanContext, detection: Detection[ExpressDetails]) -> PageHost:
    tree = context.tree
    server_file = detection.details.entry_file
    folder = folder_of(server_file)
    root = parse(tree.text(server_file), language_of(server_file))
    static_dir = static_folder(tree, server_file)
    # app.set('views', path.join(__dirname, '../views')): the views need not sit beside the server.
    views = _folder_argument(folder, root.find(pattern="$APP.set('views', $$$ARGS)")) or join(folder, "views")
    if static_dir is None and not serves_script_from_route(context, detection.details):
        context.builder.manual(
            server_file,
            "No express.static(...) folder was found to serve the Messenger script from; serve public/ with:",
            f"{detection.details.app_var}.use(express.static(path.join(__dirname, 'public')));",
        )
    # "" is the project root (express.static(__dirname) in a root-level server): still a folder.
    layouts = (find_layouts(tree, static_dir) if static_dir is not None else []) + find_layouts(tree, views) + pug.find_layouts(tree, views)
    return PageHost(
        static_dir=static_dir if static_dir is not None else join(folder, SCRIPT_FOLDER),
        script_src="/intercom-messenger.js",
        layouts=tuple(layouts),
        output_end_pages=() if layouts else tuple((view, "") for view in _whole_page_views(tree, views)),
        csp_nonce=_locals_nonce(tree, folder),
        csp_nonce_help="A middleware that sets res.locals.cspNonce = crypto.randomBytes(16).toString('base64') and puts "
        "`'nonce-${res.locals.cspNonce}'` in helmet's scriptSrc makes one (helmet's README shows it); views print it.",
    )


def static_folder(tree: ProjectTree, server_file: str) -> str | None:
    """The folder `express.static(...)` serves, relative to the project; None when the server has none."""
    root = parse(tree.text(server_file), language_of(server_file))
    return _folder_argument(folder_of(server_file), root.find(pattern="express.static($$$ARGS)"))


def serves_script_from_route(context: PlanContext, details: ExpressDetails) -> bool:
    """An app without `express.static` gets the script from the token route's own module (a CommonJS
    module, where `__dirname` names its folder), rather than a static folder the whole app would serve."""
    identified = context.options.mode is AuthMode.SECURE and not context.anonymous_only
    return identified and not (details.esm or details.typescript) and static_folder(context.tree, details.entry_file) is None


# Where the script goes when the app serves no static folder (beside the server, as the token route's module).
SCRIPT_FOLDER = "public"
# Markup that makes a view a page (not a text snippet), and the ways one view pulls in another.
_HTML_TAG = re.compile(r"<(form|div|a|h[1-6]|p|table|ul|section|main|nav)\b", re.I)
_VIEW_INCLUDE = re.compile(r"""include\s*\(?\s*['"]?([\w./-]+)|\{\{>\s*([\w./-]+)""")
_VIEW_SUFFIXES = (".ejs", ".hbs", ".handlebars")


def _whole_page_views(tree: ProjectTree, views: str) -> list[str]:
    """Views that are each a whole page printed without `<body>` (small passport apps: `res.render('login.ejs')`
    with no layout): the browser supplies <body>, and the view's end is the response's end. A view another
    view includes is a piece of a page, not one."""
    files = tree.glob(*_VIEW_SUFFIXES, under=views)
    included = {
        posixpath.splitext(posixpath.basename(target))[0]
        for path in files
        for match in _VIEW_INCLUDE.finditer(tree.text(path))
        for target in match.groups()
        if target
    }
    return [
        path
        for path in files
        if posixpath.splitext(posixpath.basename(path))[0] not in included
        and _HTML_TAG.search(text := tree.text(path))
        and "<body" not in text.lower()
    ]


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
        # Pug: an attribute's value is an expression, so the variable itself (`nonce=cspNonce`).
        ((".ejs", f"<%= {name} %>"), (".hbs", f"{{{{{name}}}}}"), (".handlebars", f"{{{{{name}}}}}"), (".pug", name)),
    )
