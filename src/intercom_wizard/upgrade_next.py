"""`install --upgrade` of the SDK in a Next.js app: the token endpoint without a second client.

Next.js serves its own tokens (its integration writes the route handler and the client together), so
when the upgrade keeps the app's own Messenger code (upgrade_react.py rewrites its Intercom(...) call)
only the endpoint half of the Next.js install is planned here: the route handler on the app's auth
(App Router `app/<endpoint>/route`, Pages Router `pages/api/...`), `jose` to sign with, and the secret
in `.env.local`.
"""

from posixpath import join
from typing import Any

from intercom_wizard.envfile import plan_secret
from intercom_wizard.integrations.backends.npm_common import add_dependency
from intercom_wizard.integrations.base import Detection, PlanContext
from intercom_wizard.integrations.frontends.nextjs.app_router import _app_route
from intercom_wizard.integrations.frontends.nextjs.detect import next_app
from intercom_wizard.integrations.frontends.nextjs.pages_router import _pages_route, jose_spec


def plan_next_token_route(context: PlanContext, frontend: Detection[Any]) -> None:
    app = next_app(context.tree, frontend)
    if app is None or context.anonymous_only:
        return
    # The route planners are the Next.js integration's own (private to its package, reused, not copied).
    (_app_route if app.router == "app" else _pages_route)(context, app)
    add_dependency(context, app.spa.root, "jose", jose_spec(context.tree, app), "signs the Intercom identity JWT (Node.js and Edge runtimes)")
    plan_secret(context, join(app.spa.root, ".env.local"))
