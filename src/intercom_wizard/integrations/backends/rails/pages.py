"""Where a Rails app's pages take the Messenger script: `public/` and every HTML layout in
app/views/layouts (not the mailer's), the app's CSP nonce generator, and (for --insecure only) ERB
printing the signed-in user's attributes (templates/rails/user_settings.html.erb)."""

import re

from intercom_wizard import csp
from intercom_wizard.integrations.backends.rails.details import RailsAuth, RailsDetails
from intercom_wizard.integrations.backends.ruby_common import email_and_name
from intercom_wizard.integrations.base import Detection, PageHost, PlanContext
from intercom_wizard.integrations.frontends.layouts import find_layouts
from intercom_wizard.templates import render
from intercom_wizard.tree import ProjectTree, join

LAYOUTS = "app/views/layouts"
UNSUPPORTED_LAYOUT_SUFFIXES = (".haml", ".slim")


def page_host(context: PlanContext, detection: Detection[RailsDetails]) -> PageHost | None:
    tree = context.tree
    if _api_only(tree, detection.root):
        return None  # `config.api_only = true`: no pages; the front end that calls the API boots the Messenger
    folder = join(detection.root, LAYOUTS)
    layouts = [path for path in find_layouts(tree, folder) if "mailer" not in path.rpartition("/")[2]]
    return PageHost(
        static_dir=join(detection.root, "public"),
        script_src="/intercom-messenger.js",
        layouts=tuple(layouts),
        unsupported_layouts=tuple(
            p for p in tree.glob(*UNSUPPORTED_LAYOUT_SUFFIXES, under=folder) if "mailer" not in p.rpartition("/")[2]
        ),
        user_settings=_user_settings(detection.details.auth),
        csp_nonce=_nonce_generator(tree, detection.root),
        csp_nonce_help="Rails makes one once config/initializers/content_security_policy.rb sets "
        "config.content_security_policy_nonce_generator and nonce_directives = %w(script-src).",
    )


def _api_only(tree: ProjectTree, root: str) -> bool:
    application = join(root, "config/application.rb")
    text = tree.text(application) if tree.exists(application) else ""
    if re.search(r"^\s*config\.api_only\s*=\s*true\b", text, re.MULTILINE):
        return True
    # `rails new --api` then api_only flipped (or never set): the base controller still says API.
    base = join(root, "app/controllers/application_controller.rb")
    return tree.exists(base) and re.search(r"class\s+ApplicationController\s*<\s*ActionController::API\b", tree.text(base)) is not None


def _nonce_generator(tree: ProjectTree, root: str) -> csp.NonceSource | None:
    found = csp.search_code(tree, tree.glob(".rb", under=join(root, "config")), re.compile(r"content_security_policy_nonce_generator\s*="))
    if found is None:
        return None
    # ERB code: printed by .erb layouts only (a Haml or Slim layout's step must not be handed it).
    return csp.NonceSource(f"Rails' content_security_policy_nonce_generator ({found[0]})", ((".erb", "<%= content_security_policy_nonce %>"),))


def _user_settings(auth: RailsAuth) -> str | None:
    """ERB writing the signed-in user's attributes into a JS object (the insecure variant only)."""
    if auth.kind == "devise":
        condition, user = f"{auth.scope}_signed_in?", f"current_{auth.scope}"
    elif auth.kind == "rails-authentication":
        condition, user = "authenticated?", "Current.user"
    elif auth.kind == "current_user" and auth.helper:
        condition, user = "current_user", "current_user"
    else:
        return None
    email, name = email_and_name(set(auth.fields) if auth.fields else None)
    return render(
        "rails/user_settings.html.erb",
        condition=condition,
        user=user,
        email=f'email: "<%= j {user}.{email} %>",' if email else "",
        display_name=f'name: "<%= j {user}.{name} %>",' if name else "",
    ).rstrip("\n")
