"""Express's pages: static files under `express.static(...)` and EJS/Handlebars/Pug layouts in the views
folder get the Messenger script (served from the static folder), with the res.locals nonce in views."""

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
from intercom_wizard.tree import ProjectTree, folder_of, join


def page_host(context: PlanContext, detection: Detection[ExpressDetails]) -> PageHost:
    tree = context.tree
    server_file = detection.details.entry_file
    folder = folder_of(server_file)
    root = parse(tree.text(server_file), language_of(server_file))
    static_dir = _folder_argument(folder, root.find(pattern="express.static($$$ARGS)"))
    # app.set('views', path.join(__dirname, '../views')): the views need not sit beside the server.
    views = _folder_argument(folder, root.find(pattern="$APP.set('views', $$$ARGS)")) or join(folder, "views")
    if static_dir is None:
        context.builder.manual(
            server_file,
            "No express.static(...) folder was found to serve the Messenger script from; serve public/ with:",
            f"{detection.details.app_var}.use(express.static(path.join(__dirname, 'public')));",
        )
    return PageHost(
        static_dir=static_dir if static_dir is not None else join(folder, "public"),
        script_src="/intercom-messenger.js",
        # "" is the project root (express.static(__dirname) in a root-level server): still a folder.
        layouts=tuple((find_layouts(tree, static_dir) if static_dir is not None else []) + find_layouts(tree, views) + pug.find_layouts(tree, views)),
        csp_nonce=_locals_nonce(tree, folder),
        csp_nonce_help="A middleware that sets res.locals.cspNonce = crypto.randomBytes(16).toString('base64') and puts "
        "`'nonce-${res.locals.cspNonce}'` in helmet's scriptSrc makes one (helmet's README shows it); views print it.",
    )


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
