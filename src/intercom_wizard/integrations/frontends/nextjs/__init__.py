"""Next.js: the Messenger in the App Router's root layout or the Pages Router's `_app`, and the token
endpoint as the app's own route handler (Next.js serves its tokens itself: `SERVES_TOKENS`).

App Router (`app/` or `src/app/`): a `'use client'` component, `components/intercom-messenger.tsx`,
rendered inside `<body>` of the root layout; it starts the Messenger once and calls
`intercomPageChanged()` when `usePathname()` changes. The endpoint is `app/api/intercom-jwt/route.ts`
(from `--endpoint`), dynamic at request time: `export const dynamic = 'force-dynamic'`, or — when
`cacheComponents` is on, where that segment config is an error — `await connection()`.

Pages Router (`pages/` or `src/pages/`): a `useIntercomMessenger()` hook called from `pages/_app`,
listening to `router.events` `routeChangeComplete`; the endpoint is the API route
`pages/api/intercom-jwt.ts`. A project with both `app/` and `pages/` gets the App Router integration
(the root layout and its route handler) and, when pages/ has pages of its own (not only API routes),
the hook in `pages/_app` too: the Pages Router's pages do not use the root layout.

The JWT is signed with `jose` rather than `jsonwebtoken`: it runs in the Node.js and the Edge runtime
alike (a route or middleware moved to Edge keeps working), ships its own types (no `@types/…` dev
dependency) and has no native or Node-only dependencies.

The endpoint uses the project's own authentication when it recognises it (the user must be a
`{ id, email?, name? }` object):
- Auth.js v5: `auth` exported from `auth.ts|js` (project root or `src/`) → `(await auth())?.user`;
- NextAuth v4: `authOptions` exported from a module → `getServerSession(authOptions)`; configured
  inline in its `[...nextauth]` route → `getToken({ req, secret })` from `next-auth/jwt`, the id from
  the JWT's `sub` when the config provably keeps it there (`nextauth_v4`);
- Clerk (`@clerk/nextjs`) → `currentUser()` (App Router) or `getAuth(req)` (Pages Router);
- the app's own session helper (e.g. iron-session wrapped in a function): an exported
  `getSession()` in `lib/session.*` or `lib/auth.*` (root or `src/`) whose result has `user`
  (App Router).
A Next.js app whose users sign in on the project's separate back end (its API client sends credentials
to an env-provided base such as `NEXT_PUBLIC_API_URL`) gets no route of its own: the back end's endpoint
signs the tokens and the Messenger fetches it on that base (`backend_tokens`).
Anything else gets a clearly named fail-closed adapter, `getSignedInUser()` returning null (the
endpoint answers 401, visitors are booted as leads) and a warning saying where to fill it in.
The secret goes into `.env.local` (which Next.js loads) only when git ignores that file; it is never
a `NEXT_PUBLIC_` variable, so it cannot reach the browser bundle.

`--csp-nonce` writes `proxy.ts` (`middleware.ts` before Next.js 16) beside `app/` or `pages/`: a
Content-Security-Policy with a fresh nonce per request (`'nonce-…' 'strict-dynamic'` in script-src,
Intercom's regional sources merged into the other directives), set on the request, where Next.js
finds the nonce for its own scripts, and on the response. Prerendered HTML carries no nonce, so the
root layout renders every page per request: `export const dynamic = 'force-dynamic'`, or with Cache
Components `await connection()` and `export const instant = false` (Next.js 16.3+). The Pages Router
decides page by page: prerendered pages, and a custom `_document` that does not pass its `nonce` prop
on, become manual steps. An existing proxy or middleware is never edited.

The package: `detect` (typed detection, `NextjsDetails`), `app_router`, `pages_router`, `auth` (the
signed-in user behind the endpoint), `csp_nonce` (--csp-nonce) and `source` (reading and editing the
app's modules); generated code is in templates/nextjs/.
"""

