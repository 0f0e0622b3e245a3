"""Flask: a blueprint serving the token endpoint, registered where the app is created.

Adds `intercom_jwt.py` beside the module that creates the app (the app factory or a module-level
`app = Flask(...)`), imports it and registers its blueprint. The signed-in user comes from
Flask-Login's `current_user` when the app uses it, otherwise from the app's own `g.user` (Flask
tutorial style); with neither, the endpoint fails closed and the notes say how to wire it.
The Jinja base layout gets the Messenger script, served from the app's static folder.

The package: detect.py finds the app and its access tokens, auth.py the login evidence (typed in
details.py), claims.py and plan.py write the blueprint from templates/flask/, pages.py hosts the script.
"""

from intercom_wizard.integrations.backends.flask.details import FlaskDetails
from intercom_wizard.integrations.backends.flask.detect import NAME, detect
from intercom_wizard.integrations.backends.flask.pages import page_host
from intercom_wizard.integrations.backends.flask.plan import MODULE_NAME, PYJWT_1_SPEC, plan
from intercom_wizard.support import Supported, SupportTable

# The versions this integration generates code for (docs list the same table).
SUPPORTED: SupportTable = (
    Supported("Flask", "python", "flask", (0, 12), (4, 0)),  # 0.12: Blueprint.route(methods=), after_request, jsonify(**kwargs)
    Supported("Python", "language", "python", (3, 6)),  # PyJWT 2.0-2.3 on 3.6
    Supported("Flask-JWT-Extended", "python", "flask-jwt-extended", (3, 0), (5, 0), optional=True),
    # Before 0.3 `is_authenticated` is a method (always truthy when not called): the endpoint would sign
    # anonymous visitors. Apps of Flask 0.12's years can still pin 0.2.x.
    Supported("Flask-Login", "python", "flask-login", (0, 3), optional=True),
    # 4.0 added `login_required(optional=True)` and `current_user()`, which the token route uses.
    Supported("Flask-HTTPAuth", "python", "flask-httpauth", (4, 0), optional=True),
)

# The package that identifies it (what the registry derives its tables from).
PACKAGES: tuple[str, ...] = ("flask",)
DOC: str | None = None  # no page of its own under docs/ yet

__all__ = ["DOC", "PACKAGES", "MODULE_NAME", "NAME", "PYJWT_1_SPEC", "SUPPORTED", "FlaskDetails", "detect", "page_host", "plan"]
