"""Express: a router serving the token endpoint, mounted after the app's session middleware.

Adds `intercom-jwt.js` beside the server module (CommonJS or ES module, like the app), mounts it
right after `app.use(session(...))` / `app.use(passport.session())` so the user is known, and
adds `jsonwebtoken` with the project's package manager. The user is passport's `req.user` or the
object the app stores in `req.session`; with neither the route fails closed. Static pages under
`express.static(...)` and EJS/Handlebars layouts get the Messenger script.

The package: detect.py finds the server, session.py the signed-in user (typed in details.py),
plan.py writes the route from templates/express/, pages.py hosts the script.
"""

from intercom_wizard.integrations.backends.express.details import ExpressDetails, SignedInUser
from intercom_wizard.integrations.backends.express.detect import NAME, detect, find_creation
from intercom_wizard.integrations.backends.express.pages import page_host
from intercom_wizard.integrations.backends.express.plan import MODULE_FILE, plan
from intercom_wizard.integrations.backends.express.session import language_of
from intercom_wizard.support import Supported, SupportTable

# The versions this integration generates code for (docs list the same table).
SUPPORTED: SupportTable = (Supported("express", "npm", "express", (4, 0), (6, 0)),)

# The package that identifies it (what the registry derives its tables from).
PACKAGES: tuple[str, ...] = ("express",)
DOC: str | None = None  # no page of its own under docs/ yet

__all__ = ["DOC", "PACKAGES", "MODULE_FILE", "NAME", "SUPPORTED", "ExpressDetails", "SignedInUser", "detect", "find_creation", "language_of", "page_host", "plan"]
