"""A Next.js app whose users sign in on the project's own back end (a monorepo's `apps/web` beside
`apps/api`, as in Turborepo starters): the session lives on the API's origin, the app's API client
sends its requests there with the browser's credentials, and Next.js has no session it could read.

Then the back end's endpoint (written by the back end's integration) signs the tokens, and the
Messenger core fetches it on the same env-provided API base the app's client uses
(`api_base.find_api_base`): no route handler of Next.js' own, no `jose`, no secret in `.env.local`.
Only with evidence: the back end is a separate folder, Next.js' own authentication (Auth.js,
NextAuth, Clerk, a getSession() helper) is absent, and the API client that uses the base sends
credentials (`credentials: 'include'`, `withCredentials: true`, an `Authorization` header).
"""

from intercom_wizard.integrations.base import PlanContext
from intercom_wizard.integrations.frontends.api_base import AUTHENTICATED, ApiBase, find_api_base
from intercom_wizard.integrations.frontends.nextjs.auth import has_own_auth
from intercom_wizard.integrations.frontends.nextjs.detect import NextApp


def backend_token_api(context: PlanContext, app: NextApp) -> ApiBase | None:
    """The app's API base when the back end beside it signs the tokens (see the module docstring), else None."""
    if context.anonymous_only or context.backend_root is None or context.backend_root == app.spa.root:
        return None
    if context.options.endpoint.origin is not None or has_own_auth(context.tree, app):
        return None  # a full --endpoint URL is the user's own answer; Next.js' own sign-in has its route
    chosen = find_api_base(context.tree, app.spa.root).chosen
    if chosen is None or not AUTHENTICATED.search(context.tree.text(chosen.file)):
        return None
    backend = context.backend_root or "the project's root"
    context.builder.note(
        f"The Next.js app signs its users in on the back end in {backend} (its API client, {chosen.file}, sends "
        f"credentials to {chosen.expression}): that back end's {context.options.endpoint} signs the tokens, and the "
        "Messenger fetches it on the same base, so no Next.js route handler was added. The back end must allow the "
        "Next.js app's origin with credentials (CORS), as its own API calls already need."
    )
    return chosen
