"""Flask's pages: the Jinja base layout gets the Messenger script, served from the app's static folder
with `url_for('static', ...)`, and Flask-Talisman's nonce where the app makes one."""

import re

from intercom_wizard import csp
from intercom_wizard.integrations.backends.flask.details import FlaskAuth, FlaskDetails, FlaskLogin, GUser
from intercom_wizard.integrations.backends.python_common import jinja_user_settings
from intercom_wizard.integrations.base import Detection, PageHost, PlanContext
from intercom_wizard.integrations.frontends.layouts import find_layouts, package_base_layouts
from intercom_wizard.tree import ProjectTree, folder_of, join


def page_host(context: PlanContext, detection: Detection[FlaskDetails]) -> PageHost | None:
    folder = folder_of(detection.details.entry_file)
    if not context.tree.glob(".html", ".jinja", ".jinja2", ".j2", under=join(folder, "templates")):
        return None  # a JSON API (Flask-JWT-Extended examples): the front end that calls it boots the Messenger
    return PageHost(
        static_dir=join(folder, "static"),
        script_src="{{ url_for('static', filename='intercom-messenger.js') }}",
        layouts=tuple(
            find_layouts(context.tree, join(folder, "templates"), extends_marker="{% extends")
            or package_base_layouts(context.tree, join(folder, "templates"))  # Flask-Bootstrap's base page
        ),
        user_settings=_template_user_settings(detection.details.auth),
        csp_nonce=_talisman_nonce(context.tree, detection.root),
        csp_nonce_help="Flask-Talisman makes one when created with content_security_policy_nonce_in=['script-src'].",
    )


def _talisman_nonce(tree: ProjectTree, root: str) -> csp.NonceSource | None:
    """Flask-Talisman's per-request nonce, which it only makes for the sections named in nonce_in."""
    pattern = re.compile(r"content_security_policy_nonce_in\s*=")
    found = csp.search_code(tree, tree.glob(".py", under=root), pattern, (b"content_security_policy_nonce_in",))
    if found is None:
        return None
    return csp.NonceSource.everywhere(f"Flask-Talisman ({found[0]})", "{{ csp_nonce() }}")


def _template_user_settings(auth: FlaskAuth) -> str | None:
    """Jinja that writes the signed-in user's attributes into a JS object (the insecure variant only)."""
    if isinstance(auth, FlaskLogin):
        condition, user_id, attribute, known = "current_user.is_authenticated", "current_user.get_id()", "current_user.{}", auth.fields
    elif isinstance(auth, GUser):
        condition, user_id = "g.user", f'g.user["{auth.id}"]|string' if auth.row else "g.user.id|string"
        attribute, known = 'g.user["{}"]' if auth.row else "g.user.{}", auth.fields
    else:
        return None
    fields = known or {"email", "name"}
    return jinja_user_settings(
        condition,
        user_id,
        attribute.format("email") if "email" in fields else None,
        attribute.format("name") if "name" in fields else None,
    )