from intercom_wizard.envfile import plan_secret
from intercom_wizard.errors import NothingDetected
from intercom_wizard.file_names import conventional_path
from intercom_wizard.integrations.backends.npm_common import add_dependency
from intercom_wizard.integrations.base import Detection, PlanContext
from intercom_wizard.integrations.frontends.nextjs.app_router import COMPONENT, plan_app_router
from intercom_wizard.integrations.frontends.nextjs.backend_tokens import backend_token_api
from intercom_wizard.integrations.frontends.nextjs.csp_nonce import plan_csp_nonce
from intercom_wizard.integrations.frontends.nextjs.detect import NAME, NextApp, NextjsDetails, detect, next_app
from intercom_wizard.integrations.frontends.nextjs.nextauth_v4 import nextauth_hook_places
from intercom_wizard.integrations.frontends.nextjs.pages_router import HOOK, has_pages, jose_spec, plan_pages_router
from intercom_wizard.integrations.frontends.spa_common import core_module, wire_auth_hooks
from intercom_wizard.support import Supported, SupportTable
from intercom_wizard.tree import join

__all__ = ["DOC", "COMPONENT", "HOOK", "NAME", "PACKAGES", "SERVES_TOKENS", "SOURCE_SUFFIXES", "SUPPORTED", "NextApp", "NextjsDetails", "detect", "plan"]

# The versions this integration generates code for (docs list the same table).
SUPPORTED: SupportTable = (
    Supported("Next.js", "npm", "next", (11, 0), (17, 0)),  # 11: Pages Router, jose 4 (pages_router.py)
    Supported("TypeScript", "npm", "typescript", (4, 5), optional=True),  # Next.js' own floor
)
DOC: str | None = "docs/frontends-nextjs.md"  # its page under docs/
PACKAGES: tuple[str, ...] = ("next",)  # the package.json dependency that makes an app a Next.js app
SOURCE_SUFFIXES: tuple[str, ...] = (".ts", ".tsx", ".js", ".jsx", ".mjs")  # what it creates and edits
SERVES_TOKENS = True


def plan(context: PlanContext, detection: Detection[NextjsDetails]) -> None:
    tree, builder, options = context.tree, context.builder, context.options
    app = next_app(tree, detection)
    if app is None:
        raise NothingDetected(
            f"{join(detection.root, 'package.json')} depends on next, but there is no app/ or pages/ folder (nor src/app, src/pages) with routes.",
            hint="Run the wizard on the Next.js app's own folder, or pass --frontend html to add the plain script to its pages instead.",
        )
    lib = join(app.base, "lib")
    core_path = conventional_path(tree, join(lib, "intercom-messenger" + app.spa.extension), component=False)  # the project's file-name convention
    # Users who sign in on the project's separate back end get their tokens from its endpoint.
    backend_api = backend_token_api(context, app)
    core_module(context, app.spa, core_path, app_api=backend_api)
    token_route = backend_api is None
    if app.router == "app":
        plan_app_router(context, app, core_path, token_route=token_route)
        if app.both and has_pages(tree, app):
            # pages/ does not use the root layout: its custom App starts the Messenger too (one token route, the App Router's).
            plan_pages_router(context, app, core_path, token_route=False)
    else:
        plan_pages_router(context, app, core_path, token_route=token_route)
    if options.csp_nonce:
        plan_csp_nonce(context, app)
    if not context.anonymous_only and token_route:  # no sign-in (or the back end signs): nothing to sign here
        add_dependency(context, app.spa.root, "jose", jose_spec(tree, app), "signs the Intercom identity JWT (Node.js and Edge runtimes)")
        plan_secret(context, join(app.spa.root, ".env.local"))
    auth_file = join(lib, "auth" + app.spa.extension)
    library_places = nextauth_hook_places(context, app, core_path)
    wire_auth_hooks(context, app.spa, core_path, likely_file=auth_file if tree.exists(auth_file) else core_path, library_places=library_places)
    if app.both and has_pages(tree, app):
        builder.note(
            f"This project has both app/ and pages/: the Messenger starts from the App Router's root layout and, for pages under pages/, from {HOOK}() in pages/_app."
        )
    if options.auth is not None and options.auth.value == "bearer":
        builder.note(
            f"The token endpoint reads the signed-in user from the request's cookies; with --auth bearer the Messenger sends "
            f"the {options.token_storage_key!r} token as an Authorization header, so make sure your user lookup accepts it."
        )
