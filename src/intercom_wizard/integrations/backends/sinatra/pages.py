"""Where a Sinatra app's pages take the Messenger script: its public folder (Sinatra serves it as static
files) and the layout in its views folder (the ones the app sets by relative path, else Sinatra's
defaults); none for a JSON API; the CSP nonce a before filter keeps in an instance variable."""

import re

from intercom_wizard import csp
from intercom_wizard.integrations.backends.ruby_common import ruby
from intercom_wizard.integrations.backends.sinatra.details import SinatraDetails
from intercom_wizard.integrations.backends.sinatra.detect import folder_setting
from intercom_wizard.integrations.base import Detection, PageHost, PlanContext
from intercom_wizard.integrations.frontends.layouts import find_layouts
from intercom_wizard.options import AuthMode
from intercom_wizard.tree import ProjectTree, join

UNSUPPORTED_LAYOUT_SUFFIXES = (".haml",)
# Slim layouts take the tag as the body's last child line (`frontends/slim.py`), as Pug ones do.
SLIM_LAYOUT_SUFFIXES = (".slim",)


def page_host(context: PlanContext, detection: Detection[SinatraDetails]) -> PageHost | None:
    tree = context.tree
    folder = detection.root
    app_file = detection.details.entry_file
    app_source = ruby(tree.text(app_file))
    # `set :views, "app/views"` (relative to where rackup starts, the app's root): the app's own folders.
    started = detection.details.rackup_root if detection.details.rackup_root is not None else folder
    views = join(started, set_views) if (set_views := folder_setting(app_source, "views")) else join(folder, "views")
    layouts = find_layouts(tree, views) + _slim_layouts(tree, views, context)
    inline = app_source.find(kind="uninterpreted") is not None
    if not layouts and not inline and not tree.glob(".erb", *UNSUPPORTED_LAYOUT_SUFFIXES, *SLIM_LAYOUT_SUFFIXES, under=views):
        return None  # a JSON API: the front end that calls it boots the Messenger
    if not layouts and inline:
        context.builder.note(
            f"{app_file} keeps its templates inline (after __END__); add the script tag to its layout by hand."
        )
    return PageHost(
        static_dir=join(started, set_public) if (set_public := folder_setting(app_source, "public_folder")) else join(folder, "public"),
        script_src="/intercom-messenger.js",
        layouts=tuple(layouts),
        unsupported_layouts=tuple(
            p for p in tree.glob(*UNSUPPORTED_LAYOUT_SUFFIXES, *SLIM_LAYOUT_SUFFIXES, under=views) if "layout" in p and p not in layouts
        ),
        user_settings=None,  # ERB here escapes nothing by itself; the insecure variant boots visitors anonymously
        csp_nonce=_instance_nonce(tree, folder),
        csp_nonce_help="A before filter that sets @csp_nonce = SecureRandom.base64(16) and sends `'nonce-#{@csp_nonce}'` "
        "in the policy's script-src makes one; views see the instance variable.",
    )


def _slim_layouts(tree: ProjectTree, views: str, context: PlanContext) -> list[str]:
    """Slim layouts (Sinatra renders `layout.slim` around every Slim view) that have a `body` element of their
    own; the insecure variant's multi-line snippet stays a manual step there."""
    if context.options.mode is not AuthMode.SECURE:
        return []
    return [path for path in tree.glob(*SLIM_LAYOUT_SUFFIXES, under=views) if "layout" in path and _SLIM_BODY.search(tree.text(path))]


_SLIM_BODY = re.compile(r"^[ \t]*body(?=$|[#.(\[\s])", re.M)


def _instance_nonce(tree: ProjectTree, folder: str) -> csp.NonceSource | None:
    """A nonce a before filter keeps in an instance variable, which Sinatra's views share."""
    found = csp.search_code(tree, tree.glob(".rb", "config.ru", under=folder), re.compile(r"(@\w*nonce\w*)\s*=(?!=)", re.I))
    if found is None:
        return None
    path, match = found
    return csp.NonceSource(f"{match.group(1)} ({path})", ((".erb", f"<%= {match.group(1)} %>"),))  # ERB code: .erb views only
